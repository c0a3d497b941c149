"""The inbox reads two queries whoever asks: the user's grants with their
organisations' paths, then the tasks as a UNION of narrow selections that
start from indexes (the cases under each grant, the departments under it, the
user's own tasks), not one OR over every open task of the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.flowkit import services
from core.flowkit.selectors import ACTING, READ_ONLY, flows_with_steps, inbox
from core.roles.catalogue import Role
from core.roles.services import end_role, grant_role
from tests.probe.cases import review_of

pytestmark = pytest.mark.django_db

USERS = ["dc_branch_sec", "dc_organiser", "county_staff", "discipline_officer", "auditor"]


@pytest.fixture
def review(start_probe):
    """A probe case at a Dongcheng branch; its step waiting for the township."""

    def start(org="dongcheng_village"):
        return review_of(start_probe(org))

    return start


@pytest.mark.parametrize("username", USERS)
def test_two_queries_whatever_the_roles_the_tasks_as_one_union(county, review, username):
    review()
    review("dongcheng_community_1")
    with CaptureQueriesContext(connection) as queries:
        list(inbox(county.users[username]))
    assert len(queries.captured_queries) == 2
    # An auditor acts for nobody: only the steps they took themselves are read.
    assert ("UNION" in queries.captured_queries[1]["sql"].upper()) == (username != "auditor")


def test_every_step_asks_for_a_permission_the_inbox_reads():
    # Every procedure's steps and the probe's; each names its permission as a string.
    asked = {node._owner_permission for _, nodes in flows_with_steps() for node in nodes}
    assert all(permission.startswith("organisations.") for permission in asked)
    asked = {permission.split(".", 1)[1] for permission in asked}
    assert {"act_for_branch", "file_for_county", "review_for_department"} <= asked
    assert asked <= set(ACTING)
    assert not asked & READ_ONLY


def test_open_steps_of_the_users_cases_and_their_own_taken_steps_only(county, review):
    mine, colleagues, elsewhere = review(), review(), review()
    services.take_task(actor=county.users["dc_organiser"], task=mine)
    services.take_task(actor=county.users["dc_secretary"], task=colleagues)
    with services.step(actor=county.users["dc_organiser"], task=elsewhere) as change:
        change.complete()
    waiting = review()

    def seen(username):
        return list(inbox(county.users[username]).values_list("pk", flat=True))

    # Ordered by creation; a colleague's taken step and a done one are not shown.
    assert seen("dc_organiser") == [mine.pk, waiting.pk]
    assert seen("dc_secretary") == [colleagues.pk, waiting.pk]
    assert seen("xs_organiser") == []


def test_a_grant_given_or_ended_changes_the_inbox_at_once(county, review):
    """The UNION is compiled once per user and set of grants (selectors._chosen):
    a new grant or an ended one is a new set, so it is never answered from an
    older one's SQL."""
    here, there = review(), review("xishan_village")
    organiser = county.users["dc_organiser"]

    def seen():
        return list(inbox(organiser).values_list("pk", flat=True))

    assert seen() == [here.pk]
    elsewhere = grant_role(
        actor=None,
        person=organiser.person,
        role=Role.TOWNSHIP_ORGANISER,
        organisation=county.orgs["xishan"],
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    assert seen() == [here.pk, there.pk]
    # Ended yesterday: the grant is gone today.
    end_role(actor=None, assignment=elsewhere, ends_on=elsewhere.starts_on)
    assert seen() == [here.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_open_tasks_are_indexed_by_permission_and_case_or_addressee():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "viewflow_task")
    assert indexes["task_open_by_case"]["columns"] == ["owner_permission", "process_id"]
    assert indexes["task_open_by_permission_object"]["columns"] == [
        "owner_permission",
        "owner_permission_obj_pk",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_the_cases_under_an_organisation_are_read_from_their_index_alone():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["case_org_path_prefix"]
        )
        (definition,) = cursor.fetchone()
    # The key rides in the index, so the inbox's selection of cases by scope
    # never reads the case rows (an index-only scan).
    assert "(org_path varchar_pattern_ops) INCLUDE (process_ptr_id)" in definition
