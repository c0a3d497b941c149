"""The case is looked up through the (case, seq) index; its own index (214 MB
at 1M cases) served nothing that one does not."""

import django.db.models.deletion
from django.db import migrations, models

from core.schema import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_append_only_triggers'),
        ('cases', '0008_case_scope_index_carries_key'),
    ]

    operations = [
        drop_foreign_key_index(
            migrations.AlterField(
                model_name='auditevent',
                name='case',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='cases.case'),
            ),
            table="audit_auditevent",
            index="audit_auditevent_case_id_e19cbaff",
            column="case_id",
        ),
    ]
