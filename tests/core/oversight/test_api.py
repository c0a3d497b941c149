"""The oversight API: plans and poor villages through the page's forms and services,
refused 400 {rule, detail} / {errors}, 403 and 404 with nothing written."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditEvent
from core.oversight import services
from core.oversight.models import DevelopmentPlan, PoorVillage


def plans(org):
    return reverse("api-oversight-plans", args=[org.pk])


def listing(org):
    return reverse("api-oversight-poor-village", args=[org.pk])


def written():
    return DevelopmentPlan.objects.count(), PoorVillage.objects.count(), AuditEvent.objects.count()


# --- Development plans -------------------------------------------------------------


@pytest.mark.django_db
def test_a_township_enters_and_reads_its_plans(county, api_as):
    year = timezone.localdate().year
    township, village = county.orgs["dongcheng"], county.orgs["dongcheng_village"]
    organiser = county.users["dc_organiser"]
    client = api_as(organiser)
    body = {"organisation": township.pk, "year": year, "planned": 6, "planned_young": 5}
    response = client.post(plans(township), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "organisation": {"id": township.pk, "name": township.name, "kind": "committee"},
        "year": year,
        "planned": 6,
        "planned_young": 5,
        "planned_educated": None,
    }
    event = AuditEvent.objects.get(chain=f"oversight:{township.pk}")
    assert (event.action, event.actor, event.actor_role) == (
        "plan_entered",
        organiser,
        "township_organiser",
    )
    body = {"organisation": village.pk, "year": year - 1, "planned": 1}
    assert client.post(plans(township), body, format="json").status_code == 200
    # Another township's plan never shows in this one's.
    services.enter_plan(
        actor=county.users["county_staff"], organisation=county.orgs["xishan"], year=year, planned=3
    )
    listed = client.get(plans(township)).json()
    assert [(p["organisation"]["id"], p["year"]) for p in listed] == [
        (village.pk, year - 1),
        (township.pk, year),
    ]
    assert [p["year"] for p in client.get(plans(township), {"year": year}).json()] == [year]


@pytest.mark.django_db
def test_plan_refusals_answer_and_write_nothing(county, api_as):
    year = timezone.localdate().year
    township = county.orgs["dongcheng"]
    client = api_as(county.users["county_staff"])
    before = written()
    body = {"organisation": township.pk, "year": year, "planned": 2, "planned_educated": 3}
    response = client.post(plans(township), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "rule": "§1.5",
        "detail": "计划中的分项人数（3）不能超过计划发展总数（2）。",
    }
    # The page's form: an organisation outside the township, a year out of range.
    for wrong in (
        {"organisation": county.orgs["xishan_village"].pk, "year": year, "planned": 1},
        {"organisation": township.pk, "year": 1999, "planned": 1},
        {"organisation": township.pk, "year": year, "planned": -1},
    ):
        response = client.post(plans(township), wrong, format="json")
        assert response.status_code == 400
        assert "errors" in response.json()
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "status"),
    [("xs_organiser", 404), ("nb_organiser", 404), ("nb_staff", 404), ("dc_branch_sec", 403)],
)
def test_plans_out_of_scope_are_404_and_without_a_role_403(neighbour, api_as, username, status):
    county = neighbour
    township = county.orgs["dongcheng"]
    client = api_as(county.users[username])
    before = written()
    body = {"organisation": township.pk, "year": timezone.localdate().year, "planned": 6}
    assert client.get(plans(township)).status_code == status
    assert client.post(plans(township), body, format="json").status_code == status
    assert written() == before


# --- Poor villages -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_county_lists_and_delists_a_village(county, api_as):
    village, staff = county.orgs["dongcheng_village"], county.users["county_staff"]
    client = api_as(staff)
    response = client.post(listing(village), {"listed": True, "on": "2025-03-01"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "organisation": {"id": village.pk, "name": village.name, "kind": "branch"},
        "listed": True,
        "listed_on": "2025-03-01",
    }
    # Listing it again changes nothing: the first day stays, no second event.
    again = client.post(listing(village), {"listed": True, "on": "2025-04-01"}, format="json")
    assert again.json()["listed_on"] == "2025-03-01"
    seen = api_as(county.users["dc_organiser"]).get(reverse("api-oversight-poor-villages"))
    assert [row["organisation"]["id"] for row in seen.json()] == [village.pk]
    response = client.post(listing(village), {"listed": False}, format="json")
    assert response.json()["listed"] is False
    assert response.json()["listed_on"] is None
    events = AuditEvent.objects.filter(chain=f"oversight:{village.pk}").order_by("seq")
    assert [(e.action, e.actor) for e in events] == [
        ("poor_village_listed", staff),
        ("poor_village_delisted", staff),
    ]
    assert events[1].data["delisted_on"] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_poor_villages_are_read_within_the_oversight_scope(neighbour, api_as):
    county = neighbour
    for key in ("dongcheng_village", "xishan_village", "nb_village"):
        PoorVillage.objects.create(organisation=county.orgs[key], listed_on=date(2024, 1, 1))
    url = reverse("api-oversight-poor-villages")

    def seen(username, **query):
        response = api_as(county.users[username]).get(url, query)
        assert response.status_code == 200, response.content
        return {row["organisation"]["id"] for row in response.json()}

    orgs = county.orgs
    assert seen("county_staff") == {orgs["dongcheng_village"].pk, orgs["xishan_village"].pk}
    assert seen("county_staff", township=orgs["xishan"].pk) == {orgs["xishan_village"].pk}
    assert seen("xs_organiser") == {orgs["xishan_village"].pk}
    assert seen("nb_staff") == {orgs["nb_village"].pk}
    client = api_as(county.users["xs_organiser"])
    assert client.get(url, {"township": orgs["dongcheng"].pk}).status_code == 404
    for username in ("dc_branch_sec", "auditor"):
        assert api_as(county.users[username]).get(url).status_code == 403


@pytest.mark.django_db
def test_listing_refusals_answer_and_write_nothing(neighbour, api_as):
    county = neighbour
    village, school = county.orgs["dongcheng_village"], county.orgs["xishan_school"]
    body = {"listed": True, "on": "2025-03-01"}
    before = written()
    staff = api_as(county.users["county_staff"])
    response = staff.post(listing(school), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "rule": "§1.5",
        "detail": f"只有村党支部可以列为贫困村，{school.name}不能列入。",
    }
    for wrong in ({"on": "2025-03-01"}, {"listed": "maybe"}, {"listed": True, "on": "soon"}):
        response = staff.post(listing(village), wrong, format="json")
        assert response.status_code == 400
        assert "errors" in response.json()
    for username, status in [
        ("dc_organiser", 403),  # its own village, but the list is the county's
        ("dc_branch_sec", 403),
        ("auditor", 403),
        ("xs_organiser", 404),  # another township's village
        ("nb_organiser", 404),  # a township of another county
        ("nb_staff", 404),  # another county's department
    ]:
        response = api_as(county.users[username]).post(listing(village), body, format="json")
        assert response.status_code == status, username
    assert written() == before
