"""One listed organisation: forces, plan, item-by-item rectification, acceptance,
delisting, look-back and relapse. Each rule is shown refusing (nothing written)
and letting a lawful step through."""

from datetime import timedelta

import pytest

from core.audit.models import AuditEvent
from core.cases.deadlines import sweep
from core.cases.models import Deadline, DeadlineState
from core.cases.selectors import escalated_to
from tests.workflows.rectification.helpers import check, refused_unchanged, report
from workflows.rectification import rules, services
from workflows.rectification.models import (
    Acceptance,
    Force,
    ForceKind,
    Listing,
    LookBack,
    Problem,
    ProblemOrigin,
    ProblemState,
    StationedPost,
)
from workflows.rectification.scenario import (
    actor_for,
    default_forces,
    open_task,
)

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def do(walk, **changes):
    task = open_task(walk.case)
    return services.complete(
        actor=actor_for(task), task=task, **{**walk.fields(task.flow_task.name), **changes}
    )


def step_name(case):
    task = open_task(case)
    return task.flow_task.name if task else None


# --- Z2.3.5 forces ---------------------------------------------------------------------------------


def test_z2_3_5_rectification_starts_only_with_the_four_forces(county, case_walk):
    forces = default_forces(case_walk.case)
    without_unit = {k: v for k, v in forces.items() if k != ForceKind.PAIRED_UNIT}
    with refused_unchanged("Z2.3.5"):
        do(case_walk, forces=without_unit)
    insider = {**forces, ForceKind.STATIONED: county.people["member_a"]}  # of the village itself
    with refused_unchanged("Z2.3.5"):
        do(case_walk, forces=insider)
    elsewhere = {**forces, ForceKind.TOWNSHIP_LEADER: county.people["xs_organiser"]}
    with refused_unchanged("Z2.3.5"):
        do(case_walk, forces=elsewhere)
    do(case_walk, stationed_post=StationedPost.INSTRUCTOR)
    assert step_name(case_walk.case) == "make_plan"
    stationed = Force.objects.get(case=case_walk.case, kind=ForceKind.STATIONED)
    assert (stationed.person, stationed.post) == (county.people["discipline_officer"], "instructor")
    assert Force.objects.get(case=case_walk.case, kind=ForceKind.PAIRED_UNIT).unit.kind == (
        "department"
    )


def test_z2_3_5_the_required_set_comes_from_the_rule_pack(case_walk, rule_pack):
    rule_pack(**{"rectification.required_forces": ["county_leader", "stationed"]})
    forces = default_forces(case_walk.case)
    do(case_walk, forces={k: forces[k] for k in (ForceKind.COUNTY_LEADER, ForceKind.STATIONED)})
    assert Force.objects.filter(case=case_walk.case).count() == 2


# --- Z2.3.4 plan -----------------------------------------------------------------------------------


def test_z2_3_4_every_problem_gets_a_measure_and_a_watched_deadline(county, case_walk):
    case_walk.until(stop_before="make_plan")
    lawful = case_walk.fields("make_plan")
    with refused_unchanged("Z2.3.4"):
        do(case_walk, measures=lawful["measures"][:1])
    do(case_walk)
    for problem in Problem.objects.filter(case=case_walk.case):
        deadline = Deadline.objects.get(case=case_walk.case, kind=f"problem:{problem.pk}")
        assert deadline.due_on == problem.due_on == lawful["planned_on"] + 100 * DAY
        assert (deadline.responsible, deadline.escalate_to) == (
            county.orgs["dongcheng_village"],
            county.orgs["dongcheng"],
        )
        assert problem.measures.count() == 1


# --- Z2.3.6 item by item -----------------------------------------------------------------------------


@pytest.fixture
def rectifying(case_walk):
    case_walk.until(stop_before="rectify")
    return case_walk


def test_z2_3_6_a_problem_is_reported_with_evidence_and_closed_by_the_township(rectifying):
    problem = rectifying.problems().first()
    with refused_unchanged("Z2.3.6"):
        report(rectifying, problem, file=None)
    with refused_unchanged("Z2.3.6"):
        check(rectifying, problem)  # nothing reported yet
    report(rectifying, problem)
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED
    assert len(problem.report.sha256) == 64
    event = AuditEvent.objects.filter(case=rectifying.case, step="report_problem").get()
    assert event.data["documents"][0]["sha256"] == problem.report.sha256

    with refused_unchanged("Z2.3.6"):
        check(rectifying, problem, accepted=False, text="")
    check(rectifying, problem, accepted=False, text="会议记录缺少签到表，退回补充。")
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    report(rectifying, problem, done_on=rectifying.listing.planned_on + 26 * DAY)
    check(rectifying, problem, checked_on=rectifying.listing.planned_on + 27 * DAY)
    problem.refresh_from_db()
    assert (problem.state, problem.closed_on) == (
        ProblemState.CLOSED,
        rectifying.listing.planned_on + 27 * DAY,
    )
    assert Deadline.objects.get(case=rectifying.case, kind=problem.deadline_kind).state == "met"


def test_z2_3_6_rectification_is_done_when_every_problem_is_closed(rectifying):
    first, second = rectifying.problems().order_by("pk")
    for problem in (first, second):
        report(rectifying, problem)
    check(rectifying, first)
    task = open_task(rectifying.case)
    lawful = {
        "completed_on": rectifying.listing.planned_on + 30 * DAY,
        "report": "问题清单全部整改完毕，申请验收。",
    }
    with refused_unchanged("Z2.3.6"):
        services.complete(actor=actor_for(task), task=task, **lawful)
    check(rectifying, second)
    services.complete(actor=actor_for(task), task=task, **lawful)
    assert step_name(rectifying.case) == "acceptance"


