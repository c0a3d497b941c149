"""Issue 7: the broker stopped while people work. A state change needs no
broker, so it commits; the beat's sweep cannot be sent, so nothing is
reminded then; reminders are rows, not messages, so none is lost, and the
first sweep a worker runs once the broker is back sends each one, once.
PostgreSQL and Redis (a worker process must share the database)."""

import os
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.chain import verify
from core.cases.deadlines import open_deadline
from core.cases.models import Deadline
from core.cases.tasks import sweep_deadlines
from core.celery import app
from core.demo import build_demo_county
from core.flowkit import services
from tests.probe.cases import start_probe_case
from tests.probe.flows import ProbeFlow
from tests.processes import spawn, worker_env

pytestmark = pytest.mark.postgres

BROKER = os.environ.get("PARTYFLOW_TEST_BROKER", "redis://127.0.0.1:6379/15")
NO_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: the broker is down


@pytest.fixture
def real_broker():
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the database only on PostgreSQL")
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {BROKER}: {error}")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def publish_sweep(broker_url, queue):
    """What the beat does every few minutes: hand the sweep to a worker."""
    with app.connection_for_write(broker_url) as connection:
        sweep_deadlines.apply_async(queue=queue, retry=False, connection=connection)


@pytest.mark.django_db(transaction=True)
def test_work_goes_on_without_the_broker_and_reminders_follow_when_it_is_back(
    real_broker, flushable_audit
):
    county = build_demo_county()
    queue = f"partyflow-test-{uuid.uuid4().hex[:8]}"
    case, watched = start_probe_case(county), start_probe_case(county)
    due = open_deadline(
        watched,
        kind="reply",
        label="Reply",
        due_on=timezone.localdate() + timedelta(days=2),
        responsible=watched.organisation,
    )
    # The broker is down: the beat cannot hand the sweep to a worker ...
    with pytest.raises(OperationalError):
        publish_sweep(NO_BROKER, queue)
    # ... but people's work commits, since no step goes through the broker.
    task = Task.objects.get(process=case, flow_task=ProbeFlow.review)
    with services.step(actor=county.users["dc_organiser"], task=task) as change:
        change.complete(opinion="reviewed while the broker was down")
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert Deadline.objects.get(pk=due.pk).reminded_at is None

    # The broker is back: the next beat's sweep reaches a worker and reminds.
    worker = spawn(
        "celery",
        "-A", "core", "worker", "--pool", "solo", "-Q", queue, "-l", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        env=worker_env(
            DJANGO_SETTINGS_MODULE="tests.reliability.broker_settings", CELERY_BROKER_URL=BROKER
        ),
    )  # fmt: skip
    try:
        publish_sweep(BROKER, queue)
        give_up = time.time() + 60
        while Deadline.objects.get(pk=due.pk).reminded_at is None and time.time() < give_up:
            time.sleep(0.5)
    finally:
        worker.terminate()
        _, err = worker.communicate(timeout=30)
    assert Deadline.objects.get(pk=due.pk).reminded_at is not None, err
    assert verify().ok
