"""The planner's count of chains and cases in the audit log: one per case,
~24 events each (core.schema.rows_per_case)."""

from django.db import migrations

from core.schema import rows_per_case


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_case_indexed_with_seq_only'),
    ]

    operations = [
        rows_per_case("audit_auditevent", ["chain", "case_id"], rows=24),
    ]
