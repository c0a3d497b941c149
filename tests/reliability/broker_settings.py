"""Test settings with a real broker, for the celery worker of test_broker_down."""

from core.settings.test import *  # noqa: F403
from core.settings.test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
