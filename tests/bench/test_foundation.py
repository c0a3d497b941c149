"""Figures for the shared service path on PostgreSQL (printed, never asserted).

    PARTYFLOW_BENCH_N=2000 PARTYFLOW_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyflow \
        .venv/bin/python -m pytest tests/bench -m benchmark -s
"""

import os
import time

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.flowkit import services
from tests.probe.flows import ProbeFlow

pytestmark = pytest.mark.benchmark
N = int(os.environ.get("PARTYFLOW_BENCH_N", "200"))


def _through_services(county):
    for i in range(N):
        with services.start(
            actor=county.users["dc_branch_sec"],
            flow_class=ProbeFlow,
            organisation=county.orgs["dongcheng_village"],
            codename="act_for_branch",
            title=f"bench {i}",
        ) as change:
            case = change.case
        task = Task.objects.get(process=case, flow_task=ProbeFlow.review)
        with services.step(actor=county.users["dc_organiser"], task=task) as change:
            change.complete(opinion="同意")


def _bare_viewflow(county):
    flow = ProbeFlow.instance
    for i in range(N):
        case = flow.start.run(organisation=county.orgs["dongcheng_village"], title=f"bare {i}")
        task = Task.objects.get(process=case, flow_task=ProbeFlow.review)
        with task.activation() as activation:
            activation.assign(county.users["dc_organiser"])
            activation.start(None)
            activation.execute()


@pytest.mark.django_db
def test_service_path_overhead_and_verify_speed(county):
    if connection.vendor != "postgresql":
        pytest.skip("benchmarks run on PostgreSQL")
    timings = {}
    for name, run in (("bare viewflow", _bare_viewflow), ("service path", _through_services)):
        started = time.perf_counter()
        run(county)
        timings[name] = time.perf_counter() - started
    started = time.perf_counter()
    report = verify()
    verify_s = time.perf_counter() - started
    print(f"\n{N} cases, start + one human step each, one process, PostgreSQL")
    for name, seconds in timings.items():
        print(f"  {name:<14} {seconds:7.2f} s  {2 * N / seconds:8.1f} transitions/s")
    print(f"  overhead       {timings['service path'] / timings['bare viewflow']:.2f}x")
    print(
        f"  verify_audit   {report.events} events in {verify_s:.2f} s ({report.events / verify_s:,.0f}/s)"
    )
    assert report.ok
