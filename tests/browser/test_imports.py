"""County staff check a spreadsheet with bad rows, in chromium: the dry-run report."""

from django.utils.translation import gettext as _

from core.imports.kinds import people as p
from core.imports.models import ImportKind
from core.people.models import Person
from tests.core.imports.conftest import upload
from tests.core.imports.test_people import person_row, wrong_check_digit


def test_county_staff_upload_a_sheet_with_bad_rows_and_read_the_report(
    page_as, county, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        person_row(0),
        person_row(1, **{p.ID_NUMBER: wrong_check_digit(person_row(1)[p.ID_NUMBER])}),
        person_row(2, **{p.BIRTH: "2023-02-30"}),
    ]
    sheet = tmp_path / "people.xlsx"
    sheet.write_bytes(upload(ImportKind.PEOPLE, rows).read())
    before = Person.objects.count()

    page = page_as("county_staff")
    page.goto("/imports/")
    page.select_option("#id_kind", ImportKind.PEOPLE)
    page.set_input_files("#id_file", str(sheet))
    assert page.is_checked("#id_dry_run")
    page.click("form[enctype] button")
    page.wait_for_url("**/imports/jobs/*/")

    table = page.locator("#bad-rows")
    assert table.is_visible()
    cells = [row.locator("td").all_text_contents() for row in table.locator("tr").all()[1:]]
    assert [(c[1], c[2]) for c in cells] == [("3", p.ID_NUMBER), ("4", p.BIRTH)]
    assert cells[0][4] == _("The check digit of this ID number is wrong: a digit was mistyped.")
    assert cells[1][3] == "2023-02-30"
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.get_by_role("link", name=_("Download the report (.xlsx)")).is_visible()
    assert Person.objects.count() == before
