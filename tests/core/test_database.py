"""PostgreSQL binds parameters on the server; statements are prepared only on the
service path (core.database), where a step's queries find rows by key."""

import pytest
from django.db import connection

from core.database import prepared_statements
from core.organisations.models import Organisation
from core.settings.base import on_postgresql

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "partyflow"}
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "partyflow.sqlite3"}


def test_postgresql_binds_parameters_on_the_server():
    assert on_postgresql(dict(POSTGRES))["OPTIONS"] == {"server_side_binding": True}


def test_sqlite_is_left_as_it_is():
    assert on_postgresql(dict(SQLITE)) == SQLITE


def prepared_on(table):
    """The statements prepared on this connection that name `table`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [sql for (sql,) in cursor.fetchall() if f'"{table}"' in sql]


def _run_twice(code):
    for _ in range(2):
        list(Organisation.objects.filter(code=code))


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")


@pytest.mark.django_db
def test_a_statement_run_twice_in_the_block_is_prepared(postgresql):
    with prepared_statements():
        _run_twice("inside")
    assert prepared_on("organisations_organisation")


@pytest.mark.django_db
def test_outside_the_block_every_query_is_planned_for_its_parameters(postgresql):
    _run_twice("outside")
    assert not prepared_on("organisations_organisation")
    with prepared_statements():
        pass
    _run_twice("after")
    assert not prepared_on("organisations_organisation")


@pytest.mark.django_db
def test_they_can_be_turned_off(postgresql, settings):
    settings.PARTYFLOW_PREPARED_STATEMENTS = False
    with prepared_statements():
        _run_twice("off")
    assert not prepared_on("organisations_organisation")
