"""Tests: the embedded settings, on SQLite by default or on the database in
PARTYFLOW_TEST_DATABASE_URL (the README test command runs both)."""

from core.settings.embedded import *  # noqa: F403
from core.settings.embedded import DATABASES, env, on_postgresql

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PARTYFLOW_FIELD_KEYS = ["8Jq2n3Zf0mBzq6v2n0uXq8wQm7m2y2b0o7iJ2Qx1J6E="]
if env("PARTYFLOW_TEST_DATABASE_URL", default=""):
    DATABASES["default"] = on_postgresql(env.db("PARTYFLOW_TEST_DATABASE_URL"))
else:
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
AXES_ENABLED = False
LANGUAGE_CODE = "zh-hans"

# A two-step flow that exercises the shared service path in tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.probe"]  # noqa: F405
