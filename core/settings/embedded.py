"""The embedded default: SQLite, tasks run in the web process, timers by a thread.

Used by `manage.py` unless DJANGO_SETTINGS_MODULE says otherwise; not for production.
"""

from core.settings.base import *  # noqa: F403
from core.settings.base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
VAR_DIR.mkdir(exist_ok=True)
# collectstatic writes here; whitenoise serves it (and the finders, in DEBUG).
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)

# E-mails are printed where the demo runs, unless told otherwise.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)

# No broker: a task is run where it is enqueued, after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

if not env.list("PARTYFLOW_FIELD_KEYS", default=[]):
    from core.people.crypto import embedded_key

    PARTYFLOW_FIELD_KEYS = [embedded_key(VAR_DIR / "field.key")]
