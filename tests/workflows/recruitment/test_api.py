"""Member development through the JSON API, as each role, with the same refusals as the site."""

import dataclasses
from datetime import date, timedelta

import pytest
from django import forms as django_forms
from django.db import models
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.cases.models import Deadline
from workflows.recruitment import forms, rules, scenario
from workflows.recruitment.models import Dossier, Outcome, Record, RecordKind, Recruitment

JSON = "application/json"


@pytest.fixture(autouse=True)
def _keep_language():
    """LocaleMiddleware leaves a request's language active in the thread after it."""
    with translation.override(translation.get_language()):
        yield


def _json(field, value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list):
        return [_json(field, item) for item in value]
    if isinstance(value, bool) and isinstance(field, django_forms.TypedChoiceField):
        return next(key for key, _label in field.choices if field.coerce(key) is value)
    return value


# Fields the form asks for where the service has a default.
FORM_ONLY = {"admission_meeting": {"if_failed": "retry"}}


def body(walk, name, **changes):
    """The walk's lawful fields for step `name`, as a client would send them."""
    fields = {**walk.fields(name), **FORM_ONLY.get(name, {}), **changes}
    base_fields = forms.STEP_FORMS[name].base_fields
    out = {}
    for key, value in fields.items():
        if isinstance(value, rules.Votes):
            out.update(dataclasses.asdict(value))
        else:
            out[key] = _json(base_fields.get(key), value)
    return out


def complete(client, task, data):
    return client.post(f"/api/recruitment/tasks/{task.pk}/complete/", data, content_type=JSON)


def snapshot(case):
    """Everything a refused request must leave as it was."""
    dossier = Dossier.objects.get(case_id=case.pk)
    return (
        AuditEvent.objects.count(),
        Record.objects.count(),
        list(Task.objects.filter(process_id=case.pk).values_list("pk", "status", "owner_id")),
        list(Deadline.objects.filter(case_id=case.pk).values_list("pk", "state", "due_on")),
        {f.name: getattr(dossier, f.name) for f in Dossier._meta.concrete_fields},
    )


def evaluations(client, walk):
    activist_on = walk.dossier.activist_on
    for months in (5, 10):
        response = client.post(
            f"/api/recruitment/cases/{walk.case.pk}/records/",
            {
                "kind": RecordKind.EVALUATION,
                "dated": rules.add_months(activist_on, months).isoformat(),
                "text": f"第{months // 5}次考察：表现良好。",
            },
            content_type=JSON,
        )
        assert response.status_code == 201, response.json()
        assert response.json()["kind"] == RecordKind.EVALUATION


