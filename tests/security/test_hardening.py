"""Hardening: login throttling, CSRF, the Content-Security-Policy header, ID
numbers masked in pages, exports and logs.

Secure cookies, HSTS and the TLS redirect in production are proven by
tests/core/test_deploy.py (`check --deploy` warns on each one missing).

Two tests here need settings the lead adds to core/settings/base.py (lines in
docs/security.md, "Settings"): `test_pages_carry_the_content_security_policy`
(django-csp) and `test_every_log_handler_masks_id_numbers` (LOGGING filter).
"""

import base64
import hashlib
import io
import logging
import re
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.test import Client
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.people.logging import MaskIdNumbers, mask_id_numbers
from tests.security.test_matrix import body_text
from workflows.recruitment import scenario

# --- Login throttling (django-axes) ----------------------------------------------


@pytest.fixture
def throttled(settings):
    """Axes as configured in base.py (the test settings switch it off for speed)."""
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


def _login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_failed_logins_lock_the_user_at_that_address_out(county, throttled):
    client = Client()
    for _ in range(throttled - 1):
        assert _login(client, "dc_branch_sec", "guess").status_code == 200  # the form again
    assert _login(client, "dc_branch_sec", "guess").status_code == 429
    # Locked: the right password is refused too, and nobody is logged in.
    locked = _login(client, "dc_branch_sec", "partyflow-demo")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on the user and the address together: the same user elsewhere,
    # or another user here, still logs in.
    assert _login(Client(), "dc_branch_sec", "partyflow-demo", "10.0.0.2").status_code == 302
    assert _login(Client(), "dc_organiser", "partyflow-demo").status_code == 302


@pytest.mark.django_db
def test_the_api_basic_login_is_throttled_too(county, throttled):
    """Scripts log in with HTTP basic auth; guessing there locks out as on the page."""

    def basic(password):
        token = base64.b64encode(f"dc_branch_sec:{password}".encode()).decode()
        return Client().get(
            "/api/tasks/", HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR="10.0.0.3"
        )

    assert basic("partyflow-demo").status_code == 200
    for _ in range(throttled):
        assert basic("guess").status_code in (401, 403)
    assert basic("partyflow-demo").status_code in (401, 403, 429)


# --- CSRF ----------------------------------------------------------------------


@pytest.fixture
def open_task(county):
    case = scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        county.users["dc_branch_sec"],
        date(2023, 6, 1),
    )
    return Task.objects.get(process_id=case.pk, status="NEW")


def _csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tasks/{pk}/take/", "/api/tasks/{pk}/take/"])
def test_a_post_without_the_csrf_token_is_refused(county, open_task, url):
    client = _csrf_client(county.users["dc_branch_sec"])
    events = AuditEvent.objects.count()
    response = client.post(url.format(pk=open_task.pk))
    assert response.status_code == 403
    assert Task.objects.get(pk=open_task.pk).owner is None
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_same_post_with_the_token_goes_through(county, open_task):
    """The refusal above is the token's: with it, the same user takes the step."""
    client = _csrf_client(county.users["dc_branch_sec"])
    page = client.get("/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(f"/tasks/{open_task.pk}/take/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert Task.objects.get(pk=open_task.pk).owner == county.users["dc_branch_sec"]


@pytest.mark.django_db
def test_the_login_form_needs_the_token(county):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "dc_branch_sec", "password": "partyflow-demo"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- Content-Security-Policy (needs the django-csp settings) -------------------


def _inline_handlers(html):
    return re.findall(r'\son[a-z]+="([^"]*)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/", "/cases/", "/recruitment/", "/api/tasks/"])
def test_pages_carry_the_content_security_policy(county, client_as, url):
    """DEPENDS ON the CONTENT_SECURITY_POLICY settings (docs/security.md, "Settings")."""
    client = Client() if url == "/login/" else client_as(county.users["dc_branch_sec"])
    response = client.get(url)
    assert response.status_code == 200
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {words[0]: words[1:] for words in map(str.split, policy.split(";")) if words}
    assert directives.get("default-src") == ["'self'"], policy
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "'unsafe-inline'" not in directives.get("script-src", []), policy
    # Each inline event handler the page uses is allowed by its hash, and only those.
    for handler in _inline_handlers(response.content.decode()):
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["script-src"], handler


# --- ID numbers ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["dc_organiser", "dc_secretary", "auditor"])
def test_pages_and_exports_show_the_township_and_the_auditor_a_masked_id(
    county, client_as, open_task, username
):
    """The township and the auditor do not keep the file: everywhere the masked number."""
    person = county.people["applicant_a"]
    case = open_task.process_id
    client = client_as(county.users[username])
    for url in (
        f"/people/{person.pk}/",
        f"/cases/{case}/",
        f"/recruitment/cases/{case}/",
        f"/recruitment/cases/{case}/record.xlsx",
        f"/api/cases/{case}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body_text(response)
        assert person.id_number not in text, url
        if url.startswith("/people/") or url.endswith("xlsx"):
            assert person.id_number_masked in text, url


def test_the_log_filter_masks_id_numbers_in_messages_arguments_and_tracebacks():
    number = "11010520010315123X"
    try:
        raise ValueError(f"no person {number}")
    except ValueError as error:
        record = logging.LogRecord(
            "partyflow", logging.ERROR, __file__, 1, "looked up %s for %s", (number, "x"), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    assert MaskIdNumbers().filter(record)
    line = logging.Formatter().format(record)
    assert number not in line
    assert line.count("110105********123X") == 2
    # Longer digit runs (an order number) are left alone; a lower-case x is masked too.
    assert mask_id_numbers("order 1101052001031512345") == "order 1101052001031512345"
    assert number.lower() not in mask_id_numbers(f"id={number.lower()}")


def _masking_handlers():
    return [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, MaskIdNumbers) for f in handler.filters)
    ]


def test_every_log_handler_masks_id_numbers():
    """DEPENDS ON the LOGGING filter (docs/security.md, "Settings")."""
    root = logging.getLogger()
    configured = [h for h in root.handlers if type(h).__module__ == "logging"]
    assert configured, django_settings.LOGGING
    assert _masking_handlers() == configured
    handler = configured[0]
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        logging.getLogger("django.request").warning("Not Found: /people/11010520010315123X/")
        written = handler.stream.getvalue()
    finally:
        handler.stream = stream
    assert "110105********123X" in written
    assert "11010520010315123X" not in written
