"""The recipient is looked up through the unread and newest indexes, which both
start with it; its own index (178 MB at 1M cases) served nothing they do not."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.schema import drop_foreign_key_index


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            migrations.AlterField(
                model_name='notification',
                name='recipient',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL),
            ),
            table="notifications_notification",
            index="notifications_notification_recipient_id_d055f3f0",
            column="recipient_id",
        ),
    ]