@pytest.mark.django_db
def test_a_case_runs_from_application_to_archive_through_the_api(county, client_as, actors):
    clients = {}

    def client_for(user):
        return clients.setdefault(user, client_as(user))

    response = client_for(actors.branch).post(
        "/api/recruitment/cases/",
        {
            "branch": county.orgs["dongcheng_village"].pk,
            "person": county.people["applicant_a"].pk,
            "applied_on": "2023-06-01",
            "text": "入党申请书。",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    started = response.json()
    assert started["flow"] == "recruitment"
    assert started["dossier"]["applied_on"] == "2023-06-01"
    assert [s["step"] for s in started["open_steps"]] == ["talk"]
    assert started["subject"]["id_number_masked"]
    assert "id_number" not in started["subject"]
    walk = scenario.Walk(Recruitment.objects.get(pk=started["id"]), actors)

    done, actors_seen = [], set()
    while (task := walk.open_task()) is not None:
        name = task.flow_task.name
        user = actors.for_step(task)
        client = client_for(user)
        inbox = client.get("/api/tasks/").json()["results"]
        mine = next(t for t in inbox if t["id"] == task.pk)
        assert mine["step"] == name
        assert mine["case"]["id"] == walk.case.pk
        if name == "cultivate":
            evaluations(client, walk)
        response = complete(client, task, body(walk, name))
        assert response.status_code == 200, (name, response.json())
        done.append(name)
        actors_seen.add(user.username)

    assert len(done) == 26
    assert response.json()["status"] == "DONE"
    assert actors_seen == {"dc_branch_sec", "dc_organiser", "dc_secretary", "county_staff"}
    case = client_for(actors.township).get(f"/api/cases/{walk.case.pk}/").json()
    assert case["status"] == "DONE"
    assert case["open_steps"] == []
    assert case["dossier"]["outcome"] == Outcome.FULL_MEMBER
    assert case["dossier"]["full_member_on"] == case["dossier"]["probation_ends_on"]
    assert len(case["dossier"]["sponsors"]) == 2

    history = client_for(actors.county).get(f"/api/cases/{walk.case.pk}/history/").json()
    assert history["verified"] is True
    events = history["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["action"] == "case_started"
    completed = [e for e in events if e["action"] == "task_completed"]
    assert [e["step"] for e in completed] == done
    county_filing = next(e for e in completed if e["step"] == "county_filing")
    assert county_filing["actor"] == "周文华"
    assert county_filing["role"] == "county_org_staff"
    assert county_filing["organisation"]["id"] == county.orgs["org_dept"].pk
    assert len(county_filing["hash"]) == 64


@pytest.mark.django_db
def test_a_rule_violation_is_400_with_its_code_and_writes_nothing(county, client_as, walk):
    task = walk.open_task()
    before = snapshot(walk.case)
    late = walk.dossier.applied_on + timedelta(days=45)
    response = complete(
        client_as(county.users["dc_branch_sec"]),
        task,
        body(walk, "talk", talked_on=late),
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "R1.3"
    assert response.json()["detail"]
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_an_invalid_body_is_400_with_the_form_errors_in_chinese(county, client_as, walk):
    before = snapshot(walk.case)
    data = body(walk, "talk")
    del data["talked_on"]
    data["talker"] = ""
    response = complete(client_as(county.users["dc_branch_sec"]), walk.open_task(), data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"talked_on", "talker"}
    with translation.override("zh-hans"):
        assert errors["talked_on"] == [str(django_forms.Field.default_error_messages["required"])]
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_contacts_from_outside_the_branch_are_refused_by_the_form(county, client_as, walk):
    walk.until(stop_before="assign_contacts")
    before = snapshot(walk.case)
    data = body(walk, "assign_contacts", contacts=[county.people["applicant_b"]])
    response = complete(client_as(county.users["dc_branch_sec"]), walk.open_task(), data)
    assert response.status_code == 400
    assert "contacts" in response.json()["errors"]
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_another_township_gets_404_everywhere_and_nothing_changes(county, client_as, walk):
    walk.until(stop_before="assign_contacts")
    client = client_as(county.users["xs_organiser"])
    before = snapshot(walk.case)
    pk, task = walk.case.pk, walk.open_task()
    assert client.get(f"/api/cases/{pk}/").status_code == 404
    assert client.get(f"/api/cases/{pk}/history/").status_code == 404
    assert client.get(f"/api/recruitment/cases/{pk}/records/").status_code == 404
    assert complete(client, task, body(walk, "assign_contacts")).status_code == 404
    assert client.post(f"/api/tasks/{task.pk}/take/").status_code == 404
    for url, data in [
        (f"/api/recruitment/cases/{pk}/records/", {"kind": "evaluation"}),
        (f"/api/recruitment/cases/{pk}/transfer/", {"reason": "x"}),
    ]:
        assert client.post(url, data, content_type=JSON).status_code == 404
    assert pk not in [c["id"] for c in client.get("/api/cases/").json()["results"]]
    assert task.pk not in [t["id"] for t in client.get("/api/tasks/").json()["results"]]
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_the_branch_may_not_do_the_committee_step(county, client_as, walk):
    task = walk.until(stop_before="prereview")
    before = snapshot(walk.case)
    response = complete(client_as(county.users["dc_branch_sec"]), task, body(walk, "prereview"))
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色无权为中共东城镇委员会办理此步骤。"
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_refusals_follow_the_accept_language(county, client_as, walk):
    task = walk.until(stop_before="prereview")
    response = client_as(county.users["dc_branch_sec"]).post(
        f"/api/recruitment/tasks/{task.pk}/complete/",
        body(walk, "prereview"),
        content_type=JSON,
        headers={"accept-language": "en"},
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Your roles do not allow this step")


@pytest.mark.django_db
def test_the_auditor_reads_the_history_but_cannot_act(county, client_as, walk):
    walk.until(stop_before="talk")
    client = client_as(county.users["auditor"])
    history = client.get(f"/api/cases/{walk.case.pk}/history/")
    assert history.status_code == 200
    assert history.json()["verified"] is True
    before = snapshot(walk.case)
    assert complete(client, walk.open_task(), body(walk, "talk")).status_code == 403
    assert client.post(f"/api/tasks/{walk.open_task().pk}/take/").status_code == 403
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_anonymous_is_refused(client, walk):
    task = walk.open_task()
    before = snapshot(walk.case)
    for url in ["/api/cases/", f"/api/cases/{walk.case.pk}/", "/api/tasks/"]:
        assert client.get(url).status_code in (401, 403)
    response = complete(client, task, body(walk, "talk"))
    assert response.status_code in (401, 403)
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_a_done_step_is_409(county, client_as, walk):
    task = walk.open_task()
    walk.step()
    before = snapshot(walk.case)
    response = complete(client_as(county.users["dc_branch_sec"]), task, body(walk, "talk"))
    assert response.status_code == 409
    assert response.json()["detail"] == "此步骤已办结或已取消。"
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_a_step_taken_by_a_colleague_is_403_until_released(county, client_as, walk):
    task = walk.open_task()
    secretary = client_as(county.users["dc_branch_sec"])
    organiser = client_as(county.users["dc_branch_org"])
    taken = secretary.post(f"/api/tasks/{task.pk}/take/")
    assert taken.status_code == 200
    assert taken.json()["owner"]["name"] == "李建国"
    assert secretary.post(f"/api/tasks/{task.pk}/take/").status_code == 409
    assert complete(organiser, task, body(walk, "talk")).status_code == 403
    released = organiser.post(
        f"/api/tasks/{task.pk}/release/", {"opinion": "书记出差"}, content_type=JSON
    )
    assert released.status_code == 200
    assert released.json()["owner"] is None
    assert complete(organiser, task, body(walk, "talk")).status_code == 200
    steps = [s["step"] for s in organiser.get(f"/api/cases/{walk.case.pk}/").json()["open_steps"]]
    assert steps == ["choose_activist"]


@pytest.mark.django_db
def test_records_are_filed_only_while_their_stage_is_open(county, client_as, walk):
    client = client_as(county.users["dc_branch_sec"])
    url = f"/api/recruitment/cases/{walk.case.pk}/records/"
    before = snapshot(walk.case)
    data = {"kind": "evaluation", "dated": "2023-06-05", "text": "考察。"}
    response = client.post(url, data, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["rule"] == "R1.7"
    assert snapshot(walk.case) == before
    bad = client.post(url, {"kind": "oath", "dated": "2023-06-05"}, content_type=JSON)
    assert set(bad.json()["errors"]) == {"kind", "text"}
    kinds = [r["kind"] for r in client.get(url).json()]
    assert kinds == [RecordKind.APPLICATION]


@pytest.mark.django_db
def test_a_transfer_moves_the_case_out_of_the_old_branchs_sight(county, client_as, walk):
    walk.until(stop_before="assign_contacts")
    client = client_as(county.users["dc_branch_sec"])
    url = f"/api/recruitment/cases/{walk.case.pk}/transfer/"
    school = county.orgs["dongcheng_school"]
    data = {"to_branch": school.pk, "transferred_on": "2023-10-10", "reason": "调入中心学校工作"}
    response = client.post(url, data, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["organisation"]["id"] == school.pk
    assert client.get(f"/api/cases/{walk.case.pk}/").status_code == 404
    case = client_as(county.users["dc_organiser"]).get(f"/api/cases/{walk.case.pk}/").json()
    assert case["organisation"]["id"] == school.pk


@pytest.mark.django_db
def test_an_applicant_is_not_transferred(county, client_as, walk):
    before = snapshot(walk.case)
    data = {
        "to_branch": county.orgs["dongcheng_school"].pk,
        "transferred_on": "2023-06-10",
        "reason": "调入中心学校工作",
    }
    response = client_as(county.users["dc_branch_sec"]).post(
        f"/api/recruitment/cases/{walk.case.pk}/transfer/", data, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "R1.8"
    assert snapshot(walk.case) == before


@pytest.mark.django_db
def test_starting_a_case_is_checked_like_the_site(county, client_as):
    person = county.people["masses_a"]
    branch = county.orgs["dongcheng_village"]
    data = {"branch": branch.pk, "person": person.pk, "applied_on": "2024-02-01"}
    events = AuditEvent.objects.count()
    other_branch = client_as(county.users["xs_branch_sec"])
    assert other_branch.post("/api/recruitment/cases/", data, content_type=JSON).status_code == 403
    not_a_branch = {**data, "branch": 10**6}
    response = client_as(county.users["dc_branch_sec"]).post(
        "/api/recruitment/cases/", not_a_branch, content_type=JSON
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"branch"}
    future = {**data, "applied_on": "2099-01-01"}
    response = client_as(county.users["dc_branch_sec"]).post(
        "/api/recruitment/cases/", future, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "date"
    assert AuditEvent.objects.count() == events
    assert not Recruitment.objects.filter(subject=person).exists()


@pytest.mark.django_db
def test_only_open_steps_of_member_development_are_completed_here(county, client_as, walk):
    done = Task.objects.filter(process_id=walk.case.pk, status=STATUS.DONE).first()  # the start
    client = client_as(county.users["dc_branch_sec"])
    assert complete(client, done, {}).status_code == 404
    assert complete(client, type("T", (), {"pk": 10**6}), {}).status_code == 404
