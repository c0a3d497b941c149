"""A case's history as the auditor reads it, and the chain's verdict on it."""

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.audit.models import AuditEvent
from tests.core.audit.test_chain import _tamper
from workflows.recruitment import services

from .conftest import APPLIED, walk_on_time

SCAN = "入党申请书扫描件".encode()


@pytest.fixture
def case(county, actors, travel):
    travel(APPLIED)
    case = services.apply(
        actor=county.users["dc_branch_sec"],
        branch=county.orgs["dongcheng_village"],
        person=county.people["applicant_a"],
        applied_on=APPLIED,
        text="入党申请书。",
        file=SimpleUploadedFile("application.pdf", SCAN),
    )
    walk_on_time(case, actors, travel, stop_before="assign_contacts")
    return case


@pytest.fixture
def auditor(county, client_as):
    return client_as(county.users["auditor"])


def test_the_timeline_names_who_in_which_role_when_what_and_the_documents(auditor, case):
    response = auditor.get(reverse("auditing:case", args=[case.pk]))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.event.seq for e in entries] == list(range(1, len(entries) + 1))
    assert len(entries) == AuditEvent.objects.filter(case=case).count()
    talk = next(e for e in entries if e.event.step == "talk" and e.documents)
    assert talk.event.actor_name == "李建国"
    assert talk.role == "党支部书记"
    assert talk.step == "党组织派人谈话"
    assert talk.when.date() == date(2024, 3, 11)
    assert talk.documents[0]["dated"] == "2024-03-11"
    filing = next(e for e in entries if e.event.step == "file_activist")
    assert filing.event.actor_name == "陈晓东"
    start = next(e for e in entries if e.event.step == "start" and e.documents)
    digest = hashlib.sha256(SCAN).hexdigest()
    assert start.documents[0]["sha256"] == digest
    page = response.content.decode()
    assert digest in page
    assert "李建国" in page
    assert "陈晓东" in page
    assert case.subject.id_number_masked in page
    assert case.subject.id_number not in page


def test_the_case_shows_its_chain_intact_then_altered(auditor, case):
    url = reverse("auditing:case", args=[case.pk])
    assert auditor.get(url).context["report"].ok
    event = AuditEvent.objects.filter(case=case).order_by("seq")[2]
    _tamper("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过", event.pk])
    response = auditor.get(url)
    report = response.context["report"]
    assert not report.ok
    assert f"event {event.pk}" in str(report.breaks[0])
    assert "altered" in response.content.decode() or "篡改" in response.content.decode()


def test_the_whole_database_is_verified_by_the_audit_status_page(auditor, case):
    index = auditor.get(reverse("auditing:index")).content.decode()
    link = reverse("audit-status") + "?verify=1"
    assert link in index
    assert auditor.get(link).context["report"].ok
    event = AuditEvent.objects.filter(case=case).order_by("seq")[1]
    _tamper("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过", event.pk])
    report = auditor.get(link).context["report"]
    assert not report.ok
    assert f"event {event.pk}" in str(report.breaks[0])


def test_the_compliance_page_lists_findings_with_links(auditor, start, travel):
    late = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    travel(date(2024, 6, 1))  # two months on, the talk was never held
    response = auditor.get(reverse("auditing:compliance"))
    assert response.status_code == 200
    findings = list(response.context["page"].object_list)
    assert {(f.code, f.case.pk) for f in findings} >= {("A1", late.pk), ("A6", late.pk)}
    assert reverse("auditing:case", args=[late.pk]) in response.content.decode()
    assert response.context["checked"] == response.context["total"] == 1
