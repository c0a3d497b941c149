"""The inbox's own tasks: open tasks by the user who took them.

viewflow indexes `owner_id` over all tasks, done ones included, and at
1,000,000 cases PostgreSQL chose to AND that index with the whole open-task
index (350,000 rows, 75 ms per inbox query, three queries a page). A partial
index over open tasks answers "my open tasks" alone. As in 0003: raw SQL on
viewflow's table, PostgreSQL only.
"""

from django.db import migrations

INDEX = "CREATE INDEX task_open_by_owner ON viewflow_task (owner_id) WHERE status IN ('NEW', 'ASSIGNED')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS task_open_by_owner")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_escalated_deadline_index")]

    operations = [migrations.RunPython(create, drop)]
