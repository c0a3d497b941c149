"""发展党员全程纪实表: the workbook lists every step done, the documents with
their hashes and the case's audit chain, and only for those who see the case."""

import hashlib
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from core.audit.models import AuditEvent
from workflows.recruitment import selectors, services
from workflows.recruitment.models import RecordKind

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def section(rows, heading):
    """The rows under the header row whose first cell is `heading`, up to a blank row."""
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 1
    found = []
    for row in rows[start:]:
        if not any(row):
            break
        found.append(row)
    return found


def download(client, case):
    response = client.get(f"/recruitment/cases/{case.pk}/record.xlsx", **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def test_one_row_per_step_done_in_order(county, client_as, walk):
    done = ["start"] + [walk.step() for _ in range(6)]
    book = download(client_as(county.users["dc_organiser"]), walk.case)
    rows = sheet_rows(book.worksheets[0])
    steps = section(rows, "Stage")
    with translation.override("en"):
        titles = [str(selectors.step_named(name).title) for name in done]
    assert [row[2] for row in steps] == titles
    assert steps[0][1] == "1"
    assert steps[0][3].date() == date(2023, 6, 1)
    assert steps[1][4] == county.users["dc_branch_sec"].first_name
    filing = steps[done.index("file_activist")]
    assert filing[4] == county.users["dc_organiser"].first_name
    person = walk.case.subject
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    assert person.id_number_masked in cells
    assert not any(person.id_number in cell for cell in cells)


def test_documents_carry_their_hashes_and_the_chain_is_listed(
    county, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = "本人志愿加入中国共产党。".encode()
    case = services.apply(
        actor=county.users["dc_branch_sec"],
        branch=county.orgs["dongcheng_village"],
        person=county.people["masses_a"],
        applied_on=date(2024, 3, 1),
        file=SimpleUploadedFile("申请书.txt", content),
    )
    book = download(client_as(county.users["dc_branch_sec"]), case)
    documents = section(sheet_rows(book.worksheets[0]), "Document")
    application = next(row for row in documents if row[0] == RecordKind.APPLICATION.label)
    assert application[5] == hashlib.sha256(content).hexdigest()

    chain = sheet_rows(book.worksheets[1])
    events = AuditEvent.objects.filter(chain=f"case:{case.pk}").order_by("seq")
    assert [row[0] for row in chain[1:]] == [event.seq for event in events]
    assert [row[-1] for row in chain[1:]] == [event.hash for event in events]


def test_the_record_is_only_for_those_who_see_the_case(county, client_as, case):
    url = f"/recruitment/cases/{case.pk}/record.xlsx"
    assert client_as(county.users["xs_organiser"]).get(url).status_code == 404
    assert client_as(county.users["dc_community_sec"]).get(url).status_code == 404
    assert client_as(county.users["auditor"]).get(url).status_code == 200


def test_a_whole_case_lists_all_its_steps(county, client_as, walk):
    walk.until()
    book = download(client_as(county.users["county_staff"]), walk.case)
    steps = section(sheet_rows(book.worksheets[0]), "Stage")
    with translation.override("en"):
        assert [row[2] for row in steps] == [str(step.title) for step in selectors.steps()]
    assert len(steps) == 27
