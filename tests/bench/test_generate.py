"""The generator's output is history the engine accepts as its own.

Generated cases are copies of cases the real services walked; this proves on
a small province that every copied chain verifies and that the engine goes
on with generated cases through the service path.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from viewflow.workflow.models import Task

from bench.actors import actors_for, planned_day
from bench.generate import generate
from bench.rows import indexes_built_after, vacuum
from bench.run import _exactly_due
from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.deadlines import _due_rows
from core.cases.models import Deadline
from core.flowkit.selectors import OPEN
from workflows.recruitment import scenario
from workflows.recruitment.models import Dossier, Outcome, Recruitment

CASES = 200


# Steps a generated case is continued at: two branch decisions
# and the probation report; the dates are those the scenario plans for them.
CONTINUED = ("choose_activist", "choose_development_object", "probation")


@pytest.mark.django_db
def test_generated_cases_verify_and_go_on_through_the_engine():
    summary = generate(CASES, orgs=120, users=40, seed=3, say=lambda *_: None)
    assert summary["cases"] == Recruitment.objects.count() == CASES
    outcomes = Counter(Dossier.objects.values_list("outcome", flat=True))
    assert outcomes[Outcome.FULL_MEMBER] > CASES / 2
    assert outcomes[Outcome.IN_PROGRESS] > CASES / 5
    # Each copy carries its own subject's name, not the template's.
    assert not Recruitment.objects.exclude(subject_name=F("subject__name")).exists()
    report = verify()
    assert report.ok, report.breaks[:3]
    assert report.events == AuditEvent.objects.count() > CASES * 10

    for step in CONTINUED:
        task = (
            Task.objects.filter(status__in=OPEN, flow_task__endswith=f".{step}")
            .order_by("pk")
            .first()
        )
        assert task is not None, f"no generated case waits at {step}"
        case = Recruitment.objects.get(pk=task.process_id)
        walk = scenario.Walk(case, actors_for(case))
        events = AuditEvent.objects.filter(case=case).count()
        assert walk.step(planned_day(walk, step, timezone.localdate())) == step
        task.refresh_from_db()
        assert task.status not in OPEN
        assert walk.open_task().flow_task.name != step
        assert AuditEvent.objects.filter(case=case).count() > events
    assert verify().ok


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL")
def test_secondary_indexes_are_dropped_for_the_copy_and_built_again(flushable_audit):
    """The generator's many processes copy into tables without their secondary
    indexes; afterwards every one stands again, as defined, and the keys and
    unique constraints were never dropped."""
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    models = [Deadline, AuditEvent]

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
                [[m._meta.db_table for m in models]],
            )
            return dict(cursor.fetchall())

    before = indexes()
    with indexes_built_after(models, url) as deferred:
        during = indexes()
        assert deferred
        assert not set(deferred) & set(during)
        assert {"audit_auditevent_pkey", "audit_chain_seq"} <= set(during)
    assert indexes() == before


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="vacuum is PostgreSQL's")
def test_every_table_of_the_generated_set_is_vacuumed(flushable_audit):
    """The benchmark's server runs without autovacuum: the generator vacuums once."""
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"

    def vacuumed_since(moment):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname, COALESCE(last_vacuum >= %s, false) FROM pg_stat_user_tables "
                "WHERE schemaname = 'public'",
                [moment],
            )
            return dict(cursor.fetchall())

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (started,) = cursor.fetchone()
    assert not all(vacuumed_since(started).values())
    vacuum(url)
    after = vacuumed_since(started)
    assert {"audit_auditevent", "cases_case"} <= set(after)
    assert all(after.values()), [t for t, done in after.items() if not done]


@pytest.mark.django_db
def test_the_sweep_benchmark_leaves_exactly_the_timers_asked_for_due():
    generate(60, orgs=120, users=40, seed=5, say=lambda *_: None)
    today = timezone.localdate() + timedelta(days=3 * 365)
    generated = _due_rows(today).count()
    assert generated > 10

    assert _exactly_due(generated + 25, today) == (generated, 25, 0)
    assert _due_rows(today).count() == generated + 25

    assert _exactly_due(10, today) == (generated + 25, 0, generated + 15)
    assert _due_rows(today).count() == 10
