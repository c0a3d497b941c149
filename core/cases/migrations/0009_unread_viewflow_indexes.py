"""Drop indexes on viewflow's tables that no query reads.

Django gives every foreign key and `db_index` field of viewflow's Task an
index, and a second one for LIKE on each indexed text column. These are
never searched: nobody filters a status or an external id with LIKE; the
content types are looked up only if a content type were deleted; and the
links' from_task_id is led by the unique (from_task_id, to_task_id)
index. At 1,000,000 cases they held 1.5 GB (2.3 KB per completed case)
and each took a write for every task and link a step creates.

viewflow's models are not ours, so Django still believes the indexes
exist; its editor drops indexes with IF EXISTS and finds constraints by
looking, so a later viewflow migration on these fields still applies.
PostgreSQL only, like 0003: SQLite databases are small and have no LIKE
indexes.
"""

from django.db import migrations

# name: (table, column definition to build it again)
INDEXES = {
    "viewflow_task_status_ffb4516b_like": ("viewflow_task", "status varchar_pattern_ops"),
    "viewflow_task_external_task_id_2f93bc2f_like": (
        "viewflow_task",
        "external_task_id varchar_pattern_ops",
    ),
    "viewflow_task_owner_permission_content_type_id_5fc72a99": (
        "viewflow_task",
        "owner_permission_content_type_id",
    ),
    "viewflow_task_seed_content_type_id_bed3f17b": ("viewflow_task", "seed_content_type_id"),
    "viewflow_task_artifact_content_type_id_50385e8d": (
        "viewflow_task",
        "artifact_content_type_id",
    ),
    "viewflow_task_previous_from_task_id_da5536f6": ("viewflow_task_previous", "from_task_id"),
}


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def build(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_scope_index_carries_key"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(drop, build)]
