"""Who may do each member-development step.

Every step is done by the body §1.2 names: the branch, the township committee
receiving filings and running training, the committee with approval authority
(R1.20), or the county organisation department. Anyone else is refused, with
404 when the case is out of their sight and 403 when they see it, and the
refusal writes nothing.
"""

from datetime import date

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.cases.models import Case
from core.flowkit.errors import AlreadyDone, NotPermitted, NotVisible
from core.flowkit.selectors import inbox
from core.flowkit.services import take_task
from core.organisations.models import Organisation
from core.people.models import Person
from tests.workflows.recruitment.test_steps import At, state
from workflows.recruitment import services
from workflows.recruitment.flows import human_steps
from workflows.recruitment.models import Record, RecordKind

BRANCH, TOWNSHIP, COMMITTEE, COUNTY = (
    "act_for_branch",
    "review_for_township",
    "approve_for_committee",
    "file_for_county",
)

# The body of each step (§1.2, "Actor").
DONE_BY = {
    "talk": BRANCH,
    "choose_activist": BRANCH,
    "file_activist": TOWNSHIP,
    "assign_contacts": BRANCH,
    "cultivate": BRANCH,
    "choose_development_object": BRANCH,
    "file_development_object": TOWNSHIP,
    "assign_sponsors": BRANCH,
    "political_review": BRANCH,
    "training": TOWNSHIP,
    "publicise_object": BRANCH,
    "branch_review": BRANCH,
    "prereview": COMMITTEE,
    "volunteer_form": BRANCH,
    "admission_meeting": BRANCH,
    "committee_talk": COMMITTEE,
    "approval": COMMITTEE,
    "county_filing": COUNTY,
    "placement": BRANCH,
    "oath": BRANCH,
    "probation": BRANCH,
    "conversion_application": BRANCH,
    "publicise_conversion": BRANCH,
    "conversion_meeting": BRANCH,
    "conversion_approval": COMMITTEE,
    "archive": BRANCH,
}

# Users who may do a step of a Dongcheng village case; the first is the one the
# scenario does not use, so a second lawful user is proven too.
MAY_ACT = {
    BRANCH: ("dc_branch_org", "dc_branch_sec"),
    TOWNSHIP: ("dc_secretary", "dc_organiser"),
    COMMITTEE: ("dc_organiser", "dc_secretary"),
    COUNTY: ("county_staff",),
}
# Users who see the case (view_cases over Dongcheng village): refused with 403.
SEES_THE_CASE = {"dc_branch_sec", "dc_branch_org", "dc_organiser", "dc_secretary", "county_staff"}
SEES_THE_CASE |= {"auditor"}
# Users out of its sight (another branch, another township, a department): 404.
OUT_OF_SIGHT = {"dc_community_sec", "xs_branch_sec", "xs_organiser", "discipline_officer"}


def test_r1_14_the_steps_run_in_the_order_of_the_procedure():
    """R1.14: the 25 steps of §1.2 (with the two publicity steps of §1.5), in order."""
    assert [node.name for node in human_steps()] == list(DONE_BY)


def _refusal(user):
    return NotPermitted if user in SEES_THE_CASE else NotVisible


@pytest.mark.parametrize("name", list(DONE_BY))
def test_each_step_is_refused_to_every_other_role_and_done_by_its_own(county, walk, name):
    at = At(walk, name)
    walk.before(name)
    permission = DONE_BY[name]
    assert at.task.owner_permission == f"organisations.{permission}"
    allowed = MAY_ACT[permission]
    case = walk.case
    for user in sorted((SEES_THE_CASE | OUT_OF_SIGHT) - set(allowed)):
        before = state(case.pk, case.subject_id)
        with pytest.raises(_refusal(user)):
            at.complete(actor=county.users[user])
        assert state(case.pk, case.subject_id) == before, user
        assert at.task not in inbox(county.users[user]), user
    for user in allowed:
        assert at.task in inbox(county.users[user]), user
    at.complete(actor=county.users[allowed[0]])
    task = Task.objects.get(pk=at.task.pk)
    assert (task.status, task.owner) == (STATUS.DONE, county.users[allowed[0]])