def test_z2_3_6_problems_are_reported_only_during_rectification(case_walk):
    case_walk.until(stop_before="make_plan")
    with refused_unchanged("Z2.3.6"):
        report(case_walk, case_walk.problems().first())


def test_overdue_problems_are_escalated_to_the_township_by_the_sweep(county, rectifying):
    problem = rectifying.problems().first()
    counts = sweep(today=problem.due_on + DAY)
    assert counts["overdue"] == 2
    overdue = escalated_to(county.users["dc_organiser"])
    assert {d.kind for d in overdue} == {p.deadline_kind for p in rectifying.problems()}
    assert set(escalated_to(county.users["county_staff"])) == set(overdue)
    assert not escalated_to(county.users["xs_organiser"]).exists()
    event = AuditEvent.objects.filter(case=rectifying.case, action="deadline_overdue").first()
    assert event.data["rule"] == "Z2.3.6"


# --- Z2.3.7 acceptance and delisting ----------------------------------------------------------------


@pytest.fixture
def at_acceptance(case_walk):
    case_walk.until(stop_before="acceptance")
    return case_walk


@pytest.mark.parametrize(
    "changes",
    [
        {"participants": 12, "satisfied": 3},  # fewer than 15 evaluators
        {"unsatisfied": 4},  # does not add up
        {"redo_by": None},  # failed without a date
        {"shortcomings": []},  # failed without saying what is wrong
        {"report": ""},
    ],
    ids=["small", "sum", "no_date", "no_shortcomings", "no_report"],
)
def test_z2_3_7_acceptance_refused(at_acceptance, changes):
    with refused_unchanged("Z2.3.7"):
        do(at_acceptance, **changes)


def test_z2_3_7_a_failed_acceptance_sends_the_case_back_with_a_deadline(county, at_acceptance):
    lawful = at_acceptance.fields("acceptance")
    do(at_acceptance)
    failed = Acceptance.objects.get(case=at_acceptance.case)
    assert (failed.score, failed.passed, failed.redo_by) == (65, False, lawful["redo_by"])
    assert step_name(at_acceptance.case) == "rectify"
    new = Problem.objects.get(case=at_acceptance.case, origin=ProblemOrigin.ACCEPTANCE)
    assert (new.state, new.due_on) == (ProblemState.OPEN, lawful["redo_by"])
    redo = Deadline.objects.get(case=at_acceptance.case, kind="redo", state=DeadlineState.OPEN)
    assert (redo.due_on, redo.responsible, redo.escalate_to) == (
        lawful["redo_by"],
        county.orgs["dongcheng"],
        county.orgs["county"],
    )
    at_acceptance.until(stop_before="acceptance")
    assert Deadline.objects.get(pk=redo.pk).state == DeadlineState.MET
    do(at_acceptance)
    assert Acceptance.objects.filter(case=at_acceptance.case).latest().passed
    assert step_name(at_acceptance.case) == "delist"


def test_z2_3_7_more_than_half_unsatisfied_fails_whatever_the_score(at_acceptance):
    do(
        at_acceptance,
        score=95,
        satisfied=4,
        basically_satisfied=3,
        unsatisfied=8,
        shortcomings=["群众满意度低，需进一步做好服务。"],
    )
    assert not Acceptance.objects.get(case=at_acceptance.case).passed
    assert step_name(at_acceptance.case) == "rectify"


def test_z2_3_7_delisting_follows_the_passed_acceptance(at_acceptance):
    at_acceptance.fail_first = False
    do(at_acceptance)
    passed_on = Acceptance.objects.get(case=at_acceptance.case).held_on
    with refused_unchanged("Z2.3.7"):
        do(at_acceptance, delisted_on=passed_on - DAY)
    do(at_acceptance)
    listing = at_acceptance.listing
    assert listing.delisted_on == passed_on + 7 * DAY
    look_back = Deadline.objects.get(case=at_acceptance.case, kind="look_back")
    assert look_back.is_earliest
    assert look_back.due_on == rules.look_back_from(listing.delisted_on, 12)


# --- Z2.3.8 look-back and relapse ---------------------------------------------------------------------


@pytest.fixture
def delisted(case_walk):
    case_walk.until(stop_before="look_back")
    return case_walk


def test_z2_3_8_the_look_back_waits_for_its_months(delisted):
    lawful = delisted.fields("look_back")
    with refused_unchanged("Z2.3.8"):
        do(delisted, looked_on=lawful["looked_on"] - 10 * DAY)
    do(delisted)
    listing = delisted.listing
    assert (listing.look_back, listing.case.status) == (LookBack.HELD, "DONE")


def test_z2_3_8_a_relapse_lists_the_organisation_again_with_its_earlier_case(county, delisted):
    with refused_unchanged("Z2.3.8"):
        do(delisted, relapse=True, situations=[])
    delisted.relapse = ["W4"]
    do(delisted)
    earlier = delisted.listing
    assert earlier.look_back == LookBack.RELAPSED
    again = Listing.objects.get(earlier=delisted.case)
    assert (again.basis, again.repeat, again.round) == ("relapse", True, None)
    assert again.case.organisation == county.orgs["dongcheng_village"]
    assert [p.situation.code for p in again.case.rectification_problems.all()] == ["W4"]
    completed = AuditEvent.objects.filter(case=delisted.case, action="task_completed").last()
    assert completed.data["relisted_as"] == again.case_id
    assert step_name(again.case) == "assign_forces"
