"""The auditor finds cases by person, ID number, organisation, step, actor and time;
only in their grant, only with read_audit, in a flat number of queries."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit.models import AuditEvent
from core.auditing.search import step_choices
from core.demo import add_person
from core.organisations.picker import as_text
from core.people.choices import PartyStatus
from workflows.rectification import services as rectification
from workflows.rectification.models import RoundKind

from .conftest import walk_on_time

INDEX = reverse("auditing:index")


@pytest.fixture
def cases(start, actors, travel, county):
    """林小军 (东城, at the talk, started 2024-03-01) and 徐静 (西山, an activist, 2024-09-02)."""
    dongcheng = start("applicant_a", "dongcheng_village", "dc_branch_sec", date(2024, 3, 1))
    xishan = start("applicant_b", "xishan_village", "xs_branch_sec", date(2024, 9, 2))
    xs_actors = actors.__class__(
        county.users["xs_branch_sec"], county.users["xs_organiser"], None, None
    )
    walk_on_time(xishan, xs_actors, travel, stop_before="file_activist")
    return dongcheng, xishan


def _found(client, **criteria):
    response = client.get(INDEX, criteria)
    assert response.status_code == 200
    return [case.pk for case, _procedure, _steps in response.context["rows"]]


@pytest.fixture
def auditor(county, client_as):
    return client_as(county.users["auditor"])


def test_without_criteria_every_case_in_the_grant(auditor, cases):
    dongcheng, xishan = cases
    assert _found(auditor) == [xishan.pk, dongcheng.pk]


def test_by_name(auditor, cases):
    assert _found(auditor, name="小军") == [cases[0].pk]
    assert _found(auditor, name="无此人") == []


def test_by_the_whole_id_number_through_its_digest(auditor, cases, county):
    number = county.people["applicant_b"].id_number
    with CaptureQueriesContext(connection) as queries:
        assert _found(auditor, id_number=number) == [cases[1].pk]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "id_number_digest" in sql
    assert number not in sql  # the number itself is never sent to the database
    assert "id_number_masked" not in sql.split("WHERE", 1)[-1].split("ORDER BY")[0]


def test_part_of_an_id_number_is_not_searched(auditor, cases, county):
    number = county.people["applicant_b"].id_number
    response = auditor.get(INDEX, {"id_number": number[:10]})
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert list(response.context["rows"]) == []


def test_by_organisation_subtree(auditor, cases, county):
    """The organisation is typed (name, code) or taken from the picker ("name（code）")."""
    assert _found(auditor, organisation="中共西山乡委员会") == [cases[1].pk]
    assert _found(auditor, organisation="xishan") == [cases[1].pk]
    assert _found(auditor, organisation=as_text(county.orgs["dongcheng_village"])) == [cases[0].pk]


def test_an_ambiguous_organisation_is_a_form_error_with_candidates(auditor, cases):
    response = auditor.get(INDEX, {"organisation": "和平社区党总支"})
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
    page = response.content.decode()
    assert "东城镇和平社区党总支（dongcheng_community）" in page
    assert "西山乡和平社区党总支（xishan_community）" in page


def test_another_townships_organisation_is_a_form_error_not_results(
    cases, county, township_auditor, client_as
):
    client = client_as(township_auditor)
    for text in ("东城镇东村党支部", "dongcheng_village", as_text(county.orgs["dongcheng"])):
        response = client.get(INDEX, {"organisation": text})
        assert response.context["form"].errors["organisation"], text
        assert list(response.context["rows"]) == []
        response = client.get(reverse("auditing:export-xlsx"), {"organisation": text})
        assert response.status_code == 400
    assert _found(client, organisation="石门村") == [cases[1].pk]


def test_the_page_and_export_links_keep_the_organisation(auditor, cases, county):
    text = as_text(county.orgs["xishan"])
    response = auditor.get(INDEX, {"organisation": text})
    page = response.content.decode()
    assert f'value="{text}"' in page  # the box keeps what was chosen
    assert 'data-lookup="/organisations/lookup/?scope=view_cases' in page
    assert "/static/organisations/picker.js" in page
    query = urlencode({"organisation": text})
    assert f"{reverse('auditing:export-xlsx')}?{query}" in page
    assert f"{reverse('auditing:compliance')}?{query}" in page


def test_by_step_current_or_passed(auditor, cases):
    dongcheng, xishan = cases
    talk = "recruitment.talk"
    assert _found(auditor, step=talk, step_state="current") == [dongcheng.pk]
    assert _found(auditor, step=talk, step_state="passed") == [xishan.pk]
    assert _found(auditor, step=talk) == [xishan.pk, dongcheng.pk]


def test_the_steps_of_every_procedure_are_offered():
    keys = {key for key, _label in step_choices()}
    assert {"recruitment.talk", "rectification.acceptance", "selection.appoint"} <= keys


def test_by_actor_name_or_login(auditor, cases, county):
    dongcheng, xishan = cases
    assert _found(auditor, actor="xs_branch_sec") == [xishan.pk]
    assert _found(auditor, actor=county.users["dc_branch_sec"].first_name) == [dongcheng.pk]


def test_by_date_range_of_events(auditor, cases):
    dongcheng, xishan = cases
    assert _found(auditor, date_from="2024-03-01", date_to="2024-03-01") == [dongcheng.pk]
    assert _found(auditor, date_from="2024-03-02") == [xishan.pk]
    assert _found(auditor, date_to="2024-09-01") == [dongcheng.pk]


def test_actor_and_dates_describe_the_same_event(auditor, cases):
    # 张德明 (xs_branch_sec) acted on 西山's case in September, not in March.
    assert _found(auditor, actor="xs_branch_sec", date_to="2024-08-31") == []
    assert _found(auditor, actor="xs_branch_sec", date_from="2024-09-01") == [cases[1].pk]


def test_an_auditor_of_one_township_sees_only_its_cases(cases, township_auditor, client_as):
    dongcheng, xishan = cases
    client = client_as(township_auditor)
    assert _found(client) == [xishan.pk]
    assert _found(client, name="小军") == []
    assert client.get(reverse("auditing:case", args=[dongcheng.pk])).status_code == 404
    assert client.get(reverse("auditing:case", args=[xishan.pk])).status_code == 200


@pytest.mark.parametrize("username", ["dc_branch_sec", "dc_organiser", "discipline_officer"])
def test_without_read_audit_the_workspace_is_refused(cases, county, client_as, username):
    client = client_as(county.users[username])
    events = AuditEvent.objects.count()
    for url in (
        INDEX,
        reverse("auditing:compliance"),
        reverse("auditing:export-xlsx"),
        reverse("auditing:case", args=[cases[0].pk]),
        reverse("auditing:case-pdf", args=[cases[0].pk]),
    ):
        assert client.get(url).status_code == 403
    assert AuditEvent.objects.count() == events


def test_county_staff_hold_read_audit_and_search_the_county(cases, county, client_as):
    assert len(_found(client_as(county.users["county_staff"]))) == 2


def test_the_query_count_does_not_grow_with_the_page(
    auditor, start, county, django_assert_max_num_queries
):
    start("applicant_a", "dongcheng_village", "dc_branch_sec")
    with CaptureQueriesContext(connection) as one:
        _found(auditor)
    for n in range(6):
        key = f"extra_{n}"
        add_person(
            county,
            key,
            f"申请人{n}",
            "dongcheng_village",
            birth=date(1995, 1, n + 1),
            status=PartyStatus.MASSES,
        )
        start(key, "dongcheng_village", "dc_branch_sec")
    with django_assert_max_num_queries(len(one)):
        assert len(_found(auditor)) == 7


def test_cases_of_every_procedure_are_searched(auditor, county, start):
    """A rectification round's organisation check is found beside a development case."""
    development = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    rectification.open_round(
        actor=county.users["county_staff"],
        county=county.orgs["county"],
        kind=RoundKind.DYNAMIC,
        opened_on=date(2024, 3, 1),
        organisations=[county.orgs["dongcheng_village"]],
    )
    found = _found(auditor, organisation="dongcheng_village")
    assert development.pk in found
    assert len(found) == 2
    check = _found(auditor, step="organisationcheck.self_check", step_state="current")
    assert check == [pk for pk in found if pk != development.pk]
    page = auditor.get(INDEX).content.decode()
    assert "发展党员" in page
    assert "排查核查" in page
