"""Deadlines that act: opened and closed by steps, reminded and escalated by the sweep."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from core import embedded
from core.audit.chain import verify
from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases import deadlines
from core.cases.deadlines import close_deadlines, sweep
from core.cases.models import Deadline, DeadlineState
from core.cases.selectors import escalated_to, most_overdue, open_deadlines_by_case
from core.cases.tasks import sweep_deadlines
from core.flowkit import services as flowkit
from core.rulepack.models import RulePack
from tests.plans import plan
from workflows.recruitment import pack, rules, scenario, services
from workflows.recruitment.models import RecordKind

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 16)
DAY = timedelta(days=1)
SWEPT = (Action.DEADLINE_REMINDED, Action.DEADLINE_OVERDUE)


def swept(case):
    """(action, deadline pk) of every sweep event in the case's chain, in order."""
    return [
        (e.action, e.data["deadline"])
        for e in AuditEvent.objects.filter(case=case, action__in=SWEPT).order_by("seq")
    ]


def chain_ok(case):
    return verify(chain=f"case:{case.pk}").ok


# --- Opening and closing -------------------------------------------------------


def test_open_close_and_replace(county, start_probe, watch):
    case = start_probe()
    first = watch(case, DUE)
    assert (first.state, first.remind_on, first.due_on) == (DeadlineState.OPEN, DUE - 7 * DAY, DUE)
    assert (first.responsible, first.escalate_to) == (
        county.orgs["dongcheng_village"],
        county.orgs["dongcheng"],
    )
    other = watch(case, DUE, kind="other", remind_days=3)
    assert other.remind_on == DUE - 3 * DAY

    second = watch(case, DUE + 30 * DAY)  # the same kind again replaces the first
    first.refresh_from_db()
    assert first.state == DeadlineState.DROPPED
    assert first.closed_at is not None
    assert open_deadlines_by_case([case.pk]) == {case.pk: other}

    assert close_deadlines(case, "reply") == 1
    second.refresh_from_db()
    assert second.state == DeadlineState.MET
    assert list(Deadline.objects.filter(case=case, state=DeadlineState.OPEN)) == [other]
    assert close_deadlines(case, state=DeadlineState.DROPPED) == 1  # no kind: all of them
    assert not Deadline.objects.filter(case=case, state=DeadlineState.OPEN).exists()


# --- The sweep -----------------------------------------------------------------


def test_sweep_reminds_from_remind_on_and_marks_overdue_the_day_after_due_once(
    county, start_probe, watch
):
    case = start_probe()
    deadline = watch(case, DUE)
    assert sweep(DUE - 8 * DAY) == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert sweep(DUE - 7 * DAY) == {"reminded": 1, "overdue": 0, "skipped": 0}
    assert sweep(DUE - 7 * DAY)["reminded"] == 0
    assert sweep(DUE) == {"reminded": 0, "overdue": 0, "skipped": 0}  # due today is not late
    deadline.refresh_from_db()
    assert deadline.reminded_at is not None
    assert not deadline.is_overdue

    assert sweep(DUE + DAY) == {"reminded": 0, "overdue": 1, "skipped": 0}
    assert sweep(DUE + 40 * DAY) == {"reminded": 0, "overdue": 0, "skipped": 0}
    deadline.refresh_from_db()
    assert deadline.is_overdue
    assert swept(case) == [
        (Action.DEADLINE_REMINDED, deadline.pk),
        (Action.DEADLINE_OVERDUE, deadline.pk),
    ]
    reminded, overdue = AuditEvent.objects.filter(case=case, action__in=SWEPT).order_by("seq")
    assert (reminded.step, reminded.actor) == ("reply", None)
    assert reminded.data == {
        "deadline": deadline.pk,
        "kind": "reply",
        "rule": "R0",
        "due_on": "2026-03-16",
        "responsible": county.orgs["dongcheng_village"].pk,
    }
    assert overdue.data["escalated_to"] == county.orgs["dongcheng"].pk
    assert chain_ok(case)


