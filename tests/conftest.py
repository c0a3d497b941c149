import pytest
from django.conf import settings
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
