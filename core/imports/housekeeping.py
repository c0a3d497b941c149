"""Hourly care of import jobs: give up the stalled ones, forget old dry runs' files.

* A job's worker can die mid-run (a killed process, a lost machine). Its
  transaction is rolled back by the database, so nothing was imported, but
  the job row would say "running" for ever. A running job writes a sign of
  life at least every few seconds (its claim, then its progress); one silent
  for STALLED_AFTER is marked failed, with the reason in its report.
* A dry run keeps its file so that a clean one can be imported without a
  second upload; the file holds whole ID numbers in clear, so it is deleted
  KEEP_DRY_RUN_FILE after the dry run ended. Importing it after that asks
  for the file again.

Both are recorded in the job's audit chain. On SQLite (the embedded
default) an import holds the database's write lock for its whole run, so
these updates cannot overtake a live one: they wait for it to end.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from core.audit.chain import append
from core.imports.models import FINISHED, ImportJob, JobState

STALLED_AFTER = timedelta(minutes=15)
KEEP_DRY_RUN_FILE = timedelta(days=2)

JOB_ABANDONED = "import_abandoned"
FILE_PURGED = "import_file_purged"

# Written into the report in the job's language, as the runner writes its reasons.
STALLED_REASON = gettext_noop(
    "The import stopped: the process running it ended before it finished. "
    "Nothing was imported; upload the file again."
)


def give_up_stalled(now=None):
    """Mark failed every running job silent since before now - STALLED_AFTER."""
    now = now or timezone.now()
    given_up = 0
    stalled = ImportJob.objects.filter(state=JobState.RUNNING, progress_at__lt=now - STALLED_AFTER)
    for job in stalled.select_related("created_by"):
        with transaction.atomic():
            with translation.override(job.language):
                reason = gettext(STALLED_REASON)
            report = [{"sheet": "", "row": 0, "column": "", "value": "", "reason": reason}]
            taken = ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
                state=JobState.FAILED, finished_at=now, rows_imported=0, report=report
            )
            if not taken:  # it finished meanwhile
                continue
            append(
                chain=f"import:{job.pk}",
                action=JOB_ABANDONED,
                data={"silent_since": job.progress_at, "rows_done": job.rows_done},
            )
            given_up += 1
        job.file.storage.delete(job.file.name)
    return given_up


def purge_dry_run_files(now=None):
    """Delete the files of dry runs that ended before now - KEEP_DRY_RUN_FILE."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(
        dry_run=True, state__in=FINISHED, finished_at__lt=now - KEEP_DRY_RUN_FILE
    ).exclude(file="")
    purged = 0
    for job in old:
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(file="")
            append(chain=f"import:{job.pk}", action=FILE_PURGED, data={"sha256": job.sha256})
        job.file.storage.delete(job.file.name)
        purged += 1
    return purged
