"""Permission boundaries seen from the outside: another township's user gets
404 and changes nothing; a user who sees but may not act gets 403."""

import pytest
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from tests.probe.flows import ProbeFlow


@pytest.fixture
def case(county):
    from core.flowkit import services

    with services.start(
        actor=county.users["dc_branch_sec"],
        flow_class=ProbeFlow,
        organisation=county.orgs["dongcheng_village"],
        codename="act_for_branch",
        title="东村测试案卷",
        subject=county.people["applicant_a"],
    ) as change:
        return change.case


def _task(case):
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, case):
    for url in ["/", f"/cases/{case.pk}/", "/cases/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


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
def test_case_page_is_seen_only_within_scope(county, client_as, case, username, status):
    response = client_as(county.users[username]).get(f"/cases/{case.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "东村测试案卷" in response.content.decode()


@pytest.mark.django_db
def test_case_list_shows_only_cases_in_scope(county, client_as, case):
    assert "东村测试案卷" in client_as(county.users["dc_organiser"]).get("/cases/").content.decode()
    assert (
        "东村测试案卷"
        not in client_as(county.users["xs_organiser"]).get("/cases/").content.decode()
    )


@pytest.mark.django_db
def test_other_township_cannot_take_the_task_and_nothing_changes(county, client_as, case):
    task = _task(case)
    events = AuditEvent.objects.count()
    response = client_as(county.users["xs_organiser"]).post(f"/tasks/{task.pk}/take/")
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).owner is None
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_branch_sees_the_case_but_taking_the_township_step_is_forbidden(county, client_as, case):
    task = _task(case)
    response = client_as(county.users["dc_branch_sec"]).post(f"/tasks/{task.pk}/take/")
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).owner is None


@pytest.mark.django_db
def test_township_organiser_takes_the_task_from_the_inbox(county, client_as, case):
    client = client_as(county.users["dc_organiser"])
    assert "东村测试案卷" in client.get("/").content.decode()
    response = client.post(f"/tasks/{_task(case).pk}/take/")
    assert response.status_code == 302
    assert Task.objects.get(pk=_task(case).pk).owner == county.users["dc_organiser"]
    assert "东村测试案卷" not in client_as(county.users["xs_organiser"]).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "org", "status"),
    [
        ("dc_organiser", "dongcheng_village", 200),
        ("xs_organiser", "dongcheng_village", 404),
        ("dc_branch_sec", "dongcheng_school", 404),
        ("auditor", "xishan_school", 200),
    ],
)
def test_organisation_pages_follow_scope(county, client_as, username, org, status):
    response = client_as(county.users[username]).get(f"/organisations/{county.orgs[org].pk}/")
    assert response.status_code == status


@pytest.mark.django_db
def test_whole_id_number_only_for_the_branch_and_every_look_is_recorded(county, client_as):
    person = county.people["applicant_a"]
    url = f"/people/{person.pk}/"
    township_page = client_as(county.users["dc_organiser"]).get(url).content.decode()
    assert person.id_number_masked in township_page
    assert person.id_number not in township_page
    assert client_as(county.users["dc_organiser"]).post(url + "id-number/").status_code == 403
    assert client_as(county.users["xs_organiser"]).get(url).status_code == 404
    revealed = client_as(county.users["dc_branch_sec"]).post(url + "id-number/")
    assert person.id_number in revealed.content.decode()
    event = AuditEvent.objects.get(chain=f"person:{person.pk}", action="id_number_viewed")
    assert event.actor == county.users["dc_branch_sec"]


@pytest.mark.django_db
def test_audit_page_is_for_auditors_and_verifies(county, client_as, case):
    assert client_as(county.users["dc_branch_sec"]).get("/audit/").status_code == 404
    response = client_as(county.users["auditor"]).get("/audit/?verify=1")
    assert response.status_code == 200
    assert 'class="ok"' in response.content.decode()


@pytest.mark.django_db
def test_the_audit_link_is_shown_only_to_those_who_may_use_it(county, client_as):
    assert "/audit/" in client_as(county.users["auditor"]).get("/").content.decode()
    assert "/audit/" not in client_as(county.users["dc_branch_sec"]).get("/").content.decode()
