"""The other ways a member-development case goes: decisions that loop back or
close it, failed votes, extension and cancellation of probation, and the
transfer of a case with its person to another branch (R1.8, R1.26)."""

from datetime import date, timedelta

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.chain import verify
from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases.models import Case, Deadline
from core.demo import add_person
from core.flowkit.errors import NotVisible
from core.flowkit.services import take_task
from core.people.choices import PartyStatus
from core.people.models import Person
from tests.workflows.recruitment.test_steps import At, refused_without_trace, state
from workflows.recruitment import scenario, services
from workflows.recruitment.models import Outcome, Record, RecordKind
from workflows.recruitment.rules import Votes, add_months

DAY = timedelta(days=1)
FAILING = Votes(expected=4, present=4, yes=2, no=2, abstain=0)  # yes = E/2: not passed


def _status(walk):
    return Person.objects.get(pk=walk.case.subject_id).party_status


def _step_open(walk):
    task = walk.open_task()
    return task.flow_task.name if task else None


def _closed_with(walk, outcome):
    """The case ended at `closed`: outcome set, deadlines dropped, the person not a member."""
    assert walk.open_task() is None
    assert walk.dossier.outcome == outcome
    assert Case.objects.get(pk=walk.case.pk).status == "DONE"
    assert not Deadline.objects.filter(case=walk.case, state="open").exists()
    assert _status(walk) == PartyStatus.MASSES
    assert verify(chain=f"case:{walk.case.pk}").ok


# --- Stage 2 --------------------------------------------------------------------


def test_r1_4_not_yet_chosen_waits_and_not_chosen_closes(county, walk):
    applied_on = walk.dossier.applied_on
    At(walk, "choose_activist").passes(
        decision="wait", decided_on=add_months(applied_on, 2), nomination=""
    )
    assert _step_open(walk) == "choose_activist"
    assert (_status(walk), walk.dossier.activist_on) == (PartyStatus.APPLICANT, None)

    At(walk, "choose_activist").passes(decision="close", decided_on=add_months(applied_on, 3))
    _closed_with(walk, Outcome.NOT_CHOSEN)
    decisions = Record.objects.filter(case=walk.case, kind=RecordKind.RECOMMENDATION)
    assert [r.data["decision"] for r in decisions] == ["wait", "close"]
    # The closed case no longer stands in the way of a new application (R1.1).
    scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        walk.actors.branch,
        date(2025, 1, 6),
    )


def test_r1_9_not_yet_a_development_object_goes_back_to_cultivation(walk):
    At(walk, "choose_development_object").passes(decision="wait", text="群众意见不一，继续培养。")
    assert _step_open(walk) == "cultivate"
    assert _status(walk) == PartyStatus.ACTIVIST
    walk.until(stop_before="file_development_object")
    assert _status(walk) == PartyStatus.DEVELOPMENT_OBJECT


# --- Stage 3 --------------------------------------------------------------------


def test_r1_12_political_review_failed_closes_the_case(walk):
    At(walk, "political_review").passes(
        passed=False, conclusion="直系亲属政治情况有问题，审查不合格。"
    )
    _closed_with(walk, Outcome.REVIEW_FAILED)


def test_publicity_objection_upheld_closes_the_case(walk):
    """§1.5: an upheld objection to a development object ends the case."""
    At(walk, "publicise_object").passes(upheld=True, objections="群众反映问题属实。")
    _closed_with(walk, Outcome.PUBLICITY_OBJECTION)


def test_publicity_objection_before_conversion_goes_to_the_branch_meeting(walk):
    """§1.5: an upheld objection before conversion is for the branch meeting to weigh:
    here it votes to cancel the probationary membership (R1.23 c)."""
    At(walk, "publicise_conversion").passes(upheld=True, objections="反映问题属实。")
    assert _step_open(walk) == "conversion_meeting"
    At(walk, "conversion_meeting").passes(proposal="cancel", text="取消预备党员资格。")
    At(walk, "conversion_approval").passes()
    _closed_with(walk, Outcome.CANCELLED)


# --- Stage 4 --------------------------------------------------------------------


def test_r1_15_prereview_returned_to_the_branch_then_refused(walk):
    At(walk, "prereview").passes(decision="returned", text="材料不全，退回支部。")
    assert _step_open(walk) == "branch_review"
    At(walk, "prereview").passes(decision="refused", text="预审不合格。")
    _closed_with(walk, Outcome.PREREVIEW_REFUSED)


