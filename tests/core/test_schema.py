"""Foreign keys whose column leads another index keep no index of their own,
and the migrations that dropped them put them back when reversed; the
planner is told how many rows a case has in each per-case table."""

import importlib

import pytest
from django.db import connection

# (migration, table, column, the dropped index, the index that serves instead)
DROPPED = [
    (
        "core.audit.migrations.0004_case_indexed_with_seq_only",
        "audit_auditevent",
        "case_id",
        "audit_auditevent_case_id_e19cbaff",
        "audit_audit_case_id_11e12f_idx",
    ),
    (
        "workflows.recruitment.migrations.0002_record_case_indexed_with_kind_only",
        "recruitment_record",
        "case_id",
        "recruitment_record_case_id_5910ef9e",
        "recruitment_case_id_ac473a_idx",
    ),
    (
        "core.cases.migrations.0010_deadline_case_indexed_with_kind_only",
        "cases_deadline",
        "case_id",
        "cases_deadline_case_id_fd6938e1",
        "deadline_case_kind",
    ),
    (
        "core.notifications.migrations.0002_recipient_not_indexed_alone",
        "notifications_notification",
        "recipient_id",
        "notifications_notification_recipient_id_d055f3f0",
        "notification_unread",
    ),
]


def _indexes(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


@pytest.mark.django_db
@pytest.mark.parametrize(("module", "table", "column", "dropped", "serving"), DROPPED)
def test_the_column_is_served_by_the_index_it_leads(module, table, column, dropped, serving):
    indexes = _indexes(table)
    assert dropped not in indexes
    assert indexes[serving]["index"]
    assert indexes[serving]["columns"][0] == column


@pytest.mark.django_db
@pytest.mark.parametrize(("module", "table", "column", "dropped", "serving"), DROPPED)
def test_the_migration_puts_the_index_back_and_drops_it_again(
    module, table, column, dropped, serving
):
    (operation,) = importlib.import_module(module).Migration.operations
    (sql,) = operation.database_operations
    with connection.cursor() as cursor:
        cursor.execute(sql.reverse_sql)
        assert _indexes(table)[dropped]["columns"] == [column]
        cursor.execute(sql.sql)
    assert dropped not in _indexes(table)


UNREAD = importlib.import_module("core.cases.migrations.0009_unread_viewflow_indexes")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_viewflows_unread_indexes_are_gone_and_come_back_when_reversed():
    def present():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(UNREAD.INDEXES)]
            )
            return {name for (name,) in cursor.fetchall()}

    assert present() == set()
    with connection.schema_editor() as editor:
        UNREAD.build(None, editor)
    assert present() == set(UNREAD.INDEXES)
    with connection.schema_editor() as editor:
        UNREAD.drop(None, editor)
    assert present() == set()
    # What still serves: the links by their first task, the open steps by permission.
    with connection.cursor() as cursor:
        previous = connection.introspection.get_constraints(cursor, "viewflow_task_previous")
    assert any(c["unique"] and c["columns"][0] == "from_task_id" for c in previous.values())


# (migration, table, column, rows per case)
PER_CASE = [
    ("core.audit.migrations.0005_rows_per_case", "audit_auditevent", "chain", 24),
    ("core.audit.migrations.0005_rows_per_case", "audit_auditevent", "case_id", 24),
    (
        "core.notifications.migrations.0003_rows_per_case",
        "notifications_notification",
        "case_id",
        26,
    ),
    ("workflows.recruitment.migrations.0003_rows_per_case", "recruitment_record", "case_id", 22),
    ("core.cases.migrations.0011_rows_per_case", "cases_deadline", "case_id", 7),
    ("core.cases.migrations.0011_rows_per_case", "viewflow_task", "process_id", 28),
]


def _n_distinct(table, column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attoptions FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        (options,) = cursor.fetchone()
    found = [float(o.split("=")[1]) for o in options or [] if o.startswith("n_distinct=")]
    return found[0] if found else None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(("module", "table", "column", "rows"), PER_CASE)
def test_the_planner_counts_one_value_per_case_and_forgets_it_when_reversed(
    module, table, column, rows
):
    assert _n_distinct(table, column) == pytest.approx(-1 / rows, abs=1e-4)
    operations = importlib.import_module(module).Migration.operations
    with connection.schema_editor() as editor:
        for operation in operations:
            operation.reverse_code(None, editor)
        assert _n_distinct(table, column) is None
        for operation in operations:
            operation.code(None, editor)
    assert _n_distinct(table, column) == pytest.approx(-1 / rows, abs=1e-4)
