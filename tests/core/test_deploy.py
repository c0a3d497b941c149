import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy():
    # The browser tests' leave to run Playwright's loop beside the ORM is not
    # a deployment setting; check --deploy rightly refuses it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "core.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + Fernet.generate_key().decode(),
        "PARTYFLOW_FIELD_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://partyflow@db.invalid:5432/partyflow",
        "DJANGO_ALLOWED_HOSTS": "partyflow.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
