import pytest
from django.test import Client

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
