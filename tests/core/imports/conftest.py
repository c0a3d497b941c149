from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.imports import services
from core.imports.kinds import KINDS
from core.imports.models import ImportJob


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded spreadsheets go to a scratch directory, not the shared var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook_bytes(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(kind, rows, header=None):
    """A template-shaped .xlsx of `kind`: rows are dicts from column header to cell."""
    header = header or [c.header for c in KINDS[kind].columns]
    content = workbook_bytes(header, [[row.get(h) for h in header] for row in rows])
    return SimpleUploadedFile(f"{kind}.xlsx", content)


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Start a job through the service and let its task run, as on commit in the app."""

    def run(user, kind, rows, dry_run=True, header=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.start_import(
                actor=user, kind=kind, upload=upload(kind, rows, header), dry_run=dry_run
            )
        return ImportJob.objects.get(pk=job.pk)

    return run


def reasons(job):
    """(row, column) -> the reasons given for that cell in a job's report, joined."""
    found = {}
    for bad in job.report:
        key = (bad["row"], bad["column"])
        found[key] = f"{found[key]} | {bad['reason']}" if key in found else bad["reason"]
    return found
