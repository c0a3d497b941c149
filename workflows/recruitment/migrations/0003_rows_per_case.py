"""The planner's count of cases among the documents: ~22 a case
(core.schema.rows_per_case)."""

from django.db import migrations

from core.schema import rows_per_case


class Migration(migrations.Migration):

    dependencies = [
        ('recruitment', '0002_record_case_indexed_with_kind_only'),
    ]

    operations = [
        rows_per_case("recruitment_record", ["case_id"], rows=22),
    ]
