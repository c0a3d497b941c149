"""Issue 7: a worker killed with SIGKILL in the middle of transitions leaves no
half-done transition: every step is either wholly done (task closed, next
task open, audit event written) or not at all, the chains verify, and the
engine carries each case on from where it stands. PostgreSQL only."""

import signal
import time
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.demo import add_person, build_demo_county
from core.flowkit.selectors import OPEN
from core.people.choices import PartyStatus
from tests.processes import spawn
from workflows.recruitment import scenario

pytestmark = pytest.mark.postgres

USERS = ["dc_branch_sec", "dc_organiser", "dc_secretary", "county_staff"]


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_no_half_done_step(flushable_audit):
    if connection.vendor != "postgresql":
        pytest.skip("real processes share the database only on PostgreSQL")
    county = build_demo_county()
    actors = scenario.Actors(*(county.users[u] for u in USERS))
    branch = county.orgs["dongcheng_village"]
    people = [
        add_person(
            county,
            f"kill_{n}",
            f"申请人{n}",
            "dongcheng_village",
            birth=date(1998, 1, 1 + n),
            status=PartyStatus.APPLICANT,
        )
        for n in range(8)
    ]
    cases = [scenario.start(p, branch, actors.branch, date(2023, 6, 1)) for p in people]
    worker = spawn("tests.reliability.case_walker", ",".join(USERS), *(c.pk for c in cases))
    steps_seen = 0
    deadline = time.time() + 60
    while steps_seen < 40 and time.time() < deadline:  # well into the walk, not at its end
        if worker.stdout.readline():
            steps_seen += 1
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert steps_seen >= 40, worker.stderr.read()

    ids = [c.pk for c in cases]
    done = Counter(
        Task.objects.filter(
            process_id__in=ids, status=STATUS.DONE, owner__isnull=False
        ).values_list("process_id", flat=True)
    )
    recorded = Counter(
        AuditEvent.objects.filter(case_id__in=ids, action="task_completed").values_list(
            "case_id", flat=True
        )
    )
    assert done == recorded  # each completed step has its event, and no event lacks its step
    for case in cases:
        assert Task.objects.filter(process_id=case.pk, status__in=OPEN).count() == 1
        scenario.Walk(case, actors).step()  # the engine carries on
    assert verify().ok
