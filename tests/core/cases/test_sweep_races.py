"""Several dispatchers sweeping at once, and a sweep meeting a step, on PostgreSQL."""

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases.deadlines import open_deadline, sweep
from core.cases.models import Deadline
from core.demo import build_demo_county
from core.flowkit import services
from tests.probe.cases import start_probe_case
from tests.probe.flows import ProbeFlow
from tests.processes import spawn

pytestmark = pytest.mark.postgres

DEADLINES = 300


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")


def run_sweepers(count, batch, start_at=None):
    """Start `count` sweeps in their own processes at one instant; their parsed outputs."""
    start_at = start_at or time.time() + 2.0
    workers = [spawn("tests.core.cases.sweep_worker", start_at, batch) for _ in range(count)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert "Traceback" not in err, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def watch(case, due_on):
    return open_deadline(
        case,
        kind="reply",
        label="Reply",
        due_on=due_on,
        responsible=case.organisation,
        escalate_to=case.township,
    )


def per_deadline(action):
    events = AuditEvent.objects.filter(action=action).values_list("data", flat=True)
    return Counter(data["deadline"] for data in events)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch", [7, 500])
def test_three_dispatchers_act_on_each_deadline_exactly_once(postgres, flushable_audit, batch):
    county = build_demo_county()
    today = timezone.localdate()
    # Half are past due (a reminder and an overdue mark each), half only to be reminded.
    deadlines = [
        watch(start_probe_case(county), today + timedelta(days=-1 if i % 2 else 3))
        for i in range(DEADLINES)
    ]
    results = run_sweepers(3, batch)
    assert sum(r["reminded"] for r in results) == DEADLINES
    assert sum(r["overdue"] for r in results) == DEADLINES // 2
    assert per_deadline(Action.DEADLINE_REMINDED) == Counter(d.pk for d in deadlines)
    assert per_deadline(Action.DEADLINE_OVERDUE) == Counter(
        d.pk for d in deadlines if d.due_on < today
    )
    assert not Deadline.objects.filter(reminded_at__isnull=True).exists()
    assert sweep() == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_a_case_a_step_holds_and_gets_it_next_time(postgres, flushable_audit):
    county = build_demo_county()
    today = timezone.localdate()
    held, free = start_probe_case(county), start_probe_case(county)
    held_deadline, free_deadline = watch(held, today), watch(free, today)
    task = Task.objects.get(process=held, flow_task=ProbeFlow.review)
    with services.step(actor=county.users["dc_organiser"], task=task) as change:
        (result,) = run_sweepers(1, 500, start_at=time.time())
        change.record(Action.RECORD_ADDED, data={"note": "the step wrote while the sweep ran"})
    assert (result["reminded"], result["skipped"]) == (1, 1)
    assert per_deadline(Action.DEADLINE_REMINDED) == Counter([free_deadline.pk])

    assert sweep() == {"reminded": 1, "overdue": 0, "skipped": 0}
    assert per_deadline(Action.DEADLINE_REMINDED) == Counter([free_deadline.pk, held_deadline.pk])
    actions = list(
        AuditEvent.objects.filter(case=held).order_by("seq").values_list("action", flat=True)
    )
    assert actions == [Action.CASE_STARTED, Action.RECORD_ADDED, Action.DEADLINE_REMINDED]
    assert verify().ok
