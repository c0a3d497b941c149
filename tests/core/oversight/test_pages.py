"""The oversight page and data.json from the outside: who may look, what they see,
and a query count that does not grow with the cases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.demo import add_person
from core.oversight.selectors import township_figures
from core.people.choices import PartyStatus
from workflows.recruitment import scenario


def page(org, name="township"):
    return reverse(f"oversight:{name}", args=[org.pk])


@pytest.mark.django_db
def test_a_township_sees_its_own_page_and_not_the_other(county, client_as):
    client = client_as(county.users["xs_organiser"])
    assert client.get(reverse("oversight:index")).url == page(county.orgs["xishan"])
    assert client.get(page(county.orgs["xishan"])).status_code == 200
    assert client.get(page(county.orgs["dongcheng"])).status_code == 404
    assert client.get(page(county.orgs["dongcheng"], "data")).status_code == 404


@pytest.mark.django_db
def test_others_than_townships_and_county_are_refused(county, client_as):
    for username in ("dc_branch_sec", "discipline_officer", "auditor"):
        client = client_as(county.users[username])
        assert client.get(reverse("oversight:index")).status_code == 403
        assert client.get(page(county.orgs["dongcheng"])).status_code == 403
        assert client.get(page(county.orgs["dongcheng"], "data")).status_code == 403


@pytest.mark.django_db
def test_the_county_picks_any_township(county, client_as):
    client = client_as(county.users["county_staff"])
    listing = client.get(reverse("oversight:index"))
    assert listing.status_code == 200
    for key in ("dongcheng", "xishan"):
        assert page(county.orgs[key]).encode() in listing.content
        assert client.get(page(county.orgs[key])).status_code == 200
    # A branch is not a township: nothing to oversee there.
    assert client.get(page(county.orgs["dongcheng_village"])).status_code == 404


@pytest.mark.django_db
def test_the_page_lists_overdue_cases_first_and_draws_the_charts(township, county, client_as):
    response = client_as(county.users["dc_organiser"]).get(
        page(township), {"year": township.admitted_on.year}
    )
    assert response.status_code == 200
    html = response.content.decode()
    cases = html[html.index('id="cases"') :]
    overdue = county.cases["overdue"]
    assert cases.index(overdue.title) < cases.index(county.people["applicant_a"].name)
    assert 'class="overdue"' in cases.split("</tr>")[1]  # the first case row
    assert county.cases["elsewhere"].title not in html
    for key in ("stages", "plan", "structure"):
        assert f'<title id="chart-{key}-title">' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert "50.0%" in html  # the share is written out, not only drawn


@pytest.mark.django_db
def test_data_json_holds_the_figures_of_the_page(township, county, client_as):
    year = township.admitted_on.year
    response = client_as(county.users["county_staff"]).get(page(township, "data"), {"year": year})
    assert response.status_code == 200
    assert response.json() == township_figures(township, year, timezone.localdate())
    assert response.json()["plan"]["township"]["admitted"] == 2


def _more_cases(county, count):
    branch = county.orgs["dongcheng_village"]
    for n in range(count):
        person = add_person(
            county,
            f"extra{n}",
            f"新人{n}",
            "dongcheng_village",
            birth=timezone.localdate().replace(year=2000),
            status=PartyStatus.MASSES,
        )
        scenario.start(
            person,
            branch,
            county.users["dc_branch_sec"],
            timezone.localdate() - timedelta(days=n * 20),
        )


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_cases(
    township, county, client_as, django_assert_max_num_queries
):
    client = client_as(county.users["dc_organiser"])
    urls = [page(township), page(township, "data")]
    counted = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counted.append(len(queries))
    _more_cases(county, 12)
    for url, before in zip(urls, counted, strict=True):
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200
    assert township_figures(township, 2000, timezone.localdate())["cases"]["open"] == 16


@pytest.mark.django_db
def test_no_query_matches_a_path_against_another_column(township, county, client_as):
    # A LIKE whose pattern is another row's path (Django writes REPLACE(...) for the
    # escaping) cannot use the path index: it read every admission of the province
    # once per branch, 15 s a page at 1,000,000 cases.
    client = client_as(county.users["dc_organiser"])
    for url in (page(township), page(township, "data")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in queries if "LIKE REPLACE(" in q["sql"].upper()]
