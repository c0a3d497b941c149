"""Reading an uploaded workbook row by row, without holding it in memory.

openpyxl's read-only mode parses the sheet's XML as it is iterated, so memory
stays flat however many rows the file has; `rows` is a generator and the
caller handles each row before the next one is read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook


class SheetError(Exception):
    """The file as a whole cannot be read (not a workbook, a required column missing)."""

    def __init__(self, reason, column=""):
        super().__init__(reason)
        self.reason, self.column = reason, column


@dataclass
class Row:
    sheet: str
    number: int  # as Excel shows it: the header is row 1
    values: dict  # column header -> text ("" when the cell is empty)

    def get(self, header):
        return self.values.get(header, "")


def cell_text(value) -> str:
    """A cell as the text a form field parses: dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def open_sheet(file):
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike
        raise SheetError(_("This file is not an Excel workbook (.xlsx).")) from error
    return workbook, workbook.worksheets[0]


def count_rows(sheet):
    """The data rows the sheet declares (its dimension), or None if it does not say."""
    return max(sheet.max_row - 1, 0) if sheet.max_row else None


def rows(sheet, columns):
    """Yield each non-empty data row of `sheet` as a Row keyed by the template's headers.

    Raises SheetError before the first row if a required column is missing.
    """
    cells = sheet.iter_rows(values_only=True)
    header = [cell_text(value) for value in next(cells, ())]
    missing = [c.header for c in columns if c.required and c.header not in header]
    if missing:
        raise SheetError(
            _("Required columns are missing from the first row: %(columns)s.")
            % {"columns": "、".join(missing)},
            column=missing[0],
        )
    known = {c.header for c in columns}
    positions = [(i, h) for i, h in enumerate(header) if h in known]
    for number, values in enumerate(cells, start=2):
        texts = {h: cell_text(values[i]) if i < len(values) else "" for i, h in positions}
        if any(texts.values()):
            yield Row(sheet.title, number, texts)