def test_a_sweep_that_comes_late_reminds_and_escalates_at_once(start_probe, watch):
    case = start_probe()
    deadline = watch(case, DUE)
    assert sweep(DUE + 10 * DAY) == {"reminded": 1, "overdue": 1, "skipped": 0}
    assert swept(case) == [
        (Action.DEADLINE_REMINDED, deadline.pk),
        (Action.DEADLINE_OVERDUE, deadline.pk),
    ]
    assert sweep(DUE + 10 * DAY) == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert chain_ok(case)


def test_an_earliest_date_is_reminded_but_never_overdue(start_probe, watch):
    case = start_probe()
    deadline = watch(case, DUE, kind="may_act", is_earliest=True)
    assert sweep(DUE - 7 * DAY)["reminded"] == 1
    assert sweep(DUE + 365 * DAY) == {"reminded": 0, "overdue": 0, "skipped": 0}
    deadline.refresh_from_db()
    assert deadline.overdue_at is None
    assert not deadline.is_overdue
    assert swept(case) == [(Action.DEADLINE_REMINDED, deadline.pk)]


def test_a_met_or_dropped_deadline_is_never_swept(start_probe, watch):
    case = start_probe()
    watch(case, DUE)
    close_deadlines(case, "reply")
    dropped = watch(case, DUE, kind="other")
    current = watch(case, DUE + 30 * DAY, kind="other")  # replaces (drops) the one before
    assert Deadline.objects.get(pk=dropped.pk).state == DeadlineState.DROPPED
    sweep(DUE + 60 * DAY)
    assert swept(case) == [
        (Action.DEADLINE_REMINDED, current.pk),
        (Action.DEADLINE_OVERDUE, current.pk),
    ]


def test_deadlines_of_a_cancelled_case_are_not_swept_nor_escalated(county, start_probe, watch):
    case = start_probe()
    watch(case, DUE)
    sweep(DUE + DAY)
    assert list(escalated_to(county.users["dc_organiser"])) == list(case.deadlines.all())
    late = watch(case, DUE + 30 * DAY, kind="other")
    flowkit.cancel_case(actor=county.users["dc_organiser"], case=case, reason="申请人撤回")
    assert sweep(DUE + 60 * DAY) == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert late.pk not in {pk for _, pk in swept(case)}
    assert not escalated_to(county.users["dc_organiser"]).exists()


def test_the_sweep_goes_through_many_cases_in_batches(start_probe, watch):
    cases = [start_probe() for _ in range(5)]
    for case in cases:
        watch(case, DUE)
        watch(case, DUE, kind="may_act", is_earliest=True)
    assert sweep(DUE + DAY, batch=2) == {"reminded": 10, "overdue": 5, "skipped": 0}
    assert sweep(DUE + DAY, batch=2) == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert all(len(swept(case)) == 3 for case in cases)
    assert verify().ok


def test_a_sweep_that_marks_many_rows_refreshes_the_planner_statistics(
    start_probe, watch, monkeypatch
):
    monkeypatch.setattr(deadlines, "ANALYZE_AFTER", 3)

    def analyzed(day):
        with CaptureQueriesContext(connection) as queries:
            sweep(day)
        return [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]

    for _ in range(2):
        watch(start_probe(), DUE)
    assert analyzed(DUE - 7 * DAY) == []  # two reminders: left to autovacuum
    assert analyzed(DUE + DAY) == []  # two overdue marks
    for _ in range(2):
        watch(start_probe(), DUE)
    # Two reminders and two overdue marks at once: four rows marked.
    assert analyzed(DUE + DAY) == ["ANALYZE cases_deadline"]


def test_a_deadline_cannot_come_due_before_its_reminder(start_probe, watch):
    case = start_probe()
    assert watch(case, DUE, remind_days=0).remind_on == DUE
    with pytest.raises(IntegrityError), transaction.atomic():
        watch(case, DUE, kind="other", remind_days=-1)
    assert not Deadline.objects.filter(kind="other").exists()


def test_a_row_reminded_and_marked_at_once_is_written_once(start_probe, watch):
    case = start_probe()
    deadline = watch(case, DUE)
    with CaptureQueriesContext(connection) as queries:
        sweep(DUE + DAY)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cases_deadline"')]
    assert len(updates) == 1
    deadline.refresh_from_db()
    assert deadline.reminded_at == deadline.overdue_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_sweep_finds_its_cases_in_the_pending_index(start_probe, watch):
    for _ in range(3):
        watch(start_probe(), DUE)
    # The index can serve only if the query implies the index's condition.
    found = plan(deadlines._next_cases(DUE + DAY, 0)[:500])
    assert "deadline_pending" in found, found


