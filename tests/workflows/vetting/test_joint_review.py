"""§3a joint qualification review through the services: a township batch, every
department in parallel, one finding, the result, and 「未经联审者不得任职」."""

from datetime import date, timedelta

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.deadlines import sweep
from core.cases.models import Deadline, DeadlineState
from core.cases.selectors import escalated_to
from core.flowkit.errors import NotPermitted, NotVisible, RuleViolation
from core.flowkit.selectors import inbox
from tests.workflows.vetting.conftest import TODAY
from workflows.vetting import rules, scenario, selectors, services
from workflows.vetting.flows import DepartmentReviewFlow, JointReviewFlow
from workflows.vetting.models import (
    Appointment,
    Batch,
    Candidate,
    DepartmentFunction,
    Post,
    Purpose,
    Referral,
    Result,
    Verdict,
)

SUBMITTED = date(2025, 3, 3)
EVIDENCE = "（2024）示执字第118号，列入失信被执行人名单。"


def _court_finds(people):
    return {("court", people["member_b"].pk): {"item": "N9c", "evidence": EVIDENCE}}


@pytest.fixture
def batch(actors, village, people):
    """member_a and member_b submitted by Dongcheng on 2025-03-03, not yet dispatched."""
    return services.submit_batch(
        actor=actors.township,
        village=village,
        purpose=Purpose.ELECTION,
        candidates=[(people["member_a"], Post.SECRETARY), (people["member_b"], Post.DIRECTOR)],
        submitted_on=SUBMITTED,
        text="候选人初步人选。",
        today=TODAY,
    )


@pytest.fixture
def walk(batch, actors, people):
    return scenario.Walk(batch, actors, TODAY, _court_finds(people))


@pytest.fixture
def dispatched(walk):
    walk.step()
    return walk


def referral_of(batch, function):
    return Referral.objects.get(batch__case=batch, department__function=function)


def task_of(referral):
    return referral.case.task_set.get(flow_task=DepartmentReviewFlow.review)


def candidate(batch, person):
    return Candidate.objects.get(batch__case=batch, person=person)


def written():
    return AuditEvent.objects.count(), Verdict.objects.count(), Appointment.objects.count()


# --- the batch through the departments -------------------------------------------


def test_the_batch_goes_to_every_department_at_once(dispatched, county, departments):
    batch = dispatched.case
    referrals = Referral.objects.filter(batch__case=batch)
    assert referrals.count() == 12
    for referral in referrals:
        assert referral.case.organisation == referral.department.organisation
        assert referral.case.township is None
        task = task_of(referral)
        assert task.status == STATUS.NEW
        assert task.owner_permission == "organisations.review_for_department"
        assert referral.due_on == SUBMITTED + timedelta(days=2 + 10)
        deadline = Deadline.objects.get(case=referral.case, kind="department_review")
        assert deadline.responsible == referral.department.organisation
        assert deadline.escalate_to == county.orgs["org_dept"]
    waiting = Task.objects.get(process=batch, status=STATUS.NEW)
    assert waiting.flow_task is JointReviewFlow.await_departments


def test_one_department_finding_fails_one_candidate(walk, people):
    walk.until()
    batch = walk.case
    a, b = candidate(batch, people["member_a"]), candidate(batch, people["member_b"])
    assert (a.result, a.reasons) == (Result.PASSED, [])
    assert (b.result, b.reasons) == (Result.FAILED, ["N9c"])
    finding = Verdict.objects.get(item__isnull=False)
    assert finding.referral.department.function == DepartmentFunction.COURT
    assert finding.candidate == b
    assert Verdict.objects.count() == 24  # 12 departments x 2 candidates, each answered
    batch.refresh_from_db()
    assert batch.status == PROCESS.DONE
    assert verify(chain=f"case:{batch.pk}").ok
    assert verify(chain=f"case:{finding.referral.case_id}").ok


def test_the_township_learns_the_result_not_the_evidence(walk, people):
    walk.until()
    batch_events = AuditEvent.objects.filter(case=walk.case)
    assert EVIDENCE not in str(list(batch_events.values_list("data", "opinion")))
    assert "N9c" in str(list(batch_events.values_list("data", flat=True)))
    court = referral_of(walk.case, "court")
    assert EVIDENCE in str(list(AuditEvent.objects.filter(case=court.case).values("data")))


def test_the_last_answer_moves_the_batch_on(dispatched, actors):
    referrals = list(Referral.objects.filter(batch__case=dispatched.case).order_by("pk"))
    for _answered in referrals[:-1]:
        dispatched.step()
    assert dispatched.open_task().process_id == referrals[-1].case_id
    dispatched.step()
    assert dispatched.open_task().flow_task is JointReviewFlow.conclude


def test_an_upheld_objection_during_result_publicity_fails_the_candidate(walk, people):
    walk.until(stop_before="publicise")
    a = candidate(walk.case, people["member_a"])
    walk.step(upheld={a.pk: "群众反映其长期不在村，经核实属实。"})
    a.refresh_from_db()
    assert a.result == Result.FAILED
    assert a.reasons == ["objection"]


