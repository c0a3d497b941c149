"""The planner's count of cases among the notices: ~26 notices a case
(core.schema.rows_per_case)."""

from django.db import migrations

from core.schema import rows_per_case


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_recipient_not_indexed_alone'),
    ]

    operations = [
        rows_per_case("notifications_notification", ["case_id"], rows=26),
    ]