# --- The beat ------------------------------------------------------------------


def test_the_celery_task_sweeps(start_probe, watch):
    case = start_probe()
    watch(case, timezone.localdate() - DAY)
    result = sweep_deadlines.apply()
    assert result.successful()
    assert result.get() == {"reminded": 1, "overdue": 1, "skipped": 0}
    assert len(swept(case)) == 2


def test_the_beat_schedule_sweeps_and_the_embedded_beat_runs_it(monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-deadlines"]
    assert entry["task"] == "core.cases.tasks.sweep_deadlines"
    embedded.app.loader.import_default_modules()
    ran = []
    for name in settings.CELERY_BEAT_SCHEDULE.values():
        task = embedded.app.tasks[name["task"]]
        monkeypatch.setattr(task, "apply", lambda task=task, **kw: ran.append(task.name))
    last_runs = {}
    embedded.run_due(last_runs)
    embedded.run_due(dict.fromkeys(last_runs, timezone.now() - timedelta(hours=2)))
    assert "core.cases.tasks.sweep_deadlines" in ran


# --- Member development: the deadlines its services open ------------------------


def open_rows(case):
    return {d.kind: d for d in Deadline.objects.filter(case=case, state=DeadlineState.OPEN)}


def state_of(case, kind):
    return set(Deadline.objects.filter(case=case, kind=kind).values_list("state", flat=True))


def test_member_development_opens_and_meets_its_deadlines(county, walk):
    case, branch = walk.case, county.orgs["dongcheng_village"]
    township, county_org = county.orgs["dongcheng"], county.orgs["county"]

    talk = open_rows(case)["talk"]
    assert (talk.due_on, talk.rule, talk.remind_on) == (date(2023, 7, 1), "R1.3", date(2023, 6, 24))
    assert (talk.responsible, talk.escalate_to, talk.is_earliest) == (branch, township, False)
    walk.until("file_activist")
    assert state_of(case, "talk") == {DeadlineState.MET}

    activist_on = walk.dossier.activist_on
    rows = open_rows(case)
    assert set(rows) == {"evaluation", "cultivation_year"}
    evaluation, year = rows["evaluation"], rows["cultivation_year"]
    assert (evaluation.due_on, evaluation.rule) == (rules.add_months(activist_on, 6), "R1.7")
    assert (evaluation.responsible, evaluation.escalate_to) == (branch, township)
    assert (year.due_on, year.rule, year.is_earliest) == (
        rules.add_months(activist_on, 12),
        "R1.9",
        True,
    )
    assert year.escalate_to is None

    walk.until("committee_talk")
    assert state_of(case, "evaluation") == {DeadlineState.MET, DeadlineState.DROPPED}
    assert state_of(case, "cultivation_year") == {DeadlineState.MET}
    meeting_on = walk.dossier.admission_meeting_on
    approval = open_rows(case)["approval"]
    assert (approval.due_on, approval.rule) == (rules.add_months(meeting_on, 3), "R1.19")
    assert (approval.responsible, approval.escalate_to) == (township, county_org)

    walk.until("placement")
    assert state_of(case, "approval") == {DeadlineState.MET}
    probation_end = open_rows(case)["probation_end"]
    assert (probation_end.due_on, probation_end.rule, probation_end.is_earliest) == (
        rules.add_months(meeting_on, 12),
        "R1.22",
        True,
    )
    assert probation_end.responsible == branch

    walk.until("conversion_approval")
    assert state_of(case, "probation_end") == {DeadlineState.MET}
    conversion = open_rows(case)["conversion_approval"]
    held_on = walk.dossier.conversion_meeting_on
    assert (conversion.due_on, conversion.rule) == (rules.add_months(held_on, 3), "R1.25")
    assert (conversion.responsible, conversion.escalate_to) == (township, county_org)

    walk.until(None)
    assert open_rows(case) == {}
    assert state_of(case, "conversion_approval") == {DeadlineState.MET}


def test_each_evaluation_opens_the_next_six_months(county, walk):
    walk.until("cultivate")
    activist_on = walk.dossier.activist_on
    first = open_rows(walk.case)["evaluation"]
    evaluated_on = rules.add_months(activist_on, 4)
    services.add_record(
        actor=county.users["dc_branch_sec"],
        case=walk.case,
        kind=RecordKind.EVALUATION,
        dated=evaluated_on,
        text="第一次考察：表现良好。",
    )
    first.refresh_from_db()
    assert first.state == DeadlineState.DROPPED
    second = open_rows(walk.case)["evaluation"]
    assert (second.due_on, second.rule) == (rules.add_months(evaluated_on, 6), "R1.7")
    assert Deadline.objects.filter(case=walk.case, kind="evaluation").count() == 2


def test_the_approval_deadline_follows_the_rule_pack(county, walk):
    RulePack.objects.create(
        version=1, effective_from=date(2020, 1, 1), values={pack.APPROVAL_MONTHS.key: 2}, note="x"
    )
    walk.until("committee_talk")
    approval = open_rows(walk.case)["approval"]
    assert approval.due_on == rules.add_months(walk.dossier.admission_meeting_on, 2)


# --- Who hears of a missed date --------------------------------------------------


def test_the_township_sees_its_branches_overdue_talk_and_no_one_else_does(county, late_talk):
    sweep()
    (talk,) = Deadline.objects.filter(case=late_talk, kind="talk")
    assert talk.is_overdue
    assert list(escalated_to(county.users["dc_organiser"])) == [talk]
    assert list(escalated_to(county.users["dc_secretary"])) == [talk]
    assert not escalated_to(county.users["xs_organiser"]).exists()
    assert not escalated_to(county.users["dc_branch_sec"]).exists()
    assert not escalated_to(county.users["auditor"]).exists()
    assert chain_ok(late_talk)


def test_the_inbox_lists_the_most_overdue_first_and_passes_over_finished_cases(
    county, start_probe, watch
):
    """most_overdue reads escalated_to's first rows in two steps (the deadlines
    sorted alone, then the open cases among them): the same rows, in the same
    order, a finished case's deadline passed over and the list filled from the
    next batch."""
    today = timezone.localdate()
    cases = [start_probe() for _ in range(5)]
    rows = [watch(case, today - (10 - i) * DAY) for i, case in enumerate(cases)]
    sweep()
    organiser = county.users["dc_organiser"]
    assert list(most_overdue(organiser, 5)) == rows == list(escalated_to(organiser))
    assert list(most_overdue(organiser, 2)) == rows[:2]
    # The two most overdue cases end and leave their deadlines open. Asked for
    # one, the first batch (two rows) holds none still open: the next is read.
    Process.objects.filter(pk__in=[cases[0].pk, cases[1].pk]).update(status=PROCESS.DONE)
    assert list(most_overdue(organiser, 1)) == [rows[2]]
    assert list(most_overdue(organiser, 5)) == rows[2:] == list(escalated_to(organiser))
    assert not most_overdue(county.users["xs_organiser"], 5)
    assert not most_overdue(county.users["dc_branch_sec"], 5)


def test_a_late_talk_once_held_is_no_longer_escalated(county, late_talk, actors):
    task = scenario.Walk(late_talk, actors).open_task()
    sweep()
    assert escalated_to(county.users["dc_organiser"]).exists()
    services.complete(
        actor=actors.branch,
        task=task,
        talked_on=timezone.localdate(),
        talker="支部书记",
        text="谈话。",
        late_reason="书记外出学习。",
    )
    assert not escalated_to(county.users["dc_organiser"]).exists()


def test_the_county_sees_a_missed_approval_the_township_does_not(county, walk):
    walk.until("approval")
    sweep()
    (approval,) = open_rows(walk.case).values()
    assert approval.kind == "approval"
    assert approval.is_overdue
    assert list(escalated_to(county.users["county_staff"])) == [approval]
    assert approval not in escalated_to(county.users["dc_organiser"])
    assert verify(chain=f"case:{walk.case.pk}").ok
