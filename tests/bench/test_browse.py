"""Issue 6: each user group's job in chromium on a generated province.

bench.browse is run as it is run by hand, on a small province generated for
the test into a database of its own: every job must end with what its user
should see. PostgreSQL only (the run works on a CREATE DATABASE … TEMPLATE
copy); without chromium the test is skipped, except on CI.
"""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest

from bench.browse import JOBS
from tests.browser.conftest import CHROMIUM

pytestmark = pytest.mark.postgres

# Small enough for a minute or so, large enough that every group has work:
# one city, one county, three townships, 30 branches with a secretary.
PROVINCE = ["--scale", "400", "--orgs", "120", "--users", "40", "--workers", "1"]


def _run(module, *args):
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0, f"{module} exited {done.returncode}:\n{done.stdout[-3000:]}"
    return done.stdout


def _drop(url, *names):
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_each_group_does_its_job_in_chromium_on_a_generated_province(tmp_path):
    url = os.environ.get("PARTYFLOW_TEST_DATABASE_URL")
    if not url:
        pytest.skip("the generated province is a PostgreSQL database")
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"chromium is required on CI and was not found at {CHROMIUM}")
        pytest.skip(f"no chromium at {CHROMIUM}: run tests/run.sh to install it")
    server, name = url.rsplit("/", 1)
    source = f"test_{name}_province"
    try:
        _run("bench.generate", *PROVINCE, "--database-url", f"{server}/{source}", "--fresh")
        out = _run(
            "bench.browse",
            *["--database-url", f"{server}/{source}", "--repeat", "1"],
            *["--artifacts", str(tmp_path)],
        )
    finally:
        _drop(url, source, f"{source}_browse")
    for job in JOBS:
        assert f"ok      {job}:" in out
    # Every page the jobs went through was timed.
    assert "record the step → case page" in out
    assert "Excel export of the search (download)" in out
