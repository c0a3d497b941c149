"""Cases, history and the inbox through the API: the same scope as the site."""

import base64
from datetime import date

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.chain import GENESIS
from core.audit.models import AuditEvent
from core.cases.deadlines import open_deadline
from core.demo import DEMO_PASSWORD
from core.flowkit import services
from tests.probe.flows import ProbeFlow
from workflows.recruitment import scenario

JSON = "application/json"


def _ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def _review(case):
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)


@pytest.mark.django_db
def test_the_case_list_is_scoped_and_filtered(county, client_as, start_probe):
    dc_probe = start_probe()
    xs_probe = start_probe("xishan_village", "xs_branch_sec", "applicant_b")
    recruitment = scenario.start(
        county.people["masses_a"],
        county.orgs["dongcheng_village"],
        county.users["dc_branch_sec"],
        date(2024, 3, 1),
    )
    organiser = client_as(county.users["dc_organiser"])
    staff = client_as(county.users["county_staff"])
    assert _ids(organiser.get("/api/cases/")) == {dc_probe.pk, recruitment.pk}
    assert _ids(client_as(county.users["xs_organiser"]).get("/api/cases/")) == {xs_probe.pk}
    assert _ids(staff.get("/api/cases/")) == {dc_probe.pk, xs_probe.pk, recruitment.pk}
    assert _ids(staff.get("/api/cases/?flow=probe")) == {dc_probe.pk, xs_probe.pk}
    assert _ids(staff.get("/api/cases/?flow=recruitment")) == {recruitment.pk}
    xishan = county.orgs["xishan"].pk
    assert _ids(staff.get(f"/api/cases/?organisation={xishan}")) == {xs_probe.pk}
    assert _ids(organiser.get(f"/api/cases/?organisation={xishan}")) == set()
    assert _ids(staff.get("/api/cases/?organisation=999999")) == set()

    services.cancel_case(actor=county.users["dc_organiser"], case=dc_probe, reason="重复立案")
    assert _ids(staff.get("/api/cases/?open=1")) == {xs_probe.pk, recruitment.pk}
    assert _ids(staff.get("/api/cases/?open=false")) == {dc_probe.pk}

    listed = staff.get("/api/cases/?flow=recruitment").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert row["flow"] == "recruitment"
    assert row["organisation"]["name"] == "东城镇东村党支部"
    assert row["township"]["id"] == county.orgs["dongcheng"].pk
    assert row["status"] == "NEW"

    bad = staff.get("/api/cases/?organisation=east")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"organisation"}


@pytest.mark.django_db
def test_the_case_shows_its_open_steps_and_only_the_masked_id(county, client_as, start_probe):
    case = start_probe(subject="applicant_a")
    person = county.people["applicant_a"]
    response = client_as(county.users["dc_branch_sec"]).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["subject"] == {
        "id": person.pk,
        "name": person.name,
        "id_number_masked": person.id_number_masked,
    }
    assert person.id_number not in response.content.decode()
    [step] = data["open_steps"]
    assert step["id"] == _review(case).pk
    assert step["step"] == "review"
    assert step["permission"] == "review_for_township"
    assert step["owner"] is None
    assert data["dossier"] is None
    assert data["deadlines"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("dc_branch_sec", 200),
        ("dc_organiser", 200),
        ("county_staff", 200),
        ("auditor", 200),
        ("xs_organiser", 404),
        ("xs_branch_sec", 404),
        ("dc_community_sec", 404),
        ("discipline_officer", 404),
    ],
)
def test_case_and_history_are_seen_only_within_scope(
    county, client_as, start_probe, username, status
):
    case = start_probe()
    client = client_as(county.users[username])
    assert client.get(f"/api/cases/{case.pk}/").status_code == status
    assert client.get(f"/api/cases/{case.pk}/history/").status_code == status


