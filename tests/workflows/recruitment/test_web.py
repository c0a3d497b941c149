"""Member development from the browser: each role does its own step, a refused
step writes nothing, and nobody sees or changes a case outside their scope.

Pages asserted on their English text are requested in English, so the tests
keep passing once the Chinese catalogue translates them.
"""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.cases.deadlines import sweep
from core.demo import make_id_number
from core.flowkit.selectors import OPEN
from core.organisations.picker import as_text
from core.people.choices import Gender, PartyStatus
from core.people.models import Person
from tests.core.audit.test_chain import _tamper
from workflows.recruitment import scenario
from workflows.recruitment.models import Dossier, Record, RecordKind, Recruitment

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def open_task(case):
    return Task.objects.get(process_id=case.pk, status__in=OPEN)


def snapshot(case):
    """What a refused request must leave as it was."""
    task = open_task(case)
    case.refresh_from_db()
    return (
        AuditEvent.objects.count(),
        Record.objects.count(),
        task.pk,
        task.status,
        task.owner_id,
        case.organisation_id,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_branch_secretary_starts_a_case_and_holds_the_talk(county, client_as, media):
    client = client_as(county.users["dc_branch_sec"])
    branch, person = county.orgs["dongcheng_village"], county.people["masses_a"]
    form = client.get("/recruitment/start/")
    assert form.status_code == 200
    assert person.name in form.content.decode()

    response = client.post(
        f"/recruitment/start/?branch={branch.pk}",
        {
            "applicant": "existing",
            "person": person.pk,
            "applied_on": "2024-03-01",
            "text": "本人志愿加入中国共产党。",
            "file": SimpleUploadedFile("申请书.pdf", b"%PDF application"),
        },
    )
    case = Recruitment.objects.get(subject=person)
    assert response.status_code == 302
    assert response["Location"] == f"/recruitment/cases/{case.pk}/"
    application = Record.objects.get(case=case, kind=RecordKind.APPLICATION)
    township = client_as(county.users["dc_organiser"])
    assert application.sha256 in township.get(response["Location"]).content.decode()
    download = township.get(f"/recruitment/documents/{application.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF application"

    task = open_task(case)
    assert task.flow_task.name == "talk"
    step_page = client.get(f"/recruitment/tasks/{task.pk}/", **EN).content.decode()
    assert "Talk with the applicant" in step_page
    assert "R1.3" in step_page
    response = client.post(
        f"/recruitment/tasks/{task.pk}/",
        {
            "talked_on": "2024-03-10",
            "talker": "李建国",
            "text": "了解入党动机。",
            "opinion": "动机端正",
        },
    )
    assert response.status_code == 302
    assert Dossier.objects.get(case=case).talked_on == date(2024, 3, 10)
    assert open_task(case).flow_task.name == "choose_activist"
    event = AuditEvent.objects.filter(case=case, step="talk").get()
    assert (event.actor, event.opinion) == (county.users["dc_branch_sec"], "动机端正")


def new_applicant(county, birth, serial=90):
    return {
        "applicant": "new",
        "new-name": "周新",
        "new-gender": Gender.FEMALE,
        "new-ethnicity": "汉族",
        "new-birth_date": birth.isoformat(),
        "new-education": "bachelor",
        "new-occupation": "farmer",
        "new-organisation": county.orgs["dongcheng_village"].pk,
        "new-id_number": make_id_number(birth, serial, gender=Gender.FEMALE),
        "applied_on": "2024-03-01",
    }


def test_a_new_applicant_is_registered_with_the_application(county, client_as):
    client = client_as(county.users["dc_branch_org"])
    response = client.post("/recruitment/start/", new_applicant(county, date(2000, 5, 5)))
    assert response.status_code == 302
    person = Person.objects.get(name="周新")
    assert person.party_status == PartyStatus.APPLICANT
    assert Recruitment.objects.filter(subject=person).exists()


def test_an_under_age_newcomer_is_refused_and_not_registered(county, client_as):
    client = client_as(county.users["dc_branch_sec"])
    events = AuditEvent.objects.count()
    response = client.post("/recruitment/start/", new_applicant(county, date(2007, 5, 5)))
    assert response.status_code == 400
    assert "[R1.1]" in response.content.decode()
    assert not Person.objects.filter(name="周新").exists()
    assert AuditEvent.objects.count() == events


def test_only_a_branch_records_applications_and_only_its_own(county, client_as):
    assert client_as(county.users["dc_organiser"]).get("/recruitment/start/").status_code == 403
    xishan = county.orgs["xishan_village"].pk
    client = client_as(county.users["dc_branch_sec"])
    assert client.get(f"/recruitment/start/?branch={xishan}").status_code == 404


def test_township_organiser_files_the_activist(county, client_as, case, walk):
    task = walk.until(stop_before="file_activist")
    client = client_as(county.users["dc_organiser"])
    assert client.get(f"/recruitment/tasks/{task.pk}/").status_code == 200
    filed_on = walk.dossier.activist_on + timedelta(days=5)
    response = client.post(f"/recruitment/tasks/{task.pk}/", {"filed_on": filed_on.isoformat()})
    assert response.status_code == 302
    assert open_task(case).flow_task.name == "assign_contacts"
    event = AuditEvent.objects.filter(case=case, step="file_activist").get()
    assert event.actor == county.users["dc_organiser"]
    assert event.actor_role == "township_organiser"


def test_a_refused_step_shows_the_rule_and_writes_nothing(county, client_as, case):
    task = open_task(case)
    before = snapshot(case)
    response = client_as(county.users["dc_branch_sec"]).post(
        f"/recruitment/tasks/{task.pk}/",
        {"talked_on": "2023-08-15", "talker": "李建国", "text": "谈话。"},
    )
    assert response.status_code == 400
    assert "[R1.3]" in response.content.decode()
    assert snapshot(case) == before
    assert Dossier.objects.get(case=case).talked_on is None


def test_an_invalid_form_is_shown_again_without_writing(county, client_as, case):
    task = open_task(case)
    before = snapshot(case)
    response = client_as(county.users["dc_branch_sec"]).post(
        f"/recruitment/tasks/{task.pk}/", {"talker": "李建国"}
    )
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert snapshot(case) == before


def test_another_township_sees_nothing_and_changes_nothing(county, client_as, case, walk):
    task = walk.until(stop_before="cultivate")
    client = client_as(county.users["xs_organiser"])
    before = snapshot(case)
    for url in [
        f"/recruitment/cases/{case.pk}/",
        f"/recruitment/tasks/{task.pk}/",
        f"/recruitment/cases/{case.pk}/chart.svg",
        f"/recruitment/cases/{case.pk}/record.xlsx",
        f"/recruitment/documents/{Record.objects.filter(case=case).first().pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    posts = {
        f"/recruitment/tasks/{task.pk}/": {"completed_on": "2024-10-01", "text": "总结"},
        f"/recruitment/cases/{case.pk}/records/": {
            "kind": RecordKind.EVALUATION,
            "dated": "2024-01-01",
            "text": "考察",
        },
        f"/recruitment/cases/{case.pk}/transfer/": {
            "to_branch": as_text(county.orgs["xishan_village"]),
            "transferred_on": "2024-01-01",
            "reason": "工作调动",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code in (403, 404), url
    assert snapshot(case) == before
    listing = client.get("/recruitment/").content.decode()
    assert case.title not in listing


def test_a_branch_cannot_do_the_committee_step(county, client_as, walk):
    task = walk.until(stop_before="prereview")
    before = snapshot(walk.case)
    client = client_as(county.users["dc_branch_sec"])
    assert client.get(f"/recruitment/tasks/{task.pk}/").status_code == 403
    response = client.post(
        f"/recruitment/tasks/{task.pk}/",
        {"decision": "passed", "reviewed_on": "2024-09-01", "text": "预审合格。"},
    )
    assert response.status_code == 403
    assert snapshot(walk.case) == before
    # The branch still sees the case and where it stands.
    page = client.get(f"/recruitment/cases/{walk.case.pk}/")
    assert page.status_code == 200
    assert f"/recruitment/tasks/{task.pk}/" not in page.content.decode()


def test_case_page_shows_the_timeline_the_steps_and_the_chart(county, client_as, case, walk):
    walk.until(stop_before="assign_contacts")
    client = client_as(county.users["dc_organiser"])
    page = client.get(f"/recruitment/cases/{case.pk}/", **EN)
    assert page.status_code == 200
    html = page.content.decode()
    person = case.subject
    assert person.id_number_masked in html
    assert person.id_number not in html
    for text in ("李建国", "陈晓东", "Step done", "Talk with the applicant", "History verified"):
        assert text in html, text
    assert re.search(r'<li class="done">.*?Talk with the applicant', html, re.S)
    assert re.search(r'<li class="current">.*?Appoint cultivation contacts', html, re.S)
    assert f'src="/recruitment/cases/{case.pk}/chart.svg"' in html
    assert "Half-yearly evaluation of the activist" in html
    assert "<td>Application for membership</td><td>Submit the application</td>" in html
    chinese = client.get(f"/recruitment/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "<td>入党申请书</td><td>提交入党申请</td>" in chinese.content.decode()

    svg = client.get(f"/recruitment/cases/{case.pk}/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    drawing = svg.content.decode()
    assert re.search(r'<g id="assign_contacts"[^>]*class="new"', drawing)
    assert re.search(r'<g id="talk"[^>]*class="done"', drawing)

    generic = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/recruitment/cases/{case.pk}/" in generic


def test_case_page_says_when_its_history_was_altered(county, client_as, case, walk):
    walk.until(stop_before="assign_contacts")
    client = client_as(county.users["dc_organiser"])
    url = f"/recruitment/cases/{case.pk}/"
    assert client.get(url, **EN).context["chain_ok"] is True
    event = AuditEvent.objects.filter(case=case).order_by("seq")[1]
    _tamper("UPDATE audit_auditevent SET opinion = %s WHERE id = %s", ["改过", event.pk])
    page = client.get(url, **EN)
    assert page.context["chain_ok"] is False
    assert "History altered" in page.content.decode()


def test_the_branch_files_an_evaluation_and_a_wrong_document_is_refused(
    county, client_as, case, walk
):
    walk.until(stop_before="cultivate")
    client = client_as(county.users["dc_branch_sec"])
    url = f"/recruitment/cases/{case.pk}/records/"
    evaluated = walk.dossier.activist_on + timedelta(days=150)
    response = client.post(
        url, {"kind": RecordKind.EVALUATION, "dated": evaluated.isoformat(), "text": "表现良好。"}
    )
    assert response.status_code == 302
    assert Record.objects.filter(case=case, kind=RecordKind.EVALUATION, dated=evaluated).exists()

    before = snapshot(case)
    refused = client.post(
        url, {"kind": RecordKind.PROBATION_NOTE, "dated": evaluated.isoformat(), "text": "记录"}
    )
    assert refused.status_code == 400
    assert "[R1.7]" in refused.content.decode()
    assert snapshot(case) == before
    assert client_as(county.users["dc_organiser"]).post(url, {}).status_code == 403


def test_a_transferred_case_leaves_the_old_branch(county, client_as, case, walk):
    walk.until(stop_before="cultivate")
    community = county.orgs["dongcheng_community_1"]
    response = client_as(county.users["dc_branch_sec"]).post(
        f"/recruitment/cases/{case.pk}/transfer/",
        {"to_branch": as_text(community), "transferred_on": "2024-01-05", "reason": "居住地变更"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/recruitment/"
    case.refresh_from_db()
    assert case.organisation == community
    new_branch = client_as(county.users["dc_community_sec"])
    assert new_branch.get(f"/recruitment/cases/{case.pk}/").status_code == 200


def test_the_receiving_branch_is_typed_not_chosen_from_every_branch(county, client_as, case, walk):
    """A province has tens of thousands of branches: the case page offers a picker,
    which finds a branch outside the secretary's own scope (the person's new unit
    may be anywhere) and refuses what is not a branch, with nothing moved."""
    walk.until(stop_before="cultivate")
    client = client_as(county.users["dc_branch_sec"])
    page = client.get(f"/recruitment/cases/{case.pk}/").content.decode()
    assert 'name="to_branch"' in page
    assert "<select" not in page.split('name="to_branch"')[0].rsplit("<label", 1)[-1]
    assert "organisations/picker.js" in page
    found = client.get(
        "/organisations/lookup/", {"q": "西山", "scope": "receiving", "kind": "branch"}
    ).json()["results"]
    assert as_text(county.orgs["xishan_village"]) in [r["value"] for r in found]
    # Someone who acts for no branch finds none.
    auditor = client_as(county.users["auditor"])
    assert not auditor.get(
        "/organisations/lookup/", {"q": "西山", "scope": "receiving", "kind": "branch"}
    ).json()["results"]
    before = case.organisation_id
    refused = client.post(
        f"/recruitment/cases/{case.pk}/transfer/",
        {
            "to_branch": as_text(county.orgs["xishan"]),
            "transferred_on": "2024-01-05",
            "reason": "调动",
        },
    )
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.organisation_id == before


def test_township_list_filters_by_stage_and_puts_my_steps_first(county, client_as, case, actors):
    other = scenario.start(
        county.people["masses_a"],
        county.orgs["dongcheng_village"],
        county.users["dc_branch_sec"],
        date(2023, 6, 1),
    )
    walk = scenario.Walk(other, actors)
    walk.until(stop_before="file_activist")
    township = client_as(county.users["dc_organiser"])
    everything = township.get("/recruitment/").content.decode()
    assert case.subject.name in everything
    assert other.subject.name in everything
    waiting = everything.split("<h2>", 3)[1]
    assert f"/recruitment/tasks/{open_task(other).pk}/" in waiting
    assert f"/recruitment/tasks/{open_task(case).pk}/" not in waiting

    stage_one = township.get("/recruitment/?stage=1").content.decode().split("<h2>")[2]
    assert case.subject.name in stage_one
    assert other.subject.name not in stage_one
    school = as_text(county.orgs["dongcheng_school"])
    assert (
        case.subject.name not in township.get("/recruitment/", {"branch": school}).content.decode()
    )
    own = as_text(case.organisation)
    assert case.subject.name in township.get("/recruitment/", {"branch": own}).content.decode()
    # A branch of another township is not found, and no case is shown for it.
    elsewhere = township.get("/recruitment/", {"branch": as_text(county.orgs["xishan_village"])})
    assert "张德明" not in elsewhere.content.decode()
    assert elsewhere.context["filters"].errors


def test_home_inbox_shows_the_due_date_and_the_overdue_mark(county, client_as, case):
    task = open_task(case)
    sweep(today=date(2023, 7, 5))
    home = client_as(county.users["dc_branch_sec"]).get("/", **EN).content.decode()
    assert f'href="/recruitment/tasks/{task.pk}/"' in home
    assert "2023-07-01" in home
    assert 'class="mark overdue"' in home

    township = client_as(county.users["dc_organiser"]).get("/", **EN).content.decode()
    area = township.split("Overdue in your area", 1)[1]
    assert f"/recruitment/cases/{case.pk}/" in area
    assert "Talk with the applicant" in area
    assert "Overdue in your area" not in (
        client_as(county.users["xs_organiser"]).get("/", **EN).content.decode()
    )


def test_home_inbox_marks_a_deadline_within_a_week(county, client_as):
    applied = timezone.localdate() - timedelta(days=26)
    case = scenario.start(
        county.people["masses_a"],
        county.orgs["dongcheng_village"],
        county.users["dc_branch_sec"],
        applied,
    )
    home = client_as(county.users["dc_branch_sec"]).get("/").content.decode()
    assert f'href="/recruitment/tasks/{open_task(case).pk}/"' in home
    assert 'class="mark soon"' in home
    assert 'class="mark overdue"' not in home
