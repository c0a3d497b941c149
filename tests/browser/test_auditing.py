"""The auditor's day in chromium: find a case, read its history, take it away in Excel."""

from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

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


def test_auditor_picks_the_organisation_by_typing(page_as, county):
    """The picker suggests organisations as the auditor types; the suggestion taken
    narrows the search to that branch."""
    start = date(2023, 6, 1)
    users, orgs, people = county.users, county.orgs, county.people
    dongcheng = scenario.start(
        people["applicant_a"], orgs["dongcheng_village"], users["dc_branch_sec"], start
    )
    xishan = scenario.start(
        people["applicant_b"], orgs["xishan_village"], users["xs_branch_sec"], start
    )
    page = page_as("auditor")

    page.goto("/auditing/")
    box = page.locator("#id_organisation")
    box.press_sequentially("石门", delay=50)
    suggestions = page.locator("datalist#id_organisation-suggestions option")
    expect(suggestions).to_have_count(1)
    assert suggestions.get_attribute("value") == "西山乡石门村党支部（xishan_village）"
    assert "中共西山乡委员会" in suggestions.get_attribute("label")
    # The datalist's pop-up is the browser's own, out of the headless keyboard's
    # reach: write what taking the suggestion writes.
    box.fill(suggestions.get_attribute("value"))
    page.click("form.filters button")
    page.wait_for_url("**/auditing/?*organisation=*")
    expect(page.locator(f"a[href='/auditing/cases/{xishan.pk}/']")).to_have_count(1)
    expect(page.locator(f"a[href='/auditing/cases/{dongcheng.pk}/']")).to_have_count(0)
    expect(box).to_have_value("西山乡石门村党支部（xishan_village）")
