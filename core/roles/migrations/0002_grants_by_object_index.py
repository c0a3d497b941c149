"""An index on guardian's object grants by object.

Roles become guardian grants on organisations, and the engine often asks the
other way round: who holds a permission on these organisations (the people a
new step is announced to, the officers a deadline reminds). guardian indexes
its grants by user and by permission only, so that question read every
grant of the permission (17,000 rows for act_for_branch in the generated
province, 5 ms per step). Created with plain SQL because the table is
guardian's; it means the same on SQLite and PostgreSQL.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0001_initial"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS roles_grant_by_object "
            "ON guardian_userobjectpermission (content_type_id, object_pk, permission_id)",
            "DROP INDEX IF EXISTS roles_grant_by_object",
        )
    ]
