"""The spreadsheets the import speaks: one template per kind, and the bad-row report.

A template's first sheet holds the column headers, in Chinese, fixed whatever
the page's language (a file filled in under one language must import under
the other); its second sheet explains each column in the reader's language.
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from core.imports.models import ImportKind

BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    header: str  # the fixed Chinese header the reader matches
    help: str  # what to enter, a lazy translation
    required: bool = False
    example: str = ""


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)
    for letter in "ABCDE":
        sheet.column_dimensions[letter].width = 24
    return sheet


def _save(workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_workbook(kind) -> bytes:
    from core.imports.kinds import KINDS

    columns = KINDS[kind].columns
    workbook = Workbook()
    workbook.remove(workbook.active)
    data = _sheet(workbook, _("Data"), [c.header for c in columns], [])
    for cell in data[1]:
        data.column_dimensions[cell.column_letter].width = max(12, 2 * len(cell.value) + 2)
    _sheet(
        workbook,
        _("Instructions"),
        [_("Column"), _("Required"), _("What to enter"), _("Example")],
        [[c.header, _("yes") if c.required else "", str(c.help), c.example] for c in columns],
    )
    notes = workbook[_("Instructions")]
    notes.append([])
    notes.append([str(TEMPLATE_NOTES[kind])])
    return _save(workbook)


TEMPLATE_NOTES = {
    ImportKind.ORGANISATIONS: gettext_lazy(
        "One organisation per row, a parent before its children; the parent is an "
        "organisation already recorded or one higher up in this sheet."
    ),
    ImportKind.PEOPLE: gettext_lazy(
        "One person per row. Applicants, activists, development objects and probationary "
        "members come in with their cases (the cases-in-progress template)."
    ),
    ImportKind.RECRUITMENT: gettext_lazy(
        "One case per row: the person (already recorded) and the date of every step done, "
        "in order, up to the step the case is at. The steps are replayed through the rules; "
        "leave the later columns empty."
    ),
}

REPORT_HEADER = [
    gettext_lazy("Sheet"),
    gettext_lazy("Row"),
    gettext_lazy("Column"),
    gettext_lazy("Value"),
    gettext_lazy("Reason"),
]


def report_workbook(job) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Bad rows"))
    sheet.append([str(h) for h in REPORT_HEADER])
    for bad in job.report:
        sheet.append([bad["sheet"], bad["row"], bad["column"], bad["value"], bad["reason"]])
    return _save(workbook)
