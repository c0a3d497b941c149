"""The cadre-vetting pages: each role's index, the step pages, the case page,
appointments and objections, and the issue's check scenario done by clicking
through them. Every refusal is shown to write nothing."""

from datetime import date

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.flowkit.selectors import OPEN
from workflows.vetting import scenario, services
from workflows.vetting.flows import JointReviewFlow
from workflows.vetting.models import (
    Appointment,
    Batch,
    Candidate,
    DepartmentFunction,
    Objection,
    Post,
    Referral,
    Result,
    SecretaryDossier,
    SelectionDossier,
    Verdict,
)

F = DepartmentFunction
SUBMITTED = date(2026, 9, 1)
EVIDENCE = "（2026）示执字第7号，列入失信被执行人名单，至今未履行。"


def task_of(case, name):
    return Task.objects.get(process_id=case.pk, flow_task__endswith=name, status__in=OPEN)


def open_names(case):
    return {t.flow_task.name for t in Task.objects.filter(process_id=case.pk, status__in=OPEN)}


def do_step(client, task, data, expect=302):
    response = client.post(reverse("vetting:task", args=[task.pk]), data)
    assert response.status_code == expect, response.content.decode()[:2000]
    return response


def unchanged(client, method, url, data=None, statuses=(403, 404)):
    """The request is refused with one of `statuses` and writes nothing."""
    before = (AuditEvent.objects.count(), Appointment.objects.count(), Verdict.objects.count())
    response = getattr(client, method)(url, data or {})
    assert response.status_code in statuses
    assert (AuditEvent.objects.count(), Appointment.objects.count(), Verdict.objects.count()) == (
        before
    )
    return response


@pytest.fixture
def township(client_as, county):
    return client_as(county.users["dc_organiser"])


@pytest.fixture
def staff(client_as, county):
    return client_as(county.users["county_staff"])


@pytest.fixture
def batch(township, staff, county, departments, village, people):
    """A Dongcheng batch submitted and dispatched through the pages."""
    response = township.post(
        reverse("vetting:start-batch"),
        {
            "village": village.pk,
            "purpose": "election",
            "submitted_on": SUBMITTED,
            "text": "候选人初步人选。",
            "person_1": people["member_a"].pk,
            "post_1": Post.SECRETARY,
            "person_2": people["member_b"].pk,
            "post_2": Post.DIRECTOR,
        },
    )
    assert response.status_code == 302
    case = Batch.objects.get().case
    assert response.url == reverse("vetting:case", args=[case.pk])
    do_step(staff, task_of(case, "dispatch"), {"dispatched_on": date(2026, 9, 3)})
    return case


def review_form(referral, findings=None):
    """The department's page form: clear for everyone but `findings` {person pk: fields}."""
    data = {"answered_on": date(2026, 9, 8)}
    for candidate in referral.batch.candidates.all():
        finding = (findings or {}).get(candidate.person_id)
        data[f"c{candidate.pk}_item"] = finding["item"] if finding else "clear"
        data[f"c{candidate.pk}_evidence"] = finding["evidence"] if finding else "未发现。"
    return data


def referral_of(batch, function):
    return Referral.objects.get(batch__case=batch, department__function=function)


def answer_all(client_as, actors, batch, people):
    """The discipline body answers all clear and the court finds against member_b, each
    through its page; the other departments answer all clear through the services."""
    for function, findings in [
        (F.DISCIPLINE, {}),
        (F.COURT, {people["member_b"].pk: {"item": "N9c", "evidence": EVIDENCE}}),
    ]:
        referral = referral_of(batch, function)
        client = client_as(actors.reviewers[function])
        task = referral.case.task_set.get(status=STATUS.NEW)
        do_step(client, task, review_form(referral, findings))
    scenario.Walk(batch, actors).until(stop_before="conclude")


@pytest.fixture
def concluded(batch, client_as, staff, township, actors, people):
    """The batch through the departments (the court finds against member_b), concluded
    and publicised: member_a passed, member_b failed."""
    answer_all(client_as, actors, batch, people)
    do_step(staff, task_of(batch, "conclude"), {"concluded_on": date(2026, 9, 10)})
    do_step(
        township,
        task_of(batch, "publicise"),
        {"started_on": date(2026, 9, 11), "decided_on": date(2026, 9, 21)},
    )
    return batch


# --- Each role's view ------------------------------------------------------------------


