from celery import shared_task

from core.imports import runner


@shared_task
def run_import(job_pk):
    """Run a queued import job (in the web process on the embedded default)."""
    runner.run(job_pk)
