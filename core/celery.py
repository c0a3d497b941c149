"""The celery application: workers and the single beat load tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.embedded")

app = Celery("partyflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
