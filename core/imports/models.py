from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisations")
    PEOPLE = "people", _("People")
    RECRUITMENT = "recruitment", _("Member-development cases in progress")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED = (JobState.SUCCEEDED, JobState.FAILED)


class ImportJob(models.Model):
    """One spreadsheet brought in (or only checked, on a dry run) as a background job.

    `report` lists the bad rows as [{sheet, row, column, value, reason}]; the
    rows counters are the progress a page polls while the job runs.
    """

    kind = models.CharField(_("what is imported"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("spreadsheet"), upload_to="imports/%Y/%m/")
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    dry_run = models.BooleanField(_("dry run"), default=True)
    state = models.CharField(
        _("state"), max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    language = models.CharField(max_length=16, default=settings.LANGUAGE_CODE)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    report = models.JSONField(_("bad rows"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life of a running job (its claim, then each progress
    # write): core.imports.housekeeping gives up a job silent for too long.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def percent(self):
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