def test_r1_16_a_failed_admission_vote_goes_back_to_the_branch_and_is_retried(walk):
    first = At(walk, "admission_meeting")
    first.passes(votes=FAILING)
    assert _step_open(walk) == "branch_review"
    assert (_status(walk), walk.dossier.admission_meeting_on) == (
        PartyStatus.DEVELOPMENT_OBJECT,
        None,
    )
    failed = Record.objects.get(case=walk.case, kind=RecordKind.RESOLUTION)
    assert (failed.data["passed"], failed.data["yes"]) == (False, 2)

    second_on = failed.dated + 30 * DAY
    At(walk, "admission_meeting").passes(held_on=second_on)
    walk.until(stop_before="county_filing")
    # Probation counts from the meeting that passed (R1.22).
    assert walk.dossier.probation_ends_on == add_months(second_on, 12)


def test_r1_16_a_failed_admission_vote_may_close_the_case(walk):
    At(walk, "admission_meeting").passes(votes=FAILING, if_failed="close")
    _closed_with(walk, Outcome.NOT_ADMITTED)


def test_r1_19_approval_rejected_closes_the_case(walk):
    At(walk, "approval").passes(decision="rejected", votes_for=2, text="党委会表决未通过。")
    _closed_with(walk, Outcome.NOT_APPROVED)


# --- Stage 5 --------------------------------------------------------------------


def _extend(walk, months):
    At(walk, "conversion_meeting").passes(proposal="extend", extension_months=months)
    At(walk, "conversion_approval").passes(text="同意延长预备期。")


@pytest.mark.parametrize("months", [6, 12])
def test_r1_23_extension_moves_the_end_of_probation(walk, months):
    walk.until(stop_before="conversion_meeting")
    end = walk.dossier.probation_ends_on
    _extend(walk, months)
    dossier = walk.dossier
    assert (dossier.probation_extended, dossier.probation_ends_on) == (
        True,
        add_months(end, months),
    )
    assert _step_open(walk) == "probation"
    assert _status(walk) == PartyStatus.PROBATIONARY
    deadline = Deadline.objects.get(case=walk.case, kind="probation_end", state="open")
    assert deadline.due_on == add_months(end, months)


def test_r1_23_extended_once_then_converted_at_a_second_meeting(walk):
    walk.until(stop_before="conversion_meeting")
    first_end = walk.dossier.probation_ends_on
    _extend(walk, 6)
    at = At(walk, "conversion_meeting")
    # R1.24: the second meeting waits for the extended end.
    at.refused("R1.24", held_on=first_end + DAY)
    at.passes()
    walk.until()
    dossier = walk.dossier
    assert dossier.outcome == Outcome.FULL_MEMBER
    # R1.25: 党龄 from the end of the extended probation.
    assert dossier.full_member_on == add_months(first_end, 6)
    person = Person.objects.get(pk=walk.case.subject_id)
    assert person.membership_started_on == dossier.full_member_on


def test_r1_23_a_second_extension_is_refused(walk):
    walk.until(stop_before="conversion_meeting")
    _extend(walk, 6)
    at = At(walk, "conversion_meeting")
    at.refused("R1.23", proposal="extend", extension_months=6)
    at.passes(proposal="cancel")


def test_r1_23_probationary_membership_cancelled(walk):
    At(walk, "conversion_meeting").passes(proposal="cancel", text="严重违反党的纪律。")
    At(walk, "conversion_approval").passes(text="同意取消预备党员资格。")
    _closed_with(walk, Outcome.CANCELLED)


def test_r1_16_a_failed_conversion_vote_keeps_the_step_open_with_the_vote_on_record(walk):
    at = At(walk, "conversion_meeting")
    events = AuditEvent.objects.filter(case=walk.case).count()
    at.complete(votes=FAILING)
    task = Task.objects.get(pk=at.task.pk)
    assert task.status in (STATUS.NEW, STATUS.ASSIGNED)
    vote = Record.objects.get(case=walk.case, kind=RecordKind.RESOLUTION, step="conversion_meeting")
    assert (vote.data["passed"], vote.data["proposal"], vote.data["yes"]) == (False, "convert", 2)
    event = AuditEvent.objects.filter(case=walk.case).latest("seq")
    assert (event.action, event.step) == (Action.RECORD_ADDED, "conversion_meeting")
    assert AuditEvent.objects.filter(case=walk.case).count() == events + 1
    assert (walk.dossier.conversion_meeting_on, _status(walk)) == (None, PartyStatus.PROBATIONARY)

    at.passes(held_on=vote.dated + 7 * DAY)
    assert _step_open(walk) == "conversion_approval"


