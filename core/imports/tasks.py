from celery import shared_task

from core.imports import runner


@shared_task
def run_import(job_pk):
    """Run a queued import job (in the web process on the embedded default)."""
    runner.run(job_pk)


@shared_task
def tidy_imports():
    """Hourly: give up stalled jobs and delete old dry runs' files (housekeeping)."""
    from core.imports import housekeeping

    return {
        "given_up": housekeeping.give_up_stalled(),
        "files_purged": housekeeping.purge_dry_run_files(),
    }
