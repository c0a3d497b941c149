"""The job pages and services: who may start and see jobs, the real run after a
dry run, the progress endpoint, the templates and the report download."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.imports import services
from core.imports.kinds import KINDS
from core.imports.kinds import people as p
from core.imports.models import ImportJob, ImportKind, JobState
from core.people.models import Person
from tests.core.imports.conftest import upload
from tests.core.imports.test_people import person_row

PEOPLE = ImportKind.PEOPLE


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """A POST whose queued task runs on commit, as the embedded default does."""

    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


@pytest.fixture
def post_upload(post):
    def send(client, rows, dry_run=True, kind=PEOPLE):
        """`rows` are dicts of cells, or the bytes of a file already made."""
        file = (
            SimpleUploadedFile(f"{kind}.xlsx", rows)
            if isinstance(rows, bytes)
            else upload(kind, rows)
        )
        data = {"kind": kind, "file": file}
        if dry_run:
            data["dry_run"] = "on"
        return post(client, "/imports/", data)

    return send


def test_upload_page_runs_a_dry_run_and_shows_the_bad_rows(county, client_as, post_upload, post):
    client = client_as(county.users["dc_branch_sec"])
    page = client.get("/imports/")
    assert page.status_code == 200
    assert set(page.context["form"].fields["kind"].choices) == {
        (ImportKind.PEOPLE, ImportKind.PEOPLE.label),
        (ImportKind.RECRUITMENT, ImportKind.RECRUITMENT.label),
    }
    response = post_upload(client, [person_row(0), person_row(1, **{p.BIRTH: "2023-02-30"})])
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/imports/jobs/{job.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200
    assert [(bad["row"], bad["column"]) for bad in page.context["bad_rows"]] == [(3, p.BIRTH)]
    assert "2023-02-30" in page.content.decode()
    progress = client.get(f"/imports/jobs/{job.pk}/progress.json").json()
    assert progress == {
        "state": "failed",
        "finished": True,
        "rows_total": 2,
        "rows_done": 2,
        "percent": 100,
        "bad_rows": 1,
    }
    report = client.get(f"/imports/jobs/{job.pk}/report.xlsx")
    sheet = load_workbook(BytesIO(report.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("数据", 3, p.BIRTH, "2023-02-30")
    assert Person.objects.filter(name__startswith="导入").count() == 0


def test_a_clean_dry_run_is_then_imported_from_its_page(county, client_as, post_upload, post):
    client = client_as(county.users["dc_branch_sec"])
    post_upload(client, [person_row(0), person_row(1)])
    dry = ImportJob.objects.get()
    assert dry.state == JobState.SUCCEEDED
    assert not Person.objects.filter(name="导入0").exists()
    response = post(client, f"/imports/jobs/{dry.pk}/import/")
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert response.url == f"/imports/jobs/{real.pk}/"
    assert (real.state, real.rows_imported, real.sha256) == (JobState.SUCCEEDED, 2, dry.sha256)
    assert Person.objects.filter(name__in=["导入0", "导入1"]).count() == 2
    # A real run is not imported a second time from its page, and its file is gone:
    # the dry run cannot be imported again either.
    assert post(client, f"/imports/jobs/{real.pk}/import/").status_code == 400
    assert not real.file.storage.exists(real.file.name)
    assert post(client, f"/imports/jobs/{dry.pk}/import/").status_code == 400
    assert ImportJob.objects.count() == 2


def test_a_file_whose_dry_run_found_bad_rows_is_refused_for_real(
    county, client_as, post_upload, post
):
    client = client_as(county.users["dc_branch_sec"])
    # The same bytes twice: a workbook saved again carries a new timestamp, so a new hash.
    content = upload(PEOPLE, [person_row(0), person_row(1, org="xishan_village")]).read()
    post_upload(client, content)
    response = post_upload(client, content, dry_run=False)
    assert response.status_code == 400
    assert ImportJob.objects.count() == 1
    assert "#" in response.context["form"].non_field_errors()[0]


def test_another_township_neither_imports_here_nor_sees_the_jobs(
    county, client_as, post_upload, post
):
    mine = client_as(county.users["dc_organiser"])
    post_upload(mine, [person_row(0)])
    job = ImportJob.objects.get()
    other = client_as(county.users["xs_organiser"])
    for url in ("", "progress.json", "report.xlsx"):
        assert other.get(f"/imports/jobs/{job.pk}/{url}").status_code == 404
    assert other.post(f"/imports/jobs/{job.pk}/import/").status_code == 404
    assert job.pk not in [j.pk for j in other.get("/imports/").context["jobs"]]
    # Their own upload into this township's branch is a bad row, and nothing is written.
    post_upload(other, [person_row(0)], dry_run=False)
    theirs = ImportJob.objects.exclude(pk=job.pk).get()
    assert theirs.state == JobState.FAILED
    assert [bad["column"] for bad in theirs.report] == [p.ORGANISATION]
    assert not Person.objects.filter(name="导入0").exists()


def test_someone_without_an_importing_role_is_refused(county, client_as, post_upload, post):
    client = client_as(county.users["discipline_officer"])
    assert client.get("/imports/").status_code == 403
    assert post_upload(client, [person_row(0)]).status_code == 403
    assert not ImportJob.objects.exists()


def test_a_dry_run_with_bad_rows_is_not_imported_for_real(county, client_as, post_upload, post):
    client = client_as(county.users["dc_branch_sec"])
    post_upload(client, [person_row(0, **{p.BIRTH: "2023-02-30"})])
    dry = ImportJob.objects.get()
    with pytest.raises(ValidationError):
        services.import_checked_file(actor=county.users["dc_branch_sec"], job=dry)
    assert post(client, f"/imports/jobs/{dry.pk}/import/").status_code == 400
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("kind", ImportKind.values)
def test_each_template_has_the_kind_s_headers_and_imports_as_empty(kind, county, client_as):
    client = client_as(county.users["county_staff"])
    response = client.get(f"/imports/templates/{kind}.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert headers == [c.header for c in KINDS[kind].columns]
    assert len(list(workbook.worksheets[1].iter_rows())) >= len(headers) + 1
    assert client.get("/imports/templates/nothing.xlsx").status_code == 404


def test_a_file_that_cannot_be_read_fails_with_its_reason(
    county, django_capture_on_commit_callbacks
):
    staff = county.users["county_staff"]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(
            actor=staff, kind=PEOPLE, upload=SimpleUploadedFile("people.xlsx", b"not a workbook")
        )
        short = services.start_import(
            actor=staff, kind=PEOPLE, upload=upload(PEOPLE, [{p.NAME: "张三"}], header=[p.NAME])
        )
    job, short = ImportJob.objects.get(pk=job.pk), ImportJob.objects.get(pk=short.pk)
    assert (job.state, [bad["row"] for bad in job.report]) == (JobState.FAILED, [1])
    assert (short.state, short.report[0]["column"]) == (JobState.FAILED, p.GENDER)
