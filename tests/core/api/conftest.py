import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _keep_language():
    """LocaleMiddleware leaves a request's language active in the thread after it."""
    with translation.override(translation.get_language()):
        yield
