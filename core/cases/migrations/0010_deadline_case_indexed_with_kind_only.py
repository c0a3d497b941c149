"""The case is looked up through the (case, kind, state) index; its own index
(65 MB at 1M cases) served nothing that one does not."""

import django.db.models.deletion
from django.db import migrations, models

from core.schema import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_unread_viewflow_indexes'),
    ]

    operations = [
        drop_foreign_key_index(
            migrations.AlterField(
                model_name='deadline',
                name='case',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='cases.case'),
            ),
            table="cases_deadline",
            index="cases_deadline_case_id_fd6938e1",
            column="case_id",
        ),
    ]
