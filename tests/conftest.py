import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.demo import build_demo_county
from tests.probe.cases import start_probe_case


@pytest.fixture
def county(db):
    """The demo county: two townships, branches of several domains, every role."""
    return build_demo_county()


@pytest.fixture
def start_probe(county):
    """start_probe(org=..., actor=..., subject=...) -> a probe case waiting for the
    township's review (tests.probe.cases.start_probe_case)."""

    def start(*args, **kwargs):
        return start_probe_case(county, *args, **kwargs)

    return start


@pytest.fixture
def client_as():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as():
    """api_as(user) -> a DRF APIClient authenticated as that user."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
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
# Rows the migrations seed; each module's seed() is idempotent.
SEEDS = [
    importlib.import_module("workflows.rectification.migrations.0002_situations"),
    importlib.import_module("workflows.vetting.migrations.0002_negative_list"),
]


@pytest.fixture
def flushable_audit(transactional_db):
    """For every transactional test (real processes, the live server): request it.

    The flush that empties the database after such a test also takes the rows
    the migrations seeded (situations, negative lists): they are seeded again
    before each one. On SQLite the flush DELETEs rows, which the audit tables'
    triggers refuse (PostgreSQL flushes with TRUNCATE, which they let
    through): the triggers are dropped just for the flush and stand again for
    the next test."""
    for module in SEEDS:
        module.seed(django_apps, None)
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
