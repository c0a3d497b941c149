"""Real processes against the test database, for the race, fault and timer tests."""

import os
import subprocess
import sys

from django.conf import settings


def worker_env(**extra):
    """The environment of a child process that uses this test's database."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "PARTYFLOW_TEST_DATABASE_URL": url, **extra}


def spawn(module, *args, env=None, stdin=None):
    """Start `python -m module args...` with text pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *map(str, args)],
        env=env or worker_env(),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