def test_the_result_is_publicised_for_five_working_days(walk):
    walk.until(stop_before="publicise")
    with pytest.raises(RuleViolation) as info:
        walk.step(started_on=date(2025, 3, 14), decided_on=date(2025, 3, 20))
    assert info.value.rule == "V3a.7"  # Fri 14th + 4 working days ends Thu 20th
    walk.step(started_on=date(2025, 3, 14), decided_on=date(2025, 3, 21))
    batch = Batch.objects.get(case=walk.case)
    assert (batch.publicity_ends_on, batch.published_on) == (date(2025, 3, 20), date(2025, 3, 21))


# --- 未经联审者不得任职 --------------------------------------------------------


def _appoint(actors, person, village, post=Post.COMMITTEE_MEMBER, on=date(2025, 5, 6)):
    return services.appoint(
        actor=actors.township,
        person=person,
        village=village,
        post=post,
        appointed_on=on,
        today=TODAY,
    )


def test_appointing_someone_never_reviewed_is_refused_and_nothing_written(actors, people, village):
    before = written()
    with pytest.raises(RuleViolation) as info:
        _appoint(actors, people["masses_a"], village)
    assert info.value.rule == "V3a.8"
    assert "未经资格联审" in str(info.value)
    assert written() == before


def test_appointing_a_candidate_who_failed_is_refused_and_nothing_written(
    walk, actors, people, village
):
    walk.until()
    before = written()
    with pytest.raises(RuleViolation) as info:
        _appoint(actors, people["member_b"], village, Post.DIRECTOR)
    assert info.value.rule == "V3a.8"
    assert "未通过资格联审" in str(info.value)
    assert written() == before


def test_appointing_before_the_result_is_final_is_refused(walk, actors, people, village):
    walk.until(stop_before="publicise")
    with pytest.raises(RuleViolation) as info:
        _appoint(actors, people["member_a"], village, Post.SECRETARY)
    assert info.value.rule == "V3a.8"


def test_a_candidate_who_passed_is_appointed_on_the_batchs_record(walk, actors, people, village):
    walk.until()
    appointment = _appoint(actors, people["member_a"], village, Post.SECRETARY)
    assert appointment.case_id == walk.case.pk
    event = AuditEvent.objects.filter(case=walk.case).last()
    assert (event.step, event.data["appointment"]) == ("appoint", appointment.pk)
    assert verify(chain=f"case:{walk.case.pk}").ok


def test_a_review_for_another_village_does_not_count(walk, actors, people, county):
    walk.until()
    with pytest.raises(RuleViolation) as info:
        _appoint(actors, people["member_a"], county.orgs["dongcheng_community"], Post.SECRETARY)
    assert info.value.rule == "V3a.8"


def test_a_later_failed_review_outweighs_an_earlier_pass(walk, actors, people, village):
    walk.until()
    later = {("police", people["member_a"].pk): {"item": "N2b", "evidence": "涉黑线索已查实。"}}
    scenario.joint_review(
        actors, village, [people["member_a"]], date(2025, 6, 2), today=TODAY, findings=later
    )
    with pytest.raises(RuleViolation) as info:
        _appoint(actors, people["member_a"], village, Post.SECRETARY, on=date(2025, 8, 1))
    assert "未通过资格联审" in str(info.value)


# --- what a department answers ----------------------------------------------


def _answer(dispatched, function, answers, actor=None):
    referral = referral_of(dispatched.case, function)
    return services.complete(
        actor=actor or dispatched.actors.reviewers[function],
        task=task_of(referral),
        answered_on=SUBMITTED + timedelta(days=5),
        answers=answers,
        today=TODAY,
    )


def _clear(batch):
    return [rules.Answer(c.pk) for c in Candidate.objects.filter(batch__case=batch)]


@pytest.mark.parametrize(
    ("rule", "change"),
    [
        ("V3a.3", lambda answers: answers[:1]),
        ("V3a.4", lambda answers: [rules.Answer(answers[0].candidate, "N9c"), answers[1]]),
        (
            "V3a.4",
            lambda answers: [rules.Answer(answers[0].candidate, "L1", evidence="x"), answers[1]],
        ),
        (
            "V3a.5",
            lambda answers: [
                rules.Answer(answers[0].candidate, "N7b", date(2020, 1, 1), "评为不合格党员。"),
                answers[1],
            ],
        ),
    ],
)
def test_a_refused_answer_writes_nothing(dispatched, rule, change):
    before = written()
    with pytest.raises(RuleViolation) as info:
        _answer(dispatched, "police", change(_clear(dispatched.case)))
    assert info.value.rule == rule
    assert written() == before
    assert referral_of(dispatched.case, "police").answered_on is None


