"""Real processes completing the same step at once, on PostgreSQL."""

import time

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.demo import build_demo_county
from core.flowkit import services
from tests.probe.flows import ProbeFlow
from tests.processes import spawn

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("contenders", [2, 4])
def test_exactly_one_of_several_processes_completes_a_step(flushable_audit, contenders):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    county = build_demo_county()
    with services.start(
        actor=county.users["dc_branch_sec"],
        flow_class=ProbeFlow,
        organisation=county.orgs["dongcheng_village"],
        codename="act_for_branch",
        title="race",
    ) as change:
        case = change.case
    task = Task.objects.get(process=case, flow_task=ProbeFlow.review)
    start_at = time.time() + 2.0
    users = ["dc_organiser", "dc_secretary"] * (contenders // 2)
    workers = [spawn("tests.core.flowkit.race_worker", task.pk, user, start_at) for user in users]
    results = [w.communicate(timeout=60) for w in workers]
    outcomes = sorted(out.strip().splitlines()[-1] if out.strip() else err for out, err in results)
    assert outcomes == ["ALREADY_DONE"] * (contenders - 1) + ["WON"]
    assert AuditEvent.objects.filter(case=case, action="task_completed").count() == 1
    assert Task.objects.filter(process=case).count() == 3  # start, review, end: no duplicate
    assert verify().ok
