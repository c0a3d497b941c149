"""Exports of one case (its history, documents, findings) or of a search result,
as Excel (openpyxl) and PDF (reportlab). ID numbers appear only masked.

A search result is written row by row with openpyxl's write-only mode into a
spooled temporary file, reading the cases in chunks, so a large result does
not sit in memory. A PDF of a search result lists at most PDF_ROWS cases (it
says so on its first page); the workbook has them all.
"""

import hashlib
from io import BytesIO
from tempfile import SpooledTemporaryFile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

from core.auditing.search import current_steps, procedure_title

CHUNK = 1000
PDF_ROWS = 2000
BOLD = Font(bold=True)
# reportlab's built-in CID font: Chinese renders in any PDF reader, no font file needed.
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
HEADING = ParagraphStyle("heading", parent=TEXT, fontSize=14, leading=18, spaceAfter=6)
SUBHEADING = ParagraphStyle("subheading", parent=TEXT, fontSize=11, leading=14, spaceBefore=8)


def _local(moment):
    # Spreadsheets keep no time zone: write the local wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- What is exported ----------------------------------------------------------


def result_header():
    return [
        _("Case"),
        _("Procedure"),
        _("Title"),
        _("Person"),
        _("ID number"),
        _("Organisation"),
        _("Township"),
        _("Status"),
        _("Started"),
        _("Current step"),
    ]


def result_rows(cases):
    """Yield (case pk, row) for each case, reading in chunks of CHUNK."""
    chunk = []
    for case in cases.iterator(chunk_size=CHUNK):
        chunk.append(case)
        if len(chunk) == CHUNK:
            yield from _rows_of(chunk)
            chunk = []
    yield from _rows_of(chunk)


def _rows_of(cases):
    current = current_steps(case.pk for case in cases)
    for case in cases:
        person = case.subject
        yield (
            case.pk,
            [
                case.pk,
                procedure_title(case),
                case.title,
                person.name if person else "",
                person.id_number_masked if person else "",
                str(case.organisation),
                str(case.township or ""),
                str(case.get_status_display()),
                _local(case.created),
                "、".join(current.get(case.pk, [])),
            ],
        )


def case_summary(case, chain_report):
    person = case.subject
    return [
        (_("Case"), case.pk),
        (_("Procedure"), procedure_title(case)),
        (_("Title"), case.title),
        (_("Person"), person.name if person else ""),
        (_("ID number"), person.id_number_masked if person else ""),
        (_("Organisation"), str(case.organisation)),
        (_("Township"), str(case.township or "")),
        (_("Status"), str(case.get_status_display())),
        (_("Started"), _local(case.created)),
        (
            _("Audit chain"),
            _("intact") if chain_report.ok else "; ".join(map(str, chain_report.breaks)),
        ),
    ]


def timeline_header():
    return [
        _("No."),
        _("Time"),
        _("Action"),
        _("Step"),
        _("Actor"),
        _("Role"),
        _("Opinion"),
        _("Data"),
        _("Documents"),
        _("Hash"),
    ]


def _documents_text(documents):
    return "\n".join(
        " ".join(str(doc.get(key) or "") for key in ("kind", "dated", "sha256")).strip()
        for doc in documents
    )


def timeline_rows(entries):
    for entry in entries:
        event = entry.event
        role = entry.role
        if event.actor_organisation:
            role = f"{role} · {event.actor_organisation}"
        yield [
            event.seq,
            _local(event.created_at),
            entry.action,
            entry.step,
            event.actor_name,
            role,
            event.opinion,
            entry.data,
            _documents_text(entry.documents),
            event.hash,
        ]


def findings_header():
    return [_("Check"), _("Rule"), _("Date"), _("Finding")]


def findings_rows(findings):
    for finding in findings:
        yield [finding.code, finding.rule, finding.dated, finding.message]


# --- Excel ---------------------------------------------------------------------


def _bold_row(sheet, values):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)


def _saved(book):
    # Up to 8 MB in memory, then on disk: big results do not fill the worker's memory.
    # The response closes the file once sent (FileResponse), hence no `with` here.
    out = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


def result_workbook(cases):
    """(file, [case pks]) of the search result's workbook."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases")[:31])
    _bold_row(sheet, result_header())
    pks = []
    for pk, row in result_rows(cases):
        pks.append(pk)
        sheet.append(row)
    return _saved(book), pks


def case_workbook(case, entries, findings, chain_report):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Case")[:31])
    for label, value in case_summary(case, chain_report):
        sheet.append([str(label), value])
    history = book.create_sheet(_("History")[:31])
    _bold_row(history, timeline_header())
    for row in timeline_rows(entries):
        history.append(row)
    checks = book.create_sheet(_("Compliance findings")[:31])
    _bold_row(checks, findings_header())
    for row in findings_rows(findings):
        checks.append(row)
    return _saved(book)


# --- PDF -----------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    text = value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else str(value)
    # Paragraph reads a small markup language: escape what is text.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(text.replace("\n", "<br/>"), TEXT)


def _table(header, rows, widths):
    data = [[_cell(h) for h in header]] + [[_cell(v) for v in row] for row in rows]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table


def _pdf(title, story):
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=title,
    )
    document.build([Paragraph(title, HEADING), *story])
    return out.getvalue()


def case_pdf(case, entries, findings, chain_report) -> bytes:
    summary = [[str(label), value] for label, value in case_summary(case, chain_report)]
    story = [
        _table(["", ""], summary, [40, 230]),
        Paragraph(_("History"), SUBHEADING),
        _table(timeline_header(), timeline_rows(entries), [8, 22, 18, 24, 16, 30, 30, 50, 40, 39]),
        Paragraph(_("Compliance findings"), SUBHEADING),
        _table(findings_header(), findings_rows(findings), [14, 18, 20, 225]),
    ]
    return _pdf(case.title, story)


def result_pdf(cases, total) -> tuple[bytes, list]:
    """(PDF, [case pks]) of the first PDF_ROWS cases of the result."""
    rows = []
    for pk, row in result_rows(cases[:PDF_ROWS]):
        rows.append((pk, row))
    note = _("%(shown)s of %(total)s cases.") % {"shown": len(rows), "total": total}
    if len(rows) < total:
        note += " " + _("The Excel export lists them all.")
    story = [
        Paragraph(note, TEXT),
        Spacer(0, 4 * mm),
        _table(
            result_header(), [row for _pk, row in rows], [14, 24, 50, 18, 30, 40, 30, 16, 24, 31]
        ),
    ]
    return _pdf(_("Audit search result"), story), [pk for pk, _row in rows]


def digest_of(pks) -> str:
    """A fingerprint of exactly which cases were exported, for the audit event."""
    return hashlib.sha256(",".join(map(str, pks)).encode()).hexdigest()
