"""The auditor's day in chromium: find a case, read its history, take it away in Excel."""

from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from core.audit.models import AuditEvent
from core.auditing.services import EXPORTED, export_chain
from workflows.recruitment import scenario


def test_auditor_searches_opens_a_timeline_and_downloads_the_excel(page_as, county):
    person = county.people["applicant_a"]
    case = scenario.start(
        person, county.orgs["dongcheng_village"], county.users["dc_branch_sec"], date(2023, 6, 1)
    )
    page = page_as("auditor")

    page.goto("/auditing/")
    page.fill("#id_name", "小军")
    page.click("form.filters button")
    page.wait_for_url("**/auditing/?*name=*")
    page.click(f"a[href='/auditing/cases/{case.pk}/']")
    page.wait_for_url(f"**/auditing/cases/{case.pk}/")
    assert page.locator(".ok").count() == 1  # the case's chain verifies
    assert page.locator("table.timeline").inner_text().count("李建国") >= 1

    with page.expect_download() as download:
        page.click(f"a[href='/auditing/cases/{case.pk}/export.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert person.id_number_masked in summary.values()
    assert AuditEvent.objects.filter(
        chain=export_chain(county.users["auditor"]), action=EXPORTED
    ).exists()