def test_each_role_reaches_its_index_and_its_starting_pages(client_as, county, departments):
    pages = {
        "dc_organiser": ["start-batch", "start-secretary", "appoint"],
        "county_staff": ["start-selection"],
        "dc_branch_sec": ["start-reserve"],
    }
    for username, names in pages.items():
        client = client_as(county.users[username])
        index = client.get(reverse("vetting:index"))
        assert index.status_code == 200
        for name in names:
            assert reverse(f"vetting:{name}") in index.content.decode()
            assert client.get(reverse(f"vetting:{name}")).status_code == 200
    reviewer = client_as(departments.reviewers[F.COURT])
    assert reviewer.get(reverse("vetting:index")).status_code == 200
    for name in ["start-batch", "start-secretary", "start-selection", "start-reserve", "appoint"]:
        assert reviewer.get(reverse(f"vetting:{name}")).status_code == 403


def test_a_department_reviewer_sees_only_the_referrals_sent_to_it(
    batch, client_as, departments, county
):
    court = client_as(departments.reviewers[F.COURT])
    page = court.get(reverse("vetting:index")).content.decode()
    court_review = referral_of(batch, F.COURT)
    police_review = referral_of(batch, F.POLICE)
    assert reverse("vetting:case", args=[court_review.case_id]) in page
    assert reverse("vetting:case", args=[police_review.case_id]) not in page
    assert (
        reverse("vetting:task", args=[court_review.case.task_set.get(status=STATUS.NEW).pk]) in page
    )
    # The batch itself is the township's and the county's, not the department's.
    assert court.get(reverse("vetting:case", args=[batch.pk])).status_code == 404
    staff = client_as(county.users["county_staff"])
    staff_page = staff.get(reverse("vetting:index"))
    assert reverse("vetting:case", args=[police_review.case_id]) in staff_page.content.decode()
    # While the batch waits on the departments the county follows it on its page.
    batch_page = staff.get(reverse("vetting:case", args=[batch.pk]))
    assert str(JointReviewFlow.await_departments.task_title) in batch_page.content.decode()


def test_the_county_sees_what_waits_for_it(batch, staff, client_as, actors, people):
    answer_all(client_as, actors, batch, people)
    page = staff.get(reverse("vetting:index")).content.decode()
    assert reverse("vetting:task", args=[task_of(batch, "conclude").pk]) in page


# --- The check scenario ------------------------------------------------------------


def test_a_batch_with_one_department_finding_against_one_candidate(
    concluded, staff, township, client_as, departments, people
):
    results = dict(Candidate.objects.values_list("person_id", "result"))
    assert results == {people["member_a"].pk: Result.PASSED, people["member_b"].pk: Result.FAILED}
    assert Candidate.objects.get(person=people["member_b"]).reasons == ["N9c"]
    county_page = staff.get(reverse("vetting:case", args=[concluded.pk])).content.decode()
    assert EVIDENCE in county_page
    township_page = township.get(reverse("vetting:case", args=[concluded.pk])).content.decode()
    assert "N9c" in township_page
    assert EVIDENCE not in township_page
    court_case = referral_of(concluded, F.COURT).case_id
    assert township.get(reverse("vetting:case", args=[court_case])).status_code == 404


def test_the_department_form_refuses_a_finding_without_evidence(
    batch, client_as, departments, people
):
    referral = referral_of(batch, F.COURT)
    task = referral.case.task_set.get(status=STATUS.NEW)
    data = review_form(referral, {people["member_b"].pk: {"item": "N9c", "evidence": ""}})
    client = client_as(departments.reviewers[F.COURT])
    response = unchanged(client, "post", reverse("vetting:task", args=[task.pk]), data, (400,))
    assert "V3a.4" in response.content.decode()
    assert open_names(referral.case) == {"review"}


def test_appointing_an_unreviewed_or_a_failed_candidate_is_refused(
    concluded, township, village, people
):
    url = reverse("vetting:appoint")
    for person in (people["masses_a"], people["member_b"]):
        data = {
            "village": village.pk,
            "person": person.pk,
            "post": Post.COMMITTEE_MEMBER,
            "appointed_on": date(2026, 9, 25),
        }
        response = unchanged(township, "post", url, data, (400,))
        assert "V3a.8" in response.content.decode()
    assert not Appointment.objects.exists()
    data = {**data, "person": people["member_a"].pk}
    assert township.post(url, data).status_code == 302
    assert Appointment.objects.get().person == people["member_a"]


