"""Running an import job: every row checked, then all kept or nothing.

The rows are read one at a time (reader.rows) and each is imported inside a
savepoint of one transaction; a bad row's savepoint is rolled back and the row
reported, and the run goes on so the report names every bad row. At the end
the whole transaction is rolled back on a dry run or if any row was bad, and
committed otherwise, with the job's result and its audit event in it.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit.chain import append
from core.imports.kinds import KINDS
from core.imports.models import ImportJob, JobState
from core.imports.progress import Progress
from core.imports.reader import SheetError, count_rows, open_sheet, rows
from core.imports.rows import BadRow, Context, Problem, masked, refusal

log = logging.getLogger(__name__)

IMPORT_FINISHED = "import_finished"


class Outcome:
    def __init__(self):
        self.problems, self.rows, self.imported = [], 0, 0


def run(job_pk):
    # Claiming the job is one UPDATE: a redelivered task finds it taken and stops.
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, progress_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_pk)
    outcome = Outcome()
    with translation.override(job.language):
        try:
            with job.file.open("rb") as file:
                _import_file(job, file, outcome)
        except SheetError as error:
            outcome.problems.append(_entry(job, "", 1, Problem(error.column, "", error.reason)))
        except Exception:  # a fault of ours: the transaction is rolled back, say so
            log.exception("import job %s stopped", job_pk)
            outcome.problems.append(
                _entry(job, "", 0, Problem("", "", _("The import stopped on an unexpected error.")))
            )
        if ImportJob.objects.filter(pk=job_pk, state=JobState.RUNNING).exists():
            with transaction.atomic():
                _finish(job, outcome)
    if not job.dry_run:
        # The sheet holds whole ID numbers in clear: once imported (or refused) it is
        # not kept. A dry run's file stays until it is imported from the dry run's page,
        # or for two days (core.imports.housekeeping).
        job.file.storage.delete(job.file.name)


def _import_file(job, file, outcome):
    kind = KINDS[job.kind]
    workbook, sheet = open_sheet(file)
    try:
        # Committed before the import's transaction begins, so the page shows a total.
        ImportJob.objects.filter(pk=job.pk).update(rows_total=count_rows(sheet))
        ctx = Context(job.created_by, kind.permissions, timezone.localdate(), job)
        progress = Progress(job.pk)
        try:
            with transaction.atomic():
                for row in rows(sheet, kind.columns):
                    _import_row(job, kind, ctx, row, outcome)
                    progress.advance()
                if job.dry_run or outcome.problems:
                    transaction.set_rollback(True)
                else:
                    progress.close()  # before the job row is written in this transaction
                    _finish(job, outcome)
        finally:
            progress.close()
    finally:
        workbook.close()


def _import_row(job, kind, ctx, row, outcome):
    outcome.rows += 1
    try:
        with transaction.atomic():
            kind.import_row(ctx, row)
    except BadRow as error:
        problems = error.problems
    except (ValidationError, PermissionDenied) as error:
        problems = [Problem("", "", refusal(error) if hasattr(error, "messages") else str(error))]
    else:
        outcome.imported += 1
        return
    for problem in problems:
        if problem.column in kind.sensitive:
            problem.value = masked(problem.value)
        outcome.problems.append(_entry(job, row.sheet, row.number, problem))


def _entry(job, sheet, number, problem):
    return {
        "sheet": sheet,
        "row": number,
        "column": problem.column,
        "value": problem.value,
        "reason": str(problem.reason),
    }


def _finish(job, outcome):
    """The job's result and its audit event (inside the import's transaction when it is kept)."""
    failed = bool(outcome.problems)
    kept = not failed and not job.dry_run
    job.state = JobState.FAILED if failed else JobState.SUCCEEDED
    job.rows_done = job.rows_total = outcome.rows
    job.rows_imported = outcome.imported if kept else 0
    job.report = outcome.problems
    job.finished_at = timezone.now()
    fields = ["state", "rows_done", "rows_total", "rows_imported", "report", "finished_at"]
    finished = ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        **{field: getattr(job, field) for field in fields}
    )
    if not finished:
        # Given up as stalled by the housekeeping meanwhile (its report says
        # nothing was imported): keep it true.
        transaction.set_rollback(True)
        return
    append(
        chain=f"import:{job.pk}",
        action=IMPORT_FINISHED,
        actor=job.created_by,
        data={
            "kind": job.kind,
            "sha256": job.sha256,
            "dry_run": job.dry_run,
            "state": job.state,
            "rows": outcome.rows,
            "good_rows": outcome.imported,
            "imported": job.rows_imported,
            "bad_rows": len({(p["sheet"], p["row"]) for p in outcome.problems}),
        },
    )
