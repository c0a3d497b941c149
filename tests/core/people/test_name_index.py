"""Finding people by part of their name: the same answers as `icontains` on every
database; on PostgreSQL from the trigram index, for one character as for three;
on SQLite the migration does nothing."""

import importlib
from datetime import date

import pytest
from django.db import connection

from core.auditing.search import search
from core.demo import add_person
from core.people.models import Person
from core.people.names import name_contains

MIGRATION = importlib.import_module("core.people.migrations.0002_name_trigram_index")
PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county):
    """The demo county's people, and two whose names test case and LIKE's wildcards."""
    add_person(county, "latin", "Wang Li", "dongcheng_village", birth=date(1990, 1, 1))
    add_person(county, "odd", "百分%_号", "dongcheng_village", birth=date(1991, 1, 1))
    return county.people


def _indexes():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_person'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'people_person'")
        return {name for (name,) in cursor.fetchall()}


def _plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show that it can use the index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def _migrate(step):
    if connection.vendor == "sqlite":
        # SQLite's editor refuses to open inside the test's transaction; the
        # migration only reads its vendor there.
        getattr(MIGRATION, step)(None, connection.schema_editor())
        return
    with connection.schema_editor() as editor:
        getattr(MIGRATION, step)(None, editor)


@pytest.mark.parametrize("text", ["林", "小军", "林小军", "wang", "WANG LI", "%", "_号", "无此人"])
def test_the_same_people_as_icontains(people, text):
    found = Person.objects.filter(name_contains("name", text))
    assert list(found) == list(Person.objects.filter(name__icontains=text))


def test_the_same_people_as_icontains_in_substance(people):
    assert list(Person.objects.filter(name_contains("name", "小军"))) == [people["applicant_a"]]
    assert list(Person.objects.filter(name_contains("name", "wang"))) == [people["latin"]]
    assert list(Person.objects.filter(name_contains("name", "%_"))) == [people["odd"]]
    assert list(Person.objects.filter(name_contains("name", "%%"))) == []


@PG_ONLY
@pytest.mark.parametrize("text", ["林", "小军", "林小军"])
def test_a_name_of_any_length_is_looked_up_in_the_trigram_index(people, text):
    assert MIGRATION.INDEX in _indexes()
    plan = _plan(Person.objects.filter(name_contains("name", text)).only("pk"))
    assert f"Bitmap Index Scan on {MIGRATION.INDEX}" in plan, plan


@PG_ONLY
def test_the_auditors_search_writes_the_indexed_expression(people, county):
    """Whether the planner starts from the people depends on the data (on the
    generated province it does); that it can is shown above."""
    found = search(county.users["auditor"], {"name": "小军"})
    sql, params = found.query.sql_with_params()
    assert 'regexp_replace(UPPER("people_person"."name"), %s, %s, %s)' in sql
    assert {"(.)", r"\1\1\1", "g"} <= set(params)


@PG_ONLY
def test_the_migration_reverses_and_applies_again():
    _migrate("drop")
    assert MIGRATION.INDEX not in _indexes()
    _migrate("create")
    _migrate("create")  # idempotent: the extension and the index may be there already
    assert MIGRATION.INDEX in _indexes()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_on_sqlite_the_migration_does_nothing(people):
    before = _indexes()
    assert MIGRATION.INDEX not in before
    _migrate("create")
    _migrate("drop")
    assert _indexes() == before
