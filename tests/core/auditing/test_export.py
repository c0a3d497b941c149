"""Exports of a case and of a search result: they open, hold the rows, show ID
numbers only masked, and each leaves an audit event naming who exported what."""

import base64
import re
import zlib
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.auditing import export
from core.auditing.services import EXPORTED, export_chain

from .conftest import walk_on_time


@pytest.fixture
def auditor_user(county):
    return county.users["auditor"]


@pytest.fixture
def auditor(auditor_user, client_as):
    return client_as(auditor_user)


@pytest.fixture
def cases(start, actors, travel):
    dongcheng = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    walk_on_time(dongcheng, actors, travel, stop_before="assign_contacts")
    xishan = start("applicant_b", "xishan_village", "xs_branch_sec")
    return dongcheng, xishan


def _pdf_text(content: bytes) -> str:
    """The text drawn on the PDF's pages (reportlab: ASCII85 + Flate streams, the CID
    font's strings in UCS-2)."""
    text = []
    for stream in re.findall(rb"stream\n(.*?)~>endstream", content, re.S):
        page = zlib.decompress(base64.a85decode(stream, adobe=False))
        for literal in re.findall(rb"\(((?:[^\\)]|\\.)*)\) Tj", page, re.S):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: bytes([int(m.group(1), 8)]) if m.group(1).isdigit() else m.group(1),
                literal,
            )
            text.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(text)


def _exports(user):
    return list(AuditEvent.objects.filter(chain=export_chain(user), action=EXPORTED))


def test_a_case_exported_to_excel(auditor, auditor_user, cases):
    case = cases[0]
    response = auditor.get(reverse("auditing:case-xlsx", args=[case.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 3
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert case.subject.id_number_masked in summary.values()
    history = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    events = AuditEvent.objects.filter(case=case).order_by("seq")
    assert [row[0] for row in history] == [e.seq for e in events]
    assert [row[-1] for row in history] == [e.hash for e in events]
    cells = " ".join(
        str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r
    )
    assert case.subject.id_number not in cells
    [event] = _exports(auditor_user)
    assert event.data == {"format": "xlsx", "case": case.pk}
    assert event.actor_id == auditor_user.pk
    assert event.actor_role == "auditor"
    assert verify(chain=export_chain(auditor_user)).ok


def test_a_case_exported_to_pdf(auditor, auditor_user, cases):
    case = cases[0]
    response = auditor.get(reverse("auditing:case-pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert case.subject.name in text
    assert case.subject.id_number_masked in text
    assert case.subject.id_number not in text
    assert "李建国" in text  # who did the steps
    assert _exports(auditor_user)[0].data == {"format": "pdf", "case": case.pk}


def test_a_search_result_exported_to_excel(auditor, auditor_user, cases, county):
    response = auditor.get(reverse("auditing:export-xlsx"), {"name": "徐"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and 徐静's case
    assert rows[1][0] == cases[1].pk
    assert rows[1][3] == "徐静"
    assert rows[1][4] == county.people["applicant_b"].id_number_masked
    [event] = _exports(auditor_user)
    assert event.data["criteria"]["name"] == "徐"
    assert event.data["count"] == 1
    assert event.data["cases_sha256"] == export.digest_of([cases[1].pk])


def test_a_search_by_organisation_records_the_organisation_resolved(
    auditor, auditor_user, cases, county
):
    """The typed or picked text is resolved again for the export; the audit log
    keeps the organisation's key."""
    response = auditor.get(reverse("auditing:export-xlsx"), {"organisation": "石门村"})
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [row[0] for row in book.worksheets[0].iter_rows(values_only=True)][1:] == [cases[1].pk]
    [event] = _exports(auditor_user)
    assert event.data["criteria"]["organisation"] == county.orgs["xishan_village"].pk


def test_a_search_by_id_number_keeps_the_number_out_of_the_audit_log(
    auditor, auditor_user, cases, county
):
    person = county.people["applicant_b"]
    response = auditor.get(reverse("auditing:export-pdf"), {"id_number": person.id_number})
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert person.id_number_masked in text
    assert person.name in text
    assert "林小军" not in text
    [event] = _exports(auditor_user)
    assert event.data["criteria"]["id_number"] == person.id_number_masked
    assert person.id_number not in str(event.data)


def test_a_large_result_is_written_in_chunks(auditor, cases, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 1)
    response = auditor.get(reverse("auditing:export-xlsx"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [cases[1].pk, cases[0].pk]
    assert rows[2][9]  # the current step of each chunk's case is found


def test_an_out_of_scope_case_is_not_exported(cases, township_auditor, client_as):
    client = client_as(township_auditor)
    for name in ("auditing:case-xlsx", "auditing:case-pdf"):
        assert client.get(reverse(name, args=[cases[0].pk])).status_code == 404
    assert _exports(township_auditor) == []
    response = client.get(reverse("auditing:export-xlsx"))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [row[0] for row in book.worksheets[0].iter_rows(values_only=True)][1:] == [cases[1].pk]
