import pytest
from django.utils import timezone

from core import embedded


@pytest.mark.django_db
def test_the_embedded_beat_runs_due_jobs_of_the_production_schedule(monkeypatch):
    embedded.app.loader.import_default_modules()  # what a worker does at start
    ran = []
    monkeypatch.setattr(
        embedded.app.tasks["core.audit.tasks.anchor_audit_chains"],
        "apply",
        lambda **kw: ran.append("anchor"),
    )
    monkeypatch.setattr(
        embedded.app.tasks["core.cases.tasks.fire_flow_timers"],
        "apply",
        lambda **kw: ran.append("timers"),
    )
    monkeypatch.setattr(
        embedded.app.tasks["core.roles.tasks.sync_expired_roles"],
        "apply",
        lambda **kw: ran.append("roles"),
    )
    last_runs = {}
    embedded.run_due(last_runs)
    assert ran == []  # nothing is due at start
    long_ago = timezone.now() - timezone.timedelta(hours=2)
    last_runs = dict.fromkeys(last_runs, long_ago)
    wait = embedded.run_due(last_runs)
    assert sorted(ran) == ["anchor", "roles", "timers"]
    assert 1.0 <= wait <= 60.0
