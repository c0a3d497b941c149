"""Stalled jobs given up, old dry runs' files deleted (core.imports.housekeeping)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.audit.chain import append
from core.audit.models import AuditEvent
from core.imports import housekeeping, runner, services
from core.imports.models import ImportJob, ImportKind, JobState
from tests.core.imports.test_people import person_row

PEOPLE = ImportKind.PEOPLE


def _age(job, **fields):
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_job_silent_too_long_is_given_up_and_a_live_one_is_not(county, run_import):
    user = county.users["dc_branch_sec"]
    now = timezone.now()
    silent = run_import(user, PEOPLE, [person_row(0)])
    live = run_import(user, PEOPLE, [person_row(1)])
    silent = _age(silent, state=JobState.RUNNING, progress_at=now - timedelta(minutes=16))
    live = _age(live, state=JobState.RUNNING, progress_at=now - timedelta(minutes=14))

    assert housekeeping.give_up_stalled(now) == 1
    silent.refresh_from_db()
    live.refresh_from_db()
    assert silent.state == JobState.FAILED
    assert silent.finished_at == now
    assert "没有导入任何数据" in silent.report[0]["reason"]
    assert not silent.file.storage.exists(silent.file.name)
    assert live.state == JobState.RUNNING
    event = AuditEvent.objects.get(chain=f"import:{silent.pk}", action=housekeeping.JOB_ABANDONED)
    assert event.data["rows_done"] == silent.rows_done
    assert housekeeping.give_up_stalled(now) == 0


def test_a_given_up_job_that_comes_back_imports_nothing(county, run_import):
    """The worker was only slow, not dead: its finish finds the job failed and rolls
    its whole transaction back, rows included, without a second verdict."""
    user = county.users["dc_branch_sec"]
    job = _age(run_import(user, PEOPLE, [person_row(0)]), state=JobState.FAILED)
    outcome = runner.Outcome()
    outcome.rows = outcome.imported = 1
    events = AuditEvent.objects.count()
    with transaction.atomic():
        append(chain="imported-row:1", action="row_imported")  # stands for the imported rows
        runner._finish(job, outcome)
        assert transaction.get_rollback()
    assert AuditEvent.objects.count() == events
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_a_dry_runs_file_is_kept_two_days_then_deleted(county, run_import):
    user = county.users["dc_branch_sec"]
    now = timezone.now()
    recent = run_import(user, PEOPLE, [person_row(0)])
    old = run_import(user, PEOPLE, [person_row(1)])
    old = _age(old, finished_at=now - timedelta(days=2, minutes=1))
    stored = old.file.name

    assert housekeeping.purge_dry_run_files(now) == 1
    old.refresh_from_db()
    assert old.file.name == ""
    assert not old.file.storage.exists(stored)
    assert recent.file.storage.exists(recent.file.name)
    assert AuditEvent.objects.filter(chain=f"import:{old.pk}", action=housekeeping.FILE_PURGED)
    with pytest.raises(Exception, match="no longer kept|不再保留|重新上传"):
        services.import_checked_file(actor=user, job=old)
    assert housekeeping.purge_dry_run_files(now) == 0
