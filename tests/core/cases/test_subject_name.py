"""The subject's name copied on the case: written when the case starts, corrected
with the person, found by the auditor's search through a trigram index on
PostgreSQL (for one character as for three); on SQLite the index migration
does nothing."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.auditing.search import search
from core.cases.models import Case
from core.people.names import name_contains
from tests.plans import plan

MIGRATION = importlib.import_module("core.cases.migrations.0006_subject_name")
PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

pytestmark = pytest.mark.django_db


def _names(text, user):
    return {case.subject_name for case in search(user, {"name": text})}


def test_a_case_carries_its_subjects_name_from_the_start(county, start_probe):
    case = start_probe(subject="applicant_a")
    assert Case.objects.get(pk=case.pk).subject_name == county.people["applicant_a"].name
    assert _names("小军", county.users["auditor"]) == {county.people["applicant_a"].name}


def test_correcting_a_name_corrects_the_cases(county, start_probe):
    case = start_probe(subject="applicant_a")
    person = county.people["applicant_a"]
    old = person.name
    person.name = "林晓君"
    person.save()
    assert Case.objects.get(pk=case.pk).subject_name == "林晓君"
    assert _names("晓君", county.users["auditor"]) == {"林晓君"}
    assert not _names(old, county.users["auditor"])


def test_a_save_that_keeps_the_name_writes_no_case(county, start_probe):
    start_probe(subject="applicant_a")
    person = type(county.people["applicant_a"]).objects.get(pk=county.people["applicant_a"].pk)
    person.occupation = person.occupation
    with CaptureQueriesContext(connection) as queries:
        person.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert "cases_case" not in queries.captured_queries[0]["sql"]


def test_the_migration_copies_the_names_of_cases_there_are(county, start_probe):
    case = start_probe(subject="applicant_a")
    Case.objects.filter(pk=case.pk).update(subject_name="")
    MIGRATION.copy_names(django_apps, None)
    assert Case.objects.get(pk=case.pk).subject_name == county.people["applicant_a"].name


def _indexes(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def _migrate(step):
    if connection.vendor == "sqlite":
        # SQLite's editor refuses to open inside the test's transaction; the
        # migration only reads its vendor there.
        getattr(MIGRATION, step)(None, connection.schema_editor())
        return
    with connection.schema_editor() as editor:
        getattr(MIGRATION, step)(None, editor)


@PG_ONLY
@pytest.mark.parametrize("text", ["林", "小军", "林小军"])
def test_a_name_of_any_length_is_looked_up_in_the_trigram_index(start_probe, text):
    start_probe(subject="applicant_a")
    assert MIGRATION.INDEX in _indexes("cases_case")
    # A plain index scan is ruled out too: with statistics of a few rows (left
    # by the generator's tests) it read the primary key and filtered every row.
    found = plan(
        Case.objects.filter(name_contains("subject_name", text)).only("pk"),
        ruled_out=("seqscan", "indexscan"),
    )
    assert f"Bitmap Index Scan on {MIGRATION.INDEX}" in found, found


@PG_ONLY
def test_the_auditors_search_writes_the_indexed_expression(county):
    found = search(county.users["auditor"], {"name": "小军"})
    sql, params = found.query.sql_with_params()
    assert 'regexp_replace(UPPER("cases_case"."subject_name"), %s, %s, %s)' in sql
    assert {"(.)", r"\1\1\1", "g"} <= set(params)
    assert "people_person_name_trgm" not in _indexes("people_person")


@PG_ONLY
def test_the_index_migration_reverses_and_applies_again():
    _migrate("drop_index")
    assert MIGRATION.INDEX not in _indexes("cases_case")
    _migrate("create_index")
    _migrate("create_index")  # idempotent: the extension and the index may be there already
    assert MIGRATION.INDEX in _indexes("cases_case")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_on_sqlite_the_index_migration_does_nothing():
    before = _indexes("cases_case")
    assert MIGRATION.INDEX not in before
    _migrate("create_index")
    _migrate("drop_index")
    assert _indexes("cases_case") == before
