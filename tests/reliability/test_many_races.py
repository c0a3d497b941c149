"""Issue 7: a thousand races in which 2-8 processes complete the same step at
once. Exactly one wins, the others are told it is already done, no step is
created twice and the audit chains verify. PostgreSQL only (row locks).

PARTYFLOW_RACES sets the number of races (default 1000)."""

import os
import random
import time
from collections import Counter

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

RACES = int(os.environ.get("PARTYFLOW_RACES", "1000"))
# Both may review a Dongcheng case; four processes of each make eight contenders.
REVIEWERS = ["dc_organiser", "dc_secretary"] * 4


def open_review(county):
    with services.start(
        actor=county.users["dc_branch_sec"],
        flow_class=ProbeFlow,
        organisation=county.orgs["dongcheng_village"],
        codename="act_for_branch",
        title="race",
    ) as change:
        case = change.case
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)


@pytest.mark.django_db(transaction=True)
def test_exactly_one_contender_wins_each_of_many_races(flushable_audit):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    county = build_demo_county()
    rng = random.Random(7)
    contenders = [spawn("tests.reliability.race_contender", user, stdin=-1) for user in REVIEWERS]
    sizes, tasks = Counter(), []
    try:
        for _ in range(RACES):
            task = open_review(county)
            size = rng.randint(2, len(contenders))
            racing = rng.sample(contenders, size)
            start_at = time.time() + 0.05
            for process in racing:
                process.stdin.write(f"{task.pk} {start_at}\n")
                process.stdin.flush()
            answers = sorted(process.stdout.readline().strip() for process in racing)
            assert answers == ["ALREADY_DONE"] * (size - 1) + ["WON"], answers
            sizes[size] += 1
            tasks.append(task)
    finally:
        for process in contenders:
            process.stdin.close()
            process.wait(timeout=30)
    print(f"\n{RACES} races by contenders: {dict(sorted(sizes.items()))}")

    cases = [task.process_id for task in tasks]
    completed = Counter(
        AuditEvent.objects.filter(case_id__in=cases, action="task_completed").values_list(
            "case_id", flat=True
        )
    )
    assert completed == Counter(cases)  # one completion per race
    per_case = Counter(
        Task.objects.filter(process_id__in=cases).values_list("process_id", flat=True)
    )
    assert set(per_case.values()) == {3}  # start, review, end: no step twice
    assert verify().ok
