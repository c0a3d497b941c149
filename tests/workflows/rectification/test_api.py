"""整顿软弱涣散 through the JSON API: the cases and the ledger, steps, problems reported and
checked, referrals; refusals answered 400 {rule, detail}, 403, 404 and 409 with
nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.workflows.rectification.helpers import DAY, snapshot, step_body
from workflows.rectification import ledger
from workflows.rectification.models import Finding, Listing, ProblemState, Source
from workflows.rectification.scenario import ScreeningWalk, actor_for, open_task

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _keep_language():
    """LocaleMiddleware leaves a request's language active in the thread after it."""
    with translation.override(translation.get_language()):
        yield


def complete(client, task, name, fields):
    return client.post(
        f"/api/rectification/tasks/{task.pk}/complete/",
        step_body(name, fields, json=True),
        content_type=JSON,
    )


def test_a_case_from_forces_to_closed_problems_through_the_api(county, client_as, case_walk):
    case = case_walk.case
    staff = client_as(county.users["county_staff"])
    cases = staff.get("/api/rectification/cases/").json()
    assert [row["id"] for row in cases] == [case.pk]

    for name in ("assign_forces", "make_plan"):
        task = open_task(case)
        response = complete(client_as(actor_for(task)), task, name, case_walk.fields(name))
        assert response.status_code == 200, response.json()
        assert response.json()["id"] == case.pk
    dossier = staff.get(f"/api/cases/{case.pk}/").json()["dossier"]
    assert {force["kind"] for force in dossier["forces"]} == {
        "county_leader",
        "township_leader",
        "stationed",
        "paired_unit",
    }
    assert all(problem["measures"] for problem in dossier["problems"])

    branch = client_as(county.users["dc_branch_sec"])
    township = client_as(county.users["dc_organiser"])
    done_on = case_walk.listing.planned_on + 20 * DAY
    for problem in case_walk.problems():
        response = branch.post(
            f"/api/rectification/problems/{problem.pk}/report/",
            {
                "done_on": done_on.isoformat(),
                "text": "已按整改措施完成，附会议记录。",
                "file": SimpleUploadedFile("evidence.txt", "会议记录".encode()),
            },
        )
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == ProblemState.REPORTED
        assert len(response.json()["evidence_sha256"]) == 64
        response = township.post(
            f"/api/rectification/problems/{problem.pk}/check/",
            {"accepted": "yes", "checked_on": (done_on + DAY).isoformat(), "text": ""},
            content_type=JSON,
        )
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == ProblemState.CLOSED

    rows = staff.get("/api/rectification/ledger/").json()
    expected = ledger.ledger_rows(county.users["county_staff"])
    assert [(row["case"], row["open_problems"]) for row in rows] == [
        (row.case, row.open_problems) for row in expected
    ]
    assert rows[0]["open_problems"] == 0
    assert rows[0]["step"] == "rectify"
    assert staff.get("/api/rectification/ledger/?stage=acceptance").json() == []
    assert client_as(county.users["xs_organiser"]).get("/api/rectification/ledger/").json() == []


def test_refusals_through_the_api_write_nothing(county, client_as, case_walk):
    case = case_walk.case
    task = open_task(case)
    fields = case_walk.fields("assign_forces")
    staff = client_as(county.users["county_staff"])

    before = snapshot()
    fields["forces"].pop("paired_unit")
    response = complete(staff, task, "assign_forces", fields)
    assert response.status_code == 400
    assert response.json()["rule"] == "Z2.3.5"
    assert (
        complete(client_as(county.users["xs_organiser"]), task, "assign_forces", fields).status_code
        == 404
    )
    assert (
        complete(client_as(county.users["dc_organiser"]), task, "assign_forces", fields).status_code
        == 403
    )
    response = staff.post(
        f"/api/rectification/tasks/{task.pk}/complete/", {"assigned_on": "x"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "assigned_on" in response.json()["errors"]
    assert snapshot() == before

    case_walk.until(stop_before="rectify")
    done = case.task_set.get(flow_task__endswith="assign_forces")
    assert (
        complete(staff, done, "assign_forces", case_walk.fields("assign_forces")).status_code == 409
    )

    problem = case_walk.problems().first()
    before = snapshot()
    branch = client_as(county.users["dc_branch_sec"])
    url = f"/api/rectification/problems/{problem.pk}/report/"
    body = {
        "done_on": (case_walk.listing.planned_on + DAY).isoformat(),
        "text": "已整改完毕，未附材料。",
    }
    response = branch.post(url, body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["rule"] == "Z2.3.6"
    assert (
        client_as(county.users["xs_branch_sec"]).post(url, body, content_type=JSON).status_code
        == 404
    )
    check = f"/api/rectification/problems/{problem.pk}/check/"
    verdict = {"accepted": "yes", "checked_on": body["done_on"]}
    assert branch.post(check, verdict, content_type=JSON).status_code == 403
    assert (
        client_as(county.users["xs_organiser"]).post(check, verdict, content_type=JSON).status_code
        == 404
    )
    assert snapshot() == before


def test_referrals_through_the_api(county, client_as, open_dynamic):
    round_case = open_dynamic("dongcheng_village")
    village = county.orgs["dongcheng_village"]
    url = f"/api/rectification/rounds/{round_case.pk}/referrals/"
    body = {
        "organisation": village.pk,
        "department": county.orgs["discipline"].pk,
        "department_kind": "discipline",
        "code": "W8",
        "received_on": "2024-03-06",
        "text": "县纪委监委移交：村干部涉嫌侵占集体资金问题线索。",
    }
    before = snapshot()
    assert (
        client_as(county.users["xs_organiser"]).post(url, body, content_type=JSON).status_code
        == 404
    )
    assert (
        client_as(county.users["dc_branch_sec"]).post(url, body, content_type=JSON).status_code
        == 403
    )
    response = client_as(county.users["discipline_officer"]).post(
        url, {**body, "department": county.orgs["police"].pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert "department" in response.json()["errors"]
    assert snapshot() == before

    response = client_as(county.users["discipline_officer"]).post(url, body, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "W8"
    assert response.json()["source"] == Source.REFERRAL
    finding = Finding.objects.get(source=Source.REFERRAL)
    listed = client_as(county.users["county_staff"]).get(url).json()
    assert [row["id"] for row in listed] == [finding.pk]

    # Once the check is verified, a referral goes to a new round.
    ScreeningWalk(round_case).verify_all()
    before = snapshot()
    response = client_as(county.users["county_staff"]).post(url, body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["rule"] == "Z2.3.1"
    assert snapshot() == before
    assert not Listing.objects.exists()


def test_the_schema_describes_the_rectification_api(client_as, county):
    schema = client_as(county.users["county_staff"]).get("/api/schema/?format=json").json()
    for path in (
        "/api/rectification/cases/",
        "/api/rectification/ledger/",
        "/api/rectification/tasks/{id}/complete/",
        "/api/rectification/problems/{id}/report/",
        "/api/rectification/problems/{id}/check/",
        "/api/rectification/rounds/{id}/referrals/",
    ):
        assert path in schema["paths"]
    assert "RectificationMakePlanStep" in schema["components"]["schemas"]
