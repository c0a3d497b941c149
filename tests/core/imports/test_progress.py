"""Progress is committed apart from the import's transaction (PostgreSQL)."""

import dataclasses

import pytest
from django.conf import settings
from django.db import connections

from core.imports import kinds, progress, services
from core.imports.models import ImportJob, ImportKind, JobState
from tests.core.imports.conftest import upload
from tests.core.imports.test_people import person_row


def rows_done_seen_from_outside(job_pk):
    default = connections["default"]
    other = type(default)(dict(default.settings_dict), alias="observer")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT rows_done FROM imports_importjob WHERE id = %s", [job_pk])
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite has one writer: progress is written when the job ends",
)
@pytest.mark.django_db(transaction=True)
def test_a_page_sees_the_rows_done_while_the_import_runs(county, monkeypatch):
    seen = []
    kind = kinds.KINDS[ImportKind.PEOPLE]

    def import_and_look(ctx, row):
        seen.append(rows_done_seen_from_outside(ctx.job.pk))
        kind.import_row(ctx, row)

    monkeypatch.setitem(
        kinds.KINDS, ImportKind.PEOPLE, dataclasses.replace(kind, import_row=import_and_look)
    )
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0)
    job = services.start_import(
        actor=county.users["dc_branch_sec"],
        kind=ImportKind.PEOPLE,
        upload=upload(ImportKind.PEOPLE, [person_row(n) for n in range(4)]),
        dry_run=False,
    )  # committed: on_commit ran the task in this thread, as the embedded default does
    job = ImportJob.objects.get(pk=job.pk)
    assert (job.state, job.rows_imported) == (JobState.SUCCEEDED, 4)
    # Before each row, another connection saw the rows done so far, though the
    # import's own transaction was still open.
    assert seen == [0, 1, 2, 3]