def test_a_step_taken_by_a_colleague_is_refused_until_released(county, walk):
    at = At(walk, "talk")
    take_task(actor=county.users["dc_branch_org"], task=at.task)
    case = walk.case
    before = state(case.pk, case.subject_id)
    with pytest.raises(NotPermitted):
        at.complete(actor=county.users["dc_branch_sec"])
    assert state(case.pk, case.subject_id) == before
    at.complete(actor=county.users["dc_branch_org"])


def test_a_step_done_once_is_not_done_again(county, walk):
    at = At(walk, "talk")
    at.complete()
    events = AuditEvent.objects.count()
    with pytest.raises(AlreadyDone):
        at.complete(actor=county.users["dc_branch_org"])
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("user", ["xs_branch_sec", "dc_organiser", "auditor", "county_staff"])
def test_only_the_branch_records_an_application(county, user):
    person = county.people["masses_a"]
    counts = Case.objects.count(), AuditEvent.objects.count(), Record.objects.count()
    with pytest.raises(NotPermitted):
        services.apply(
            actor=county.users[user],
            branch=county.orgs["dongcheng_village"],
            person=person,
            applied_on=date(2023, 6, 1),
        )
    assert (Case.objects.count(), AuditEvent.objects.count(), Record.objects.count()) == counts
    assert Person.objects.get(pk=person.pk).party_status == person.party_status


@pytest.mark.parametrize(
    ("user", "refusal"),
    [
        ("xs_branch_sec", NotVisible),
        ("dc_community_sec", NotVisible),
        ("dc_organiser", NotPermitted),
        ("auditor", NotPermitted),
    ],
)
def test_only_the_branch_files_an_evaluation_or_transfers(county, walk, user, refusal):
    walk.until(stop_before="cultivate")
    case = walk.case
    before = state(case.pk, case.subject_id)
    with pytest.raises(refusal):
        services.add_record(
            actor=county.users[user],
            case=case,
            kind=RecordKind.EVALUATION,
            dated=date(2024, 3, 1),
            text="考察。",
        )
    with pytest.raises(refusal):
        services.transfer(
            actor=county.users[user],
            case=case,
            to_branch=county.orgs["xishan_village"],
            transferred_on=date(2024, 3, 1),
            reason="工作调动。",
        )
    assert state(case.pk, case.subject_id) == before


def test_r1_20_without_approval_authority_the_township_does_not_prereview(county, walk):
    """R1.20: the pre-review falls to the nearest committee with approval authority."""
    at = At(walk, "prereview")
    township = county.orgs["dongcheng"]
    Organisation.objects.filter(pk=township.pk).update(can_approve_members=False)
    case = walk.case
    before = state(case.pk, case.subject_id)
    with pytest.raises(NotPermitted):
        at.complete(actor=county.users["dc_organiser"])
    assert state(case.pk, case.subject_id) == before
    assert at.task.flow_task.target_organisation(case) == county.orgs["county"]

    Organisation.objects.filter(pk=township.pk).update(can_approve_members=True)
    at.complete(actor=county.users["dc_organiser"])


def test_r1_20_a_general_branch_does_not_approve_its_branchs_members(county):
    """R1.20: for a branch under a 党总支 the township committee pre-reviews and approves."""
    person = county.people["masses_a"]
    Person.objects.filter(pk=person.pk).update(organisation=county.orgs["dongcheng_community_1"])
    case = services.apply(
        actor=county.users["dc_community_sec"],
        branch=county.orgs["dongcheng_community_1"],
        person=Person.objects.get(pk=person.pk),
        applied_on=date(2023, 6, 1),
    )
    prereview = next(node for node in human_steps() if node.name == "prereview")
    assert prereview.target_organisation(case) == county.orgs["dongcheng"]
