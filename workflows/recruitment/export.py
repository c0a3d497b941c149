"""发展党员全程纪实表: the whole case in one workbook.

The first sheet has the person (ID number masked), one row per step done in
the order done, then the documents with the hashes of their files; the second
sheet has the case's audit chain, so a printed record can be checked against
the hashes kept in the system.
"""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workflows.recruitment import selectors

BOLD = Font(bold=True)


def _heading(sheet, *titles):
    sheet.append([str(title) for title in titles])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _local(moment):
    # Spreadsheets keep no time zone: write the local wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None)


def _person(sheet, case):
    person, dossier = case.subject, case.dossier
    rows = [
        (_("Name"), person.name),
        (_("Gender"), person.get_gender_display()),
        (_("Birth date"), person.birth_date),
        (_("Ethnicity"), person.ethnicity),
        (_("Education"), person.get_education_display()),
        (_("Occupation category"), person.get_occupation_display()),
        (_("ID number"), person.id_number_masked),
        (_("Party status"), person.get_party_status_display()),
        (_("Branch"), str(case.organisation)),
        (_("Township"), str(case.township or "")),
        (_("Application received on"), dossier.applied_on),
        (_("Outcome"), dossier.get_outcome_display()),
    ]
    for label, value in rows:
        sheet.append([str(label), value])
        sheet.cell(sheet.max_row, 1).font = BOLD


def _steps(sheet, case):
    _heading(
        sheet,
        _("Stage"),
        _("Step number"),
        _("Step"),
        _("Date"),
        _("Done by"),
        _("Role"),
        _("Opinion"),
        _("Key data"),
    )
    for row in selectors.done_steps(case):
        event = row.event
        role = str(row.role)
        if event.actor_organisation:
            role = f"{role} · {event.actor_organisation}"
        sheet.append(
            [
                str(row.step.stage_title),
                row.step.label,
                str(row.step.title),
                row.dated,
                event.actor_name,
                role,
                event.opinion,
                row.data,
            ]
        )


def _documents(sheet, case):
    _heading(sheet, _("Document"), _("Step"), _("Date"), _("Content"), _("File"), _("SHA-256"))
    for record in selectors.documents(case):
        sheet.append(
            [
                record.get_kind_display(),
                str(selectors.step_title(record.step)),
                record.dated,
                record.text,
                record.file.name if record.file else "",
                record.sha256,
            ]
        )


def _chain(sheet, case):
    _heading(sheet, _("No."), _("Time"), _("Action"), _("Step"), _("Actor"), _("Hash"))
    for entry in selectors.timeline(case):
        event = entry.event
        sheet.append(
            [
                event.seq,
                _local(event.created_at),
                str(entry.action),
                str(entry.step),
                event.actor_name,
                event.hash,
            ]
        )


def workbook(case):
    book = Workbook()
    sheet = book.active
    sheet.title = _("Full record")[:31]
    sheet.append([_("Full record of member development")])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append([])
    _person(sheet, case)
    sheet.append([])
    _steps(sheet, case)
    sheet.append([])
    _documents(sheet, case)
    for column, width in zip("ABCDEFGH", (22, 10, 30, 12, 14, 28, 40, 60), strict=True):
        sheet.column_dimensions[column].width = width

    chain = book.create_sheet(_("Audit chain")[:31])
    _chain(chain, case)
    for column, width in zip("ABCDEF", (6, 20, 16, 30, 14, 70), strict=True):
        chain.column_dimensions[column].width = width
    return book


def full_record(case) -> bytes:
    buffer = BytesIO()
    workbook(case).save(buffer)
    return buffer.getvalue()
