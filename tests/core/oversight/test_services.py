"""Entering the plan and the poor villages: audited, and refused with nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditEvent
from core.flowkit.errors import NotPermitted, NotVisible, RuleViolation
from core.oversight import services
from core.oversight.models import DevelopmentPlan, PoorVillage


def written():
    return DevelopmentPlan.objects.count(), PoorVillage.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
def test_a_plan_entered_on_the_page_is_audited(county, client_as):
    township, year = county.orgs["dongcheng"], timezone.localdate().year
    client = client_as(county.users["dc_organiser"])
    url = reverse("oversight:plan", args=[township.pk])
    data = {"organisation": township.pk, "year": year, "planned": 6, "planned_young": 5}
    response = client.post(url, data)
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(organisation=township, year=year)
    assert (plan.planned, plan.planned_young, plan.planned_educated) == (6, 5, None)
    event = AuditEvent.objects.get(chain=f"oversight:{township.pk}")
    assert event.action == "plan_entered"
    assert event.actor == county.users["dc_organiser"]
    assert event.actor_role == "township_organiser"
    assert event.data["planned"] == 6
    assert event.data["before"] is None
    # A correction replaces the figures and keeps the old ones in its event.
    client.post(url, {**data, "planned": 8})
    plan.refresh_from_db()
    assert plan.planned == 8
    last = AuditEvent.objects.filter(chain=f"oversight:{township.pk}").order_by("-seq").first()
    assert last.data["before"]["planned"] == 6


@pytest.mark.django_db
def test_plan_entry_refused_out_of_scope_with_nothing_written(county, client_as):
    township, year = county.orgs["dongcheng"], timezone.localdate().year
    url = reverse("oversight:plan", args=[township.pk])
    data = {"organisation": township.pk, "year": year, "planned": 6}
    before = written()
    assert client_as(county.users["xs_organiser"]).post(url, data).status_code == 404
    assert client_as(county.users["dc_branch_sec"]).post(url, data).status_code == 403
    assert written() == before
    with pytest.raises(NotVisible):
        services.enter_plan(
            actor=county.users["xs_organiser"], organisation=township, year=year, planned=6
        )
    with pytest.raises(NotPermitted):
        services.enter_plan(
            actor=county.users["dc_branch_sec"],
            organisation=county.orgs["dongcheng_village"],
            year=year,
            planned=1,
        )
    assert written() == before


@pytest.mark.django_db
def test_plan_rules_refuse_on_the_page_with_the_code(county, client_as):
    township, year = county.orgs["dongcheng"], timezone.localdate().year
    url = reverse("oversight:plan", args=[township.pk])
    before = written()
    response = client_as(county.users["dc_organiser"]).post(
        url, {"organisation": township.pk, "year": year, "planned": 2, "planned_educated": 3}
    )
    assert response.status_code == 400
    assert "[§1.5]" in response.content.decode()
    assert written() == before


@pytest.mark.django_db
def test_plan_rule_year_and_organisation(county):
    year = timezone.localdate().year
    staff = county.users["county_staff"]
    before = written()
    with pytest.raises(RuleViolation) as refused:
        services.enter_plan(actor=staff, organisation=county.orgs["county"], year=year, planned=9)
    assert refused.value.rule == "§1.5"
    with pytest.raises(RuleViolation):
        services.enter_plan(
            actor=staff, organisation=county.orgs["dongcheng_village_group1"], year=year, planned=1
        )
    with pytest.raises(RuleViolation):
        services.enter_plan(
            actor=staff, organisation=county.orgs["dongcheng"], year=year + 2, planned=1
        )
    assert written() == before
    services.enter_plan(
        actor=staff, organisation=county.orgs["dongcheng"], year=year + 1, planned=1
    )
    assert DevelopmentPlan.objects.filter(year=year + 1).count() == 1


@pytest.mark.django_db
def test_poor_villages_are_listed_by_the_county_only(county):
    village = county.orgs["xishan_village"]
    before = written()
    with pytest.raises(NotPermitted):  # their own village, but the list is the county's
        services.list_poor_village(
            actor=county.users["xs_organiser"], organisation=village, listed=True
        )
    with pytest.raises(NotVisible):
        services.list_poor_village(
            actor=county.users["dc_organiser"], organisation=village, listed=True
        )
    with pytest.raises(RuleViolation) as refused:
        services.list_poor_village(
            actor=county.users["county_staff"],
            organisation=county.orgs["xishan_school"],
            listed=True,
        )
    assert refused.value.rule == "§1.5"
    assert written() == before
    services.list_poor_village(
        actor=county.users["county_staff"], organisation=village, listed=True
    )
    assert PoorVillage.objects.get().organisation == village
    services.list_poor_village(
        actor=county.users["county_staff"], organisation=village, listed=False
    )
    assert not PoorVillage.objects.exists()
    actions = AuditEvent.objects.filter(chain=f"oversight:{village.pk}").order_by("seq")
    assert list(actions.values_list("action", flat=True)) == [
        "poor_village_listed",
        "poor_village_delisted",
    ]
