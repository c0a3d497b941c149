"""The case is looked up through the (case, kind) index; its own index (167 MB
at 1M cases) served nothing that one does not."""

import django.db.models.deletion
from django.db import migrations, models

from core.schema import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_scope_index_carries_key'),
        ('recruitment', '0001_initial'),
    ]

    operations = [
        drop_foreign_key_index(
            migrations.AlterField(
                model_name='record',
                name='case',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='records', to='cases.case'),
            ),
            table="recruitment_record",
            index="recruitment_record_case_id_5910ef9e",
            column="case_id",
        ),
    ]
