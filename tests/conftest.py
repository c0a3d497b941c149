import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from core.demo import build_demo_county


@pytest.fixture
def county(db):
    """The demo county: two townships, branches of several domains, every role."""
    return build_demo_county()


@pytest.fixture
def client_as():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware leaves a request's language active in the test thread;
    start and end every test in the site's default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


APPEND_ONLY = importlib.import_module("core.audit.migrations.0003_append_only_triggers")


@pytest.fixture
def flushable_audit(django_db_serialized_rollback, transactional_db):
    """For transactional tests (real processes, the live server).

    The flush that empties the database after the test also takes the rows
    the migrations seeded (situations, negative lists ...); serialized
    rollback puts them back before each such test. On SQLite the flush
    DELETEs rows, which the audit tables' triggers refuse (PostgreSQL flushes
    with TRUNCATE, which they let through): the triggers are dropped just for
    the flush and stand again for the next test."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit_%_no_delete'")
            if not cursor.fetchone()[0]:
                with connection.schema_editor() as editor:
                    APPEND_ONLY.create(None, editor)
    yield
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            APPEND_ONLY.drop(None, editor)
