"""The service path's reads before a step: the acting role is one query (the
grant a subquery of it), and the locked case comes with its organisation and
township, handed to the activation so viewflow does not read it again."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from core.flowkit import services
from core.roles.catalogue import Role
from tests.core.test_database import prepared_on
from tests.probe.flows import ProbeFlow

pytestmark = pytest.mark.django_db


def test_the_acting_role_is_read_in_one_query(county):
    village = county.orgs["dongcheng_village"]
    with CaptureQueriesContext(connection) as queries:
        role = services.acting_role(county.users["dc_organiser"], "review_for_township", village)
        elsewhere = services.acting_role(
            county.users["xs_organiser"], "review_for_township", village
        )
    assert len(queries.captured_queries) == 2
    assert (role.role, role.organisation) == (Role.TOWNSHIP_ORGANISER, county.orgs["dongcheng"])
    assert elsewhere is None


def test_the_locked_case_carries_its_organisations_and_is_the_tasks_process(county, start_probe):
    case = start_probe()
    task = Task.objects.get(process=case, flow_task=ProbeFlow.review)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = services.lock_task(task)
        names = (locked.organisation.name, locked.township.name)
        process = task.process.coerced
    assert len(queries.captured_queries) == 2  # the lock and the task re-read
    assert names == (county.orgs["dongcheng_village"].name, county.orgs["dongcheng"].name)
    assert process is locked
    assert isinstance(locked, ProbeFlow.process_class)


def test_steps_run_on_prepared_statements(county, start_probe):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    for _ in range(2):
        task = Task.objects.get(process=start_probe(), flow_task=ProbeFlow.review)
        with services.step(actor=county.users["dc_organiser"], task=task) as change:
            change.complete()
    assert prepared_on("viewflow_task")
    assert prepared_on("audit_auditevent")
