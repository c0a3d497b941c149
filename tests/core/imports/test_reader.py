"""The reader streams: a generator over rows, the header checked before the first."""

import inspect
from io import BytesIO

import pytest

from core.imports.kinds import KINDS
from core.imports.kinds import people as p
from core.imports.models import ImportKind
from core.imports.reader import Row, SheetError, cell_text, open_sheet, rows
from tests.core.imports.conftest import workbook_bytes

COLUMNS = KINDS[ImportKind.PEOPLE].columns


def sheet_of(header, data):
    return open_sheet(BytesIO(workbook_bytes(header, data)))


def test_rows_is_a_generator_reading_one_row_at_a_time():
    header = [c.header for c in COLUMNS]
    workbook, sheet = sheet_of(header, [["张三"] + [""] * 9, [None] * 10, ["李四"]])
    assert inspect.isgenerator(rows(sheet, COLUMNS))
    found = list(rows(sheet, COLUMNS))
    workbook.close()
    # The empty row 3 is skipped; short rows read as empty cells.
    assert [(r.number, r.get(p.NAME), r.get(p.BIRTH)) for r in found] == [
        (2, "张三", ""),
        (4, "李四", ""),
    ]
    assert isinstance(found[0], Row)


def test_a_missing_required_column_stops_the_file_before_any_row():
    workbook, sheet = sheet_of([p.NAME, p.GENDER], [["张三", "男"]])
    with pytest.raises(SheetError) as refused:
        next(rows(sheet, COLUMNS))
    workbook.close()
    assert refused.value.column == p.BIRTH


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(SheetError):
        open_sheet(BytesIO(b"name,id\n"))


def test_cells_read_as_the_text_a_form_parses():
    from datetime import date, datetime

    assert cell_text(datetime(2023, 6, 1, 0, 0)) == "2023-06-01"
    assert cell_text(date(2023, 6, 1)) == "2023-06-01"
    assert cell_text(12.0) == "12"
    assert cell_text(" 2023-02-30 ") == "2023-02-30"
    assert cell_text(None) == ""
