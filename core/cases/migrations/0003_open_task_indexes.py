"""Indexes on viewflow's task table for the inbox (core.flowkit.selectors.inbox).

The inbox picks open tasks by the permission they ask for and either the case
they belong to (reached from `case_org_path_prefix`) or the department they
are addressed to. Only open tasks are ever looked up this way, and they are a
small share of the table (done tasks stay for the history), so the indexes
are partial. viewflow's Task is not our model, hence raw SQL here, next to the
Case it serves; PostgreSQL only (SQLite test databases are small).
"""

from django.db import migrations

OPEN = "status IN ('NEW', 'ASSIGNED')"
INDEXES = {
    "task_open_by_case": "(owner_permission, process_id)",
    "task_open_by_permission_object": "(owner_permission, owner_permission_obj_pk)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON viewflow_task {columns} WHERE {OPEN}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_deadline"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(create, drop)]