@pytest.mark.django_db
def test_the_history_is_in_order_and_a_forged_event_is_found(county, client_as, start_probe):
    case = start_probe()
    client = client_as(county.users["auditor"])
    history = client.get(f"/api/cases/{case.pk}/history/").json()
    assert history["verified"] is True
    [started] = history["events"]
    assert started["seq"] == 1
    assert started["action"] == "case_started"
    assert started["actor"] == "李建国"
    assert started["role"] == "branch_secretary"
    assert started["role_label"]
    assert started["organisation"]["id"] == county.orgs["dongcheng_village"].pk
    assert started["data"] == {"flow": "probe"}
    assert len(started["hash"]) == 64

    AuditEvent.objects.create(
        chain=f"case:{case.pk}",
        seq=2,
        case=case,
        action="task_completed",
        created_at=timezone.now(),
        prev_hash=started["hash"],
        hash=GENESIS,
    )
    history = client.get(f"/api/cases/{case.pk}/history/").json()
    assert history["verified"] is False
    assert [e["seq"] for e in history["events"]] == [1, 2]


@pytest.mark.django_db
def test_the_inbox_carries_the_earliest_deadline(county, client_as, start_probe):
    case = start_probe()
    open_deadline(
        case,
        kind="review",
        label="乡镇审查",
        due_on=date(2030, 1, 31),
        responsible=county.orgs["dongcheng"],
        rule="R1.4",
    )
    response = client_as(county.users["dc_organiser"]).get("/api/tasks/")
    assert response.status_code == 200
    [task] = response.json()["results"]
    assert task["id"] == _review(case).pk
    assert task["flow"] == "probe"
    assert task["permission"] == "review_for_township"
    assert task["case"]["id"] == case.pk
    assert task["due"]["due_on"] == "2030-01-31"
    assert task["due"]["rule"] == "R1.4"
    assert task["due"]["overdue"] is False
    assert client_as(county.users["xs_organiser"]).get("/api/tasks/").json()["results"] == []
    assert client_as(county.users["dc_branch_sec"]).get("/api/tasks/").json()["results"] == []


@pytest.mark.django_db
def test_take_and_release_follow_the_service_path(county, client_as, start_probe):
    case = start_probe()
    task = _review(case)
    url = f"/api/tasks/{task.pk}/"
    events = AuditEvent.objects.count()
    assert client_as(county.users["xs_organiser"]).post(url + "take/").status_code == 404
    assert client_as(county.users["dc_branch_sec"]).post(url + "take/").status_code == 403
    assert AuditEvent.objects.count() == events

    taken = client_as(county.users["dc_organiser"]).post(url + "take/")
    assert taken.status_code == 200
    assert taken.json()["owner"]["name"] == "陈晓东"
    assert taken.json()["status"] == STATUS.ASSIGNED
    again = client_as(county.users["dc_secretary"]).post(url + "take/")
    assert again.status_code == 409
    assert again.json()["detail"]

    colleague = client_as(county.users["dc_secretary"])
    released = colleague.post(url + "release/", {"opinion": "休假"}, content_type=JSON)
    assert released.status_code == 200
    assert released.json()["owner"] is None
    assert colleague.post(url + "release/").status_code == 409

    history = colleague.get(f"/api/cases/{case.pk}/history/").json()["events"]
    assert [e["action"] for e in history] == ["case_started", "task_assigned", "task_unassigned"]
    assert history[-1]["opinion"] == "休假"


@pytest.mark.django_db
def test_only_human_steps_can_be_taken(county, client_as, start_probe):
    case = start_probe()
    start = Task.objects.get(process=case, flow_task=ProbeFlow.start)
    client = client_as(county.users["dc_organiser"])
    assert client.post(f"/api/tasks/{start.pk}/take/").status_code == 404
    assert client.post("/api/tasks/999999/take/").status_code == 404


@pytest.mark.django_db
def test_scripts_log_in_with_basic_auth(county, client, start_probe):
    case = start_probe()

    def basic(password):
        token = base64.b64encode(f"dc_organiser:{password}".encode()).decode()
        return {"authorization": f"Basic {token}"}

    assert _ids(client.get("/api/cases/", headers=basic(DEMO_PASSWORD))) == {case.pk}
    assert client.get("/api/cases/", headers=basic("wrong")).status_code in (401, 403)
    assert client.get("/api/cases/").status_code in (401, 403)
