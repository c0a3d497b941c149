"""Starting import jobs: the only writer of ImportJob rows outside the runner.

The importer must hold, somewhere, a role that lets them import this kind;
whether each row's organisation is within that role's scope is checked row by
row when the job runs (an organisation outside it makes the row bad).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.flowkit.checks import file_sha256
from core.flowkit.errors import NotPermitted
from core.imports.kinds import KINDS
from core.imports.models import FINISHED, ImportJob, JobState
from core.roles.scope import holds


def may_import(user, kind) -> bool:
    return any(holds(user, codename) for codename in KINDS[kind].permissions)


def kinds_for(user):
    return [kind for kind in KINDS if may_import(user, kind)]


def _check_dry_run_clean(actor, kind, sha256):
    """A file whose last dry run found bad rows is not imported until corrected."""
    last = (
        ImportJob.objects.filter(
            created_by=actor, kind=kind, sha256=sha256, dry_run=True, state__in=FINISHED
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None and last.state == JobState.FAILED:
        raise ValidationError(
            _(
                "The dry run of this file found %(n)d bad rows (job #%(job)s): correct them "
                "and upload the file again."
            )
            % {"n": len(last.report), "job": last.pk},
            code="dry_run_failed",
        )


def _enqueue(job):
    from core.imports.tasks import run_import

    # After commit: the worker must find the job row (and the file) in place.
    transaction.on_commit(lambda: run_import.delay(job.pk))


@transaction.atomic
def start_import(*, actor, kind, upload, dry_run=True, language="zh-hans"):
    """Queue an import of `upload` (an uploaded .xlsx) by `actor`; returns the job."""
    if not may_import(actor, kind):
        raise NotPermitted(_("Your roles do not allow importing this kind of data."))
    sha256 = file_sha256(upload)
    if not dry_run:
        _check_dry_run_clean(actor, kind, sha256)
    job = ImportJob(kind=kind, sha256=sha256, dry_run=dry_run, language=language, created_by=actor)
    job.file.save(upload.name, upload, save=False)
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def import_checked_file(*, actor, job):
    """Import for real the file of `job`, a dry run of `actor`'s that found no bad rows."""
    if job.created_by_id != actor.pk:
        raise NotPermitted(_("This is not your import."))
    if not may_import(actor, job.kind):
        raise NotPermitted(_("Your roles do not allow importing this kind of data."))
    if not (job.dry_run and job.state == JobState.SUCCEEDED):
        raise ValidationError(
            _("Only a dry run that found no bad rows can be imported."), code="not_checked"
        )
    if not job.file or not job.file.storage.exists(job.file.name):
        raise ValidationError(
            _("The file of this dry run is no longer kept: upload it again."), code="file_gone"
        )
    real = ImportJob.objects.create(
        kind=job.kind,
        file=job.file.name,
        sha256=job.sha256,
        dry_run=False,
        language=job.language,
        created_by=actor,
    )
    _enqueue(real)
    return real


def jobs_of(user):
    """An import's file and report hold personal data: only the importer sees them."""
    return ImportJob.objects.filter(created_by=user)