def test_r1_25_conversion_returned_to_the_branch_meeting(walk):
    At(walk, "conversion_approval").passes(decision="returned", text="决议材料不全，退回重议。")
    assert _step_open(walk) == "conversion_meeting"
    assert _status(walk) == PartyStatus.PROBATIONARY
    walk.until()
    assert walk.dossier.outcome == Outcome.FULL_MEMBER


# --- Transfers (R1.8, R1.26) ----------------------------------------------------


@pytest.fixture
def receiving(county):
    """Xishan village and Dongcheng community branch 1 get two more full members each,
    so each has the three a general meeting needs (§1.4.5)."""
    for org in ("xishan_village", "dongcheng_community_1"):
        for n in (1, 2):
            add_person(county, f"{org}_{n}", f"党员{org[-1]}{n}", org, birth=date(1980, 1, n))
    return county


def _transfer(walk, to_branch, on, postpone_to=None, actor=None):
    return services.transfer(
        actor=actor or walk.actors.branch,
        case=walk.case,
        to_branch=to_branch,
        transferred_on=on,
        reason="工作单位变动。",
        postpone_to=postpone_to,
    )


def _refused_at_old_branch(walk, users):
    """After the transfer the old branch (and township) no longer see the case."""
    case, task = walk.case, walk.open_task()
    for user in users:
        refused = state(case.pk, case.subject_id)
        with pytest.raises(NotVisible):
            services.complete(actor=user, task=task, **walk.fields(task.flow_task.name))
        assert state(case.pk, case.subject_id) == refused


def test_r1_8_an_activist_is_transferred_to_another_township_and_continues_there(
    county, walk, receiving
):
    walk.until(stop_before="assign_contacts")
    activist_on = walk.dossier.activist_on
    task = walk.open_task()
    take_task(actor=county.users["dc_branch_org"], task=task)
    case = _transfer(walk, county.orgs["xishan_village"], date(2023, 10, 20))
    assert (case.organisation, case.township) == (
        county.orgs["xishan_village"],
        county.orgs["xishan"],
    )
    assert Task.objects.get(pk=task.pk).owner is None  # back in the new branch's queue
    deadlines = Deadline.objects.filter(case=case, state="open")
    assert {(d.kind, d.responsible, d.escalate_to) for d in deadlines} == {
        ("evaluation", county.orgs["xishan_village"], county.orgs["xishan"]),
        ("cultivation_year", county.orgs["xishan_village"], county.orgs["xishan"]),
    }
    _refused_at_old_branch(walk, [county.users["dc_branch_sec"], county.users["dc_organiser"]])

    u = county.users
    there = scenario.Walk(
        case,
        scenario.Actors(
            u["xs_branch_sec"], u["xs_organiser"], u["xs_organiser"], u["county_staff"]
        ),
    )
    there.until()
    dossier = there.dossier
    assert dossier.outcome == Outcome.FULL_MEMBER
    # R1.8: the cultivation time at the old branch counts; the history stays with the case.
    assert dossier.activist_on == activist_on
    assert Record.objects.filter(case=case, kind=RecordKind.TALK).exists()
    assert set(dossier.contacts.values_list("organisation", flat=True)) == {
        county.orgs["xishan_village"].pk
    }
    moved = AuditEvent.objects.get(case=case, action=Action.CASE_TRANSFERRED)
    assert (moved.data["from"], moved.data["to"]) == (
        county.orgs["dongcheng_village"].pk,
        county.orgs["xishan_village"].pk,
    )
    assert AuditEvent.objects.filter(case=case, actor=u["xs_organiser"]).exists()
    assert verify(chain=f"case:{case.pk}").ok