def test_a_secretary_is_filed_with_the_county_through_the_pages(
    concluded, township, staff, village, people
):
    response = township.post(
        reverse("vetting:start-secretary"),
        {
            "village": village.pk,
            "person": people["member_a"].pk,
            "proposed_on": date(2026, 9, 22),
            "text": "镇党委会研究，拟推荐该同志任村党组织书记。",
        },
    )
    assert response.status_code == 302
    case = SecretaryDossier.objects.get().case
    do_step(township, task_of(case, "file_with_county"), {"filed_on": date(2026, 9, 23)})
    do_step(
        staff,
        task_of(case, "county_reply"),
        {"replied_on": date(2026, 9, 25), "reply": "agreed", "text": "同意。"},
    )
    do_step(township, task_of(case, "appoint"), {"appointed_on": date(2026, 9, 28)})
    do_step(staff, task_of(case, "file_result"), {"filed_on": date(2026, 9, 30)})
    d = SecretaryDossier.objects.get()
    assert (d.filed_on, d.replied_on, d.appointed_on, d.result_filed_on) == (
        date(2026, 9, 23),
        date(2026, 9, 25),
        date(2026, 9, 28),
        date(2026, 9, 30),
    )
    assert d.term_ends_on == date(2031, 9, 28)
    assert open_names(case) == {"term_audit"}
    page = staff.get(reverse("vetting:case", args=[case.pk])).content.decode()
    assert "V3b.5" in page
    # The audit before the term ends, without the secretary leaving, is refused.
    task = task_of(case, "term_audit")
    early = {"audited_on": date(2026, 10, 30), "occasion": "term_end", "text": "提前审计。"}
    response = unchanged(staff, "post", reverse("vetting:task", args=[task.pk]), early, (400,))
    assert "V3b.5" in response.content.decode()