def test_a_county_without_reviewing_departments_cannot_dispatch(county, village, people):
    case = services.submit_batch(
        actor=county.users["dc_organiser"],
        village=village,
        purpose=Purpose.ADJUSTMENT,
        candidates=[(people["member_a"], Post.COMMITTEE_MEMBER)],
        submitted_on=SUBMITTED,
        today=TODAY,
    )
    task = case.task_set.get(status=STATUS.NEW)
    with pytest.raises(RuleViolation) as info:
        services.complete(
            actor=county.users["county_staff"], task=task, dispatched_on=SUBMITTED, today=TODAY
        )
    assert info.value.rule == "V3a.2"
    assert not Referral.objects.exists()


def test_a_batch_for_a_school_is_refused(actors, county, people):
    with pytest.raises(RuleViolation) as info:
        services.submit_batch(
            actor=actors.township,
            village=county.orgs["dongcheng_school"],
            purpose=Purpose.ELECTION,
            candidates=[(people["member_a"], Post.SECRETARY)],
            submitted_on=SUBMITTED,
            today=TODAY,
        )
    assert info.value.rule == "V3a.1"


# --- departments see only their own ------------------------------------------


def test_each_department_finds_only_its_own_review_in_its_inbox(dispatched, departments):
    for function, reviewer in departments.reviewers.items():
        tasks = list(inbox(reviewer))
        assert [t.process_id for t in tasks] == [referral_of(dispatched.case, function).case_id]


def test_a_department_cannot_answer_another_departments_review(dispatched, departments):
    before = written()
    with pytest.raises(NotVisible):
        _answer(dispatched, "police", _clear(dispatched.case), departments.reviewers["court"])
    assert written() == before


def test_a_department_cannot_read_another_departments_findings(walk, departments, county):
    walk.until()
    court = referral_of(walk.case, "court")
    with pytest.raises(NotVisible):
        selectors.department_findings(departments.reviewers["police"], court)
    with pytest.raises(NotVisible):
        selectors.department_findings(county.users["dc_organiser"], court)
    own = selectors.department_findings(departments.reviewers["court"], court)
    assert [v.item.code for v in own if v.is_finding] == ["N9c"]
    for reader in ("county_staff", "auditor"):
        assert selectors.department_findings(county.users[reader], court).count() == 2
    police_sees = selectors.verdicts_visible_to(departments.reviewers["police"])
    assert set(police_sees.values_list("referral__department__function", flat=True)) == {"police"}
    assert selectors.verdicts_visible_to(county.users["county_staff"]).count() == 24
    assert not selectors.verdicts_visible_to(county.users["dc_organiser"]).exists()
    assert list(selectors.referrals_for(departments.reviewers["court"])) == [court]


# --- another township ---------------------------------------------------------


def test_another_townships_user_is_refused_everywhere(walk, county, people, village):
    other = county.users["xs_organiser"]
    with pytest.raises(NotPermitted):
        services.submit_batch(
            actor=other,
            village=village,
            purpose=Purpose.ELECTION,
            candidates=[(people["member_a"], Post.SECRETARY)],
            submitted_on=SUBMITTED,
            today=TODAY,
        )
    walk.until(stop_before="publicise")
    task = walk.open_task()
    before = written()
    with pytest.raises(NotVisible):
        services.complete(actor=other, task=task, today=TODAY, **walk.fields(task))
    with pytest.raises(NotVisible):
        services.withdraw_batch(actor=other, case=walk.case, reason="x")
    walk.step()
    with pytest.raises(NotVisible):
        services.appoint(
            actor=other,
            person=people["member_a"],
            village=village,
            post=Post.SECRETARY,
            appointed_on=date(2025, 5, 6),
            today=TODAY,
        )
    assert written()[1:] == before[1:]
    assert not inbox(other).filter(process=walk.case).exists()


# --- deadlines and withdrawal -------------------------------------------------


def test_a_missed_department_answer_is_escalated_to_the_organisation_department(dispatched, county):
    due = referral_of(dispatched.case, "court").due_on
    sweep(today=due + timedelta(days=1))
    overdue = escalated_to(county.users["county_staff"])
    assert overdue.count() == 12
    assert not escalated_to(county.users["dc_organiser"]).exists()


def test_withdrawing_a_batch_ends_its_department_reviews(dispatched, actors):
    services.withdraw_batch(
        actor=actors.township, case=dispatched.case, reason="村民委员会换届延期。"
    )
    for referral in Referral.objects.filter(batch__case=dispatched.case):
        referral.case.refresh_from_db()
        assert referral.case.status == PROCESS.CANCELED
        assert not Deadline.objects.filter(case=referral.case, state=DeadlineState.OPEN).exists()
        assert AuditEvent.objects.filter(case=referral.case).last().action == "case_cancelled"
    dispatched.case.refresh_from_db()
    assert dispatched.case.status == PROCESS.CANCELED
    assert not Task.objects.filter(process=dispatched.case, status__in=[STATUS.NEW]).exists()
