"""The county's list of poor villages on its page: who may keep it, what it offers,
and refusals that write nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit.models import AuditEvent
from core.organisations.models import Domain, Organisation, OrganisationKind, Tier
from core.oversight.models import PoorVillage

PAGE = "oversight:poor-villages"


def change(org):
    return reverse("oversight:poor-village", args=[org.pk])


def written():
    return PoorVillage.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
def test_the_county_sees_the_village_branches_by_township(county, client_as):
    html = client_as(county.users["county_staff"]).get(reverse(PAGE)).content.decode()
    villages = html[html.index('id="villages"') :]
    # Each township heads its own villages (in tree order, whichever comes first).
    groups = {part.split("<", 1)[0]: part for part in villages.split('<th colspan="3">')[1:]}
    for township, village in (("dongcheng", "dongcheng_village"), ("xishan", "xishan_village")):
        assert county.orgs[village].name in groups[county.orgs[township].name]
    # Only what rules.check_poor_village accepts: no party group, school or community.
    for key in ("dongcheng_village_group1", "dongcheng_school", "dongcheng_community_1"):
        assert county.orgs[key].name not in villages
    assert villages.count('<button name="listed" value="true">') == 2


@pytest.mark.django_db
def test_the_county_lists_and_delists_a_village_with_the_day(county, client_as):
    village, staff = county.orgs["dongcheng_village"], county.users["county_staff"]
    client = client_as(staff)
    response = client.post(
        f"{change(village)}?township={county.orgs['dongcheng'].pk}",
        {"listed": "true", "on": "2025-03-01"},
    )
    assert response.status_code == 302
    assert response.url == f"{reverse(PAGE)}?township={county.orgs['dongcheng'].pk}"
    assert PoorVillage.objects.get().listed_on == date(2025, 3, 1)
    page = client.get(response.url).content.decode()
    assert "2025-03-01" in page
    assert '<button name="listed" value="false">' in page
    client.post(change(village), {"listed": "false", "on": "2025-12-31"})
    assert not PoorVillage.objects.exists()
    events = AuditEvent.objects.filter(chain=f"oversight:{village.pk}").order_by("seq")
    assert [(e.action, e.actor, e.actor_role) for e in events] == [
        ("poor_village_listed", staff, "county_org_staff"),
        ("poor_village_delisted", staff, "county_org_staff"),
    ]
    assert events[0].data["listed_on"] == "2025-03-01"
    assert events[1].data["delisted_on"] == "2025-12-31"


@pytest.mark.django_db
def test_filters_narrow_the_villages(county, client_as):
    PoorVillage.objects.create(
        organisation=county.orgs["xishan_village"], listed_on=date(2024, 1, 1)
    )
    client = client_as(county.users["county_staff"])

    def shown(**query):
        html = client.get(reverse(PAGE), query).content.decode()
        villages = html[html.index('id="villages"') :]
        return {
            key
            for key in ("dongcheng_village", "xishan_village")
            if county.orgs[key].name in villages
        }

    assert shown(township=county.orgs["dongcheng"].pk) == {"dongcheng_village"}
    assert shown(name="石门") == {"xishan_village"}
    assert shown(listed="yes") == {"xishan_village"}
    assert shown(listed="no") == {"dongcheng_village"}


@pytest.mark.django_db
def test_a_rule_refuses_with_its_code_in_chinese_and_nothing_written(county, client_as):
    client = client_as(county.users["county_staff"])
    before = written()
    school = county.orgs["xishan_school"]
    response = client.post(change(school), {"listed": "true", "on": "2025-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"[§1.5] 只有村党支部可以列为贫困村，{school.name}不能列入。" in html
    # The body must say which way: nothing is guessed.
    for body in ({"on": "2025-03-01"}, {"listed": "true", "on": "2025-13-01"}):
        assert client.post(change(county.orgs["dongcheng_village"]), body).status_code == 400
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "page", "change_status"),
    [
        ("dc_branch_sec", 403, 403),  # no oversight at all
        ("auditor", 403, 403),  # reads the county, keeps nothing
        ("dc_organiser", 403, 403),  # its own village, but the list is the county's
        ("xs_organiser", 403, 404),  # another township's village
        ("nb_organiser", 403, 404),  # a township of another county
        ("nb_staff", 200, 404),  # another county's department: its own list only
    ],
)
def test_others_are_refused_and_nothing_changes(
    neighbour, client_as, username, page, change_status
):
    county = neighbour
    client = client_as(county.users[username])
    before = written()
    response = client.get(reverse(PAGE))
    assert response.status_code == page
    if page == 200:
        assert county.orgs["dongcheng_village"].name not in response.content.decode()
        assert county.orgs["nb_village"].name in response.content.decode()
    body = {"listed": "true", "on": "2025-03-01"}
    assert client.post(change(county.orgs["dongcheng_village"]), body).status_code == change_status
    assert written() == before


@pytest.mark.django_db
def test_the_oversight_pages_link_the_list_for_the_county_only(county, client_as):
    link = reverse(PAGE)
    staff = client_as(county.users["county_staff"])
    assert link in staff.get(reverse("oversight:index")).content.decode()
    township = reverse("oversight:township", args=[county.orgs["dongcheng"].pk])
    assert link in staff.get(township).content.decode()
    assert link not in client_as(county.users["dc_organiser"]).get(township).content.decode()


@pytest.mark.django_db
def test_a_county_of_hundreds_of_villages_is_shown_fifty_at_a_time(county, client_as):
    """The generated province has ~440 branches a county: the page never offers them
    all at once, and costs the same queries however many there are."""
    client = client_as(county.users["county_staff"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(PAGE)).status_code == 200
    for n in range(120):
        Organisation.objects.create(
            name=f"东城镇第{n}村党支部",
            code=f"extra_village_{n}",
            kind=OrganisationKind.BRANCH,
            tier=Tier.GRASSROOTS,
            parent=county.orgs["dongcheng"],
            domain=Domain.VILLAGE,
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse(PAGE), {"page": 2}).content.decode()
    assert html.count('<button name="listed"') == 50
    assert "<option" not in html.split('id="villages"')[1]  # no village in a select
    assert len(many) == len(few)
