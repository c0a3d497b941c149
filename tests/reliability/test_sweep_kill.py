"""Issue 7: 10,000 due timers, three dispatchers, one killed with SIGKILL in
the middle of its sweep. The killed dispatcher's open batch rolls back with
its connection; the others skip what it held (SKIP LOCKED) and the next sweep
(the beat's next run) takes it: every deadline is reminded exactly once and
every past-due one marked overdue exactly once. PostgreSQL only.

PARTYFLOW_TIMERS sets the number of deadlines (default 10000)."""

import json
import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.audit.chain import verify
from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases.deadlines import sweep
from core.cases.models import Deadline
from core.demo import build_demo_county
from tests.probe.cases import start_probe_case
from tests.processes import spawn

pytestmark = pytest.mark.postgres

TIMERS = int(os.environ.get("PARTYFLOW_TIMERS", "10000"))
PER_CASE = 20


def cases(county, count):
    for _ in range(count):
        yield start_probe_case(county)


def due_timers(county, today):
    """PER_CASE deadlines on each case, as open_deadline writes them, in bulk:
    half past due (a reminder and an overdue mark each), half only to remind."""
    rows = [
        Deadline(
            case=case,
            kind=f"reply-{n}",
            label="Reply",
            due_on=today + timedelta(days=-1 if n % 2 else 3),
            remind_on=today - timedelta(days=4),
            responsible=case.organisation,
            escalate_to=case.township,
        )
        for case in cases(county, TIMERS // PER_CASE)
        for n in range(PER_CASE)
    ]
    return Deadline.objects.bulk_create(rows, batch_size=2000)


def per_deadline(action):
    events = AuditEvent.objects.filter(action=action).values_list("data", flat=True)
    return Counter(data["deadline"] for data in events)


@pytest.mark.django_db(transaction=True)
def test_every_timer_fires_once_when_a_dispatcher_is_killed_mid_sweep(flushable_audit):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is a PostgreSQL matter")
    county = build_demo_county()
    today = timezone.localdate()
    deadlines = due_timers(county, today)
    start_at = time.time() + 2.0
    # Small batches: many short transactions, so the kill lands inside one.
    dispatchers = [spawn("tests.core.cases.sweep_worker", start_at, 25) for _ in range(3)]
    victim, survivors = dispatchers[0], dispatchers[1:]
    time.sleep(max(0.0, start_at - time.time()) + 1.5)
    assert victim.poll() is None, "the dispatcher finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    began = time.perf_counter()
    results = []
    for process in survivors:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    after_kill = Deadline.objects.filter(reminded_at__isnull=True).count()
    next_run = sweep()  # the beat's next run takes what the killed one left
    print(
        f"\n{TIMERS} timers: survivors {results}, left after the kill {after_kill}, "
        f"next sweep {next_run}, survivors finished {time.perf_counter() - began:.1f} s after it"
    )
    assert per_deadline(Action.DEADLINE_REMINDED) == Counter(d.pk for d in deadlines)
    assert per_deadline(Action.DEADLINE_OVERDUE) == Counter(
        d.pk for d in deadlines if d.due_on < today
    )
    assert sweep() == {"reminded": 0, "overdue": 0, "skipped": 0}
    assert verify().ok
