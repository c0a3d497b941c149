"""The planner's count of cases among deadlines (~7 a case) and among
viewflow's tasks (~28 a case; every process is a case): core.schema.rows_per_case."""

from django.db import migrations

from core.schema import rows_per_case


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_deadline_case_indexed_with_kind_only'),
    ]

    operations = [
        rows_per_case("cases_deadline", ["case_id"], rows=7),
        rows_per_case("viewflow_task", ["process_id"], rows=28),
    ]