def test_a_selection_with_publicity_over_national_day_and_an_objection(
    staff, client_as, county, departments
):
    response = staff.post(
        reverse("vetting:start-selection"),
        {
            "committee": county.orgs["county"].pk,
            "person": county.people["dc_organiser"].pk,
            "post": "东城镇党委副书记",
            "unit": county.orgs["dongcheng"].pk,
            "proposed_on": date(2025, 9, 1),
            "with_probation": "on",
            "text": "县委组织部动议。",
        },
    )
    assert response.status_code == 302
    case = SelectionDossier.objects.get().case
    check = {"checked_on": date(2025, 9, 5), "check_result": "clear", "text": "经核查，无问题。"}
    discipline = client_as(departments.reviewers[F.DISCIPLINE])
    for name in ["check_file", "check_personal_matters", "check_petitions"]:
        do_step(staff, task_of(case, name), check)
    # The discipline body gives its opinion and goes back to its own list.
    response = do_step(discipline, task_of(case, "discipline_opinion"), check)
    assert response.url == reverse("vetting:index")
    do_step(
        staff,
        task_of(case, "decision_meeting"),
        {
            "held_on": date(2025, 9, 20),
            "decision": "approve",
            "expected": 9,
            "present": 8,
            "yes": 7,
            "no": 1,
            "abstain": 0,
        },
    )
    do_step(staff, task_of(case, "start_publicity"), {"started_on": date(2025, 9, 29)})
    d = SelectionDossier.objects.get()
    # 29, 30 September, then the National Day holiday, then 9 (make-up day), 10, 11 October.
    assert d.publicity_ends_on == date(2025, 10, 11)
    page = staff.get(reverse("vetting:case", args=[case.pk])).content.decode()
    assert reverse("vetting:objection-add", args=[case.pk]) in page
    response = staff.post(
        reverse("vetting:objection-add", args=[case.pk]),
        {"received_on": date(2025, 10, 9), "text": "反映该同志个人事项漏报。"},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    close = task_of(case, "close_publicity")
    response = unchanged(
        staff,
        "post",
        reverse("vetting:task", args=[close.pk]),
        {"closed_on": date(2025, 10, 13)},
        (400,),
    )
    assert "V3c.5" in response.content.decode()
    response = staff.post(
        reverse("vetting:objection-resolve", args=[objection.pk]),
        {
            "resolved_on": date(2025, 10, 12),
            "decision": "dismissed",
            "text": "经核实，已如实报告。",
        },
    )
    assert response.status_code == 302
    do_step(staff, close, {"closed_on": date(2025, 10, 13)})
    do_step(staff, task_of(case, "appoint"), {"appointed_on": date(2025, 10, 14)})
    assert Appointment.objects.get(case=case).person == county.people["dc_organiser"]
    assert open_names(case) == {"probation_review"}


def test_a_department_user_cannot_read_another_departments_findings(
    concluded, client_as, departments, staff, county
):
    court_case = referral_of(concluded, F.COURT).case_id
    police = client_as(departments.reviewers[F.POLICE])
    unchanged(police, "get", reverse("vetting:case", args=[court_case]))
    unchanged(police, "get", reverse("case-detail", args=[court_case]))
    court_page = client_as(departments.reviewers[F.COURT]).get(
        reverse("vetting:case", args=[court_case])
    )
    assert EVIDENCE in court_page.content.decode()
    for user in (county.users["county_staff"], county.users["auditor"]):
        page = client_as(user).get(reverse("vetting:case", args=[court_case]))
        assert EVIDENCE in page.content.decode()


# --- Out of scope ------------------------------------------------------------------------


def test_another_township_is_refused_a_dongcheng_case_and_changes_nothing(
    batch, client_as, county, actors, people
):
    other = client_as(county.users["xs_organiser"])
    unchanged(other, "get", reverse("vetting:case", args=[batch.pk]))
    withdraw = reverse("vetting:withdraw", args=[batch.pk])
    unchanged(other, "post", withdraw, {"reason": "撤回。"})
    answer_all(client_as, actors, batch, people)
    task = task_of(batch, "conclude")
    unchanged(other, "get", reverse("vetting:task", args=[task.pk]))
    unchanged(
        other, "post", reverse("vetting:task", args=[task.pk]), {"concluded_on": "2026-09-10"}
    )
    assert open_names(batch) == {"conclude"}


def test_another_departments_reviewer_cannot_answer_a_referral(batch, client_as, departments):
    referral = referral_of(batch, F.COURT)
    task = referral.case.task_set.get(status=STATUS.NEW)
    police = client_as(departments.reviewers[F.POLICE])
    url = reverse("vetting:task", args=[task.pk])
    unchanged(police, "get", url)
    unchanged(police, "post", url, review_form(referral))
    assert open_names(referral.case) == {"review"}


def test_the_township_withdraws_a_batch_with_its_referrals(batch, township):
    response = township.post(reverse("vetting:withdraw", args=[batch.pk]), {"reason": "人选调整。"})
    assert response.status_code == 302
    assert not Task.objects.filter(
        process_id__in=Referral.objects.values("case_id"), status__in=OPEN
    ).exists()


def test_every_step_page_opens_for_the_one_who_does_it(county, actors, village, people, client_as):
    """Walk each procedure and open every step's page on the way (its form renders)."""
    scenario.joint_review(
        actors, village, [people["member_a"]], date(2025, 3, 3), posts=[Post.SECRETARY]
    )
    seen = set()

    def open_pages(walk):
        while (task := walk.open_task()) is not None:
            client = client_as(actors.for_step(task))
            response = client.get(reverse("vetting:task", args=[task.pk]))
            assert response.status_code == 200, task.flow_task.name
            seen.add((task.flow_task.flow_class.__name__, task.flow_task.name))
            if task.flow_task.name in ("term_audit", "probation_review", "yearly_review"):
                return
            walk.step()

    batch = services.submit_batch(
        actor=actors.township,
        village=village,
        purpose="election",
        candidates=[(people["member_b"], Post.DIRECTOR)],
        submitted_on=date(2025, 3, 3),
    )
    open_pages(scenario.Walk(batch, actors))
    secretary = services.propose_secretary(
        actor=actors.township,
        village=village,
        person=people["member_a"],
        proposed_on=date(2025, 5, 6),
        text="拟推荐。",
    )
    open_pages(scenario.Walk(secretary, actors))
    selection = services.propose_selection(
        actor=actors.county,
        committee=county.orgs["county"],
        person=county.people["dc_organiser"],
        post="东城镇党委副书记",
        unit=county.orgs["dongcheng"],
        proposed_on=date(2025, 9, 1),
        text="动议。",
    )
    open_pages(scenario.Walk(selection, actors))
    reserve = services.nominate_reserve(
        actor=actors.branch,
        village=village,
        person=people["member_a"],
        nominated_on=date(2025, 4, 1),
        nomination="members",
        text="党员推荐。",
    )
    open_pages(scenario.Walk(reserve, actors))
    assert len(seen) == 3 + 1 + 5 + 9 + 3
