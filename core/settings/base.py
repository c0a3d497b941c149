"""Settings shared by every deployment; the others override from environment variables."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="embedded-only-not-a-secret")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "viewflow",
    "viewflow.workflow",
    "core.accounts",
    "core.organisations",
    "core.people",
    "core.roles",
    "core.cases",
    "core.audit",
    "core.workdays",
    "core.rulepack",
    "core.notifications",
    "core.oversight",
    "core.auditing",
    "core.imports",
    "core.web",
    "workflows.recruitment",
    "workflows.rectification",
    "workflows.vetting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.roles.scope.grants_per_request",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.web.context_processors.menu",
                "core.notifications.context_processors.unread",
            ],
        },
    },
]


def on_postgresql(database):
    """`database` (a DATABASES entry), on PostgreSQL with parameters bound on the
    server, which the service path's prepared statements need (core.database)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["server_side_binding"] = True
    return database


DATABASES = {
    "default": on_postgresql(
        env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'partyflow.sqlite3'}")
    )
}
# Off behind a pooler that cannot keep prepared statements (PgBouncer in
# transaction mode before 1.21).
PARTYFLOW_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the timer loop writes; IMMEDIATE
    # takes the write lock at BEGIN so two writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The JSON API: session (browser) and basic auth over TLS for scripts; every
# view still asks the service path for object permissions.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PartyFlow API",
    "DESCRIPTION": "Cases, their history and their steps, under the same permissions as the site.",
    "VERSION": "1",
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the user+address pair for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("PARTYFLOW_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Key for the resident ID numbers stored encrypted (Fernet, urlsafe base64 of
# 32 bytes). Several comma-separated keys rotate: the first encrypts.
PARTYFLOW_FIELD_KEYS = env.list("PARTYFLOW_FIELD_KEYS", default=[])

# Notifications by e-mail: links in them start with the site's address.
PARTYFLOW_SITE_URL = env("PARTYFLOW_SITE_URL", default="")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="partyflow@localhost")
# Notifications older than this many days are deleted, read or not (the audit
# chain keeps the steps they told of).
PARTYFLOW_NOTIFICATION_DAYS = env.int("PARTYFLOW_NOTIFICATION_DAYS", default=365)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sync-role-permissions": {
        "task": "core.roles.tasks.sync_expired_roles",
        "schedule": crontab(minute=5),
    },
    "anchor-audit-chains": {
        "task": "core.audit.tasks.anchor_audit_chains",
        "schedule": crontab(minute="*/10"),
    },
    "sweep-deadlines": {
        "task": "core.cases.tasks.sweep_deadlines",
        "schedule": crontab(minute="*/15"),
    },
    "tidy-imports": {
        "task": "core.imports.tasks.tidy_imports",
        "schedule": crontab(minute=35),
    },
    "purge-notifications": {
        "task": "core.notifications.tasks.purge_notifications",
        "schedule": crontab(hour=3, minute=20),
    },
    "fire-flow-timers": {
        "task": "core.cases.tasks.fire_flow_timers",
        "schedule": 60.0,
    },
}

# Content Security Policy: only our own scripts (inline ones carry the
# request's nonce), styles and images. The one inline handler, the language
# switch's onchange in base.html, is allowed by its hash.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [
            SELF,
            NONCE,
            "'unsafe-hashes'",
            "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='",
        ],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Resident ID numbers never reach a log in full, whatever logs them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "core.people.logging.MaskIdNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_id_numbers"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
