"""Browser tests: Playwright driving Debian's chromium against the live server.

The browser is the system's /usr/bin/chromium (tests/run.sh installs it from
Debian's packages); Playwright's own browser download is never used, since
this machine's network is closed. Without chromium the tests are skipped,
except on CI, where a missing browser is a failure.
"""

import os
import shutil

import pytest

from core.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("PARTYFLOW_CHROMIUM", "/usr/bin/chromium")

# The sync API runs an event loop in the test thread; the test's own database
# reads there are still synchronous, so Django's async guard must stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The flags keep chromium from reaching the network at start (it cannot here)
# and let it run as root in a container.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium is required on CI and was not found at {CHROMIUM}")
        pytest.skip(f"no chromium at {CHROMIUM}: run tests/run.sh to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_server, flushable_audit, county):
    """page_as("dc_branch_sec") -> a page logged in through the login form as
    that demo user, with relative URLs resolved against the live server."""
    contexts = []

    def login(username):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield login
    for context in contexts:
        context.close()