def test_r1_26_a_probationary_member_is_transferred_and_the_conversion_postponed(
    county, walk, receiving
):
    walk.until(stop_before="probation")
    end = walk.dossier.probation_ends_on  # 2025-12-11
    postponed = add_months(end, 3)
    case = _transfer(walk, county.orgs["dongcheng_community_1"], date(2025, 2, 1), postponed)
    assert (
        Deadline.objects.get(case=case, kind="probation_end", state="open").responsible
        == (county.orgs["dongcheng_community_1"])
    )
    _refused_at_old_branch(walk, [county.users["dc_branch_sec"]])

    u = county.users
    there = scenario.Walk(
        case,
        scenario.Actors(
            u["dc_community_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
        ),
    )
    at = At(there, "conversion_meeting")
    at.refused("R1.26", held_on=postponed + DAY)
    at.passes(held_on=postponed)
    At(there, "conversion_approval").passes(approved_on=postponed + 10 * DAY)
    At(there, "archive").passes(archived_on=postponed + 20 * DAY)
    dossier = there.dossier
    # The postponement moves the discussion, not the date probation ended.
    assert dossier.full_member_on == end
    assert dossier.outcome == Outcome.FULL_MEMBER


@pytest.mark.parametrize(
    ("months", "days", "ok"),
    [(0, -1, False), (0, 0, True), (6, 0, True), (6, 1, False)],
    ids=["before the end", "at the end", "six months", "six months and a day"],
)
def test_r1_26_postponement_of_at_most_six_months(county, walk, receiving, months, days, ok):
    walk.until(stop_before="probation")
    end = walk.dossier.probation_ends_on
    postpone_to = add_months(end, months) + days * DAY
    to = county.orgs["dongcheng_community_1"]
    if ok:
        case = _transfer(walk, to, date(2025, 2, 1), postpone_to)
        assert (case.organisation, walk.dossier.conversion_postponed_to) == (to, postpone_to)
    else:
        refused_without_trace(
            "R1.26",
            walk.case.pk,
            walk.case.subject_id,
            lambda: _transfer(walk, to, date(2025, 2, 1), postpone_to),
        )


def test_r1_26_only_a_probationary_members_conversion_is_postponed(county, walk):
    walk.until(stop_before="assign_contacts")
    refused_without_trace(
        "R1.26",
        walk.case.pk,
        walk.case.subject_id,
        lambda: _transfer(
            walk, county.orgs["xishan_village"], date(2023, 10, 20), date(2024, 1, 1)
        ),
    )


def test_r1_8_an_applicant_is_not_transferred(county, walk):
    """R1.8: an applicant applies again at the new unit."""
    refused_without_trace(
        "R1.8",
        walk.case.pk,
        walk.case.subject_id,
        lambda: _transfer(walk, county.orgs["xishan_village"], date(2023, 6, 5)),
    )


@pytest.mark.parametrize(
    ("to", "reason"),
    [("xishan", "工作调动。"), ("dongcheng_village", "工作调动。"), ("xishan_village", " ")],
    ids=["to a committee", "to the same branch", "no reason"],
)
def test_r1_8_a_transfer_goes_to_another_branch_with_its_reason(county, walk, to, reason):
    walk.until(stop_before="assign_contacts")
    refused_without_trace(
        "R1.8",
        walk.case.pk,
        walk.case.subject_id,
        lambda: services.transfer(
            actor=walk.actors.branch,
            case=walk.case,
            to_branch=county.orgs[to],
            transferred_on=date(2023, 10, 20),
            reason=reason,
        ),
    )


def test_r1_15_the_leaving_date_stays_with_the_unit_that_was_left(county, walk, receiving):
    """R1.15 / R1.8: leaving Dongcheng bars the admission there, not at the new branch."""
    at = At(walk, "branch_review")
    leaves_on = walk.fields("prereview")["reviewed_on"]
    at.passes(leaves_unit_on=leaves_on)
    At(walk, "prereview").refused("R1.15")
    case = _transfer(walk, county.orgs["xishan_village"], leaves_on)
    u = county.users
    there = scenario.Walk(
        case,
        scenario.Actors(
            u["xs_branch_sec"], u["xs_organiser"], u["xs_organiser"], u["county_staff"]
        ),
    )
    At(there, "prereview").passes()
    assert there.dossier.leaves_unit_on is None


def test_r1_8_an_approval_still_due_moves_to_the_new_committee(county, walk, receiving):
    """R1.8 / R1.20: after the conversion meeting the member moves to Xishan; the
    Xishan committee decides, and the deadline reminds it, not Dongcheng's."""
    walk.until(stop_before="conversion_approval")
    due = Deadline.objects.get(case=walk.case, kind="conversion_approval", state="open")
    assert due.responsible == county.orgs["dongcheng"]
    case = _transfer(walk, county.orgs["xishan_village"], walk.dossier.conversion_meeting_on)
    due.refresh_from_db()
    assert (due.responsible, due.escalate_to) == (county.orgs["xishan"], county.orgs["county"])
    _refused_at_old_branch(walk, [county.users["dc_secretary"]])

    u = county.users
    there = scenario.Walk(
        case,
        scenario.Actors(
            u["xs_branch_sec"], u["xs_organiser"], u["xs_organiser"], u["county_staff"]
        ),
    )
    At(there, "conversion_approval").passes()
    assert _status(there) == PartyStatus.FULL
