from datetime import date

import pytest
from django.urls import reverse

from core.workdays.models import OfficialSchedule

pytestmark = pytest.mark.django_db


def post_schedule(client, *days):
    data = {
        "year": 2027,
        "source": "test fixture",
        "days-TOTAL_FORMS": len(days),
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    for i, (when, kind) in enumerate(days):
        data |= {f"days-{i}-date": when, f"days-{i}-kind": kind, f"days-{i}-name": ""}
    return client.post(reverse("admin:workdays_officialschedule_add"), data)


def inline_errors(response):
    (inline,) = response.context["inline_admin_formsets"]
    (errors,) = inline.formset.errors
    return errors


def test_admin_enters_a_year_and_is_recorded(admin_client, admin_user):
    response = post_schedule(
        admin_client, ("2027-01-01", "holiday"), ("2027-01-09", "makeup_workday")
    )
    assert response.status_code == 302
    schedule = OfficialSchedule.objects.get(year=2027)
    assert schedule.entered_by == admin_user
    assert list(schedule.days.values_list("date", flat=True)) == [
        date(2027, 1, 1),
        date(2027, 1, 9),
    ]


def test_admin_refuses_a_make_up_day_on_a_weekday(admin_client):
    response = post_schedule(admin_client, ("2027-01-06", "makeup_workday"))  # Wed
    assert response.status_code == 200  # the form again, with the error
    assert list(inline_errors(response)) == ["kind"]
    assert not OfficialSchedule.objects.exists()


def test_admin_refuses_a_day_outside_the_year(admin_client):
    response = post_schedule(admin_client, ("2026-12-31", "holiday"))
    assert response.status_code == 200
    assert list(inline_errors(response)) == ["date"]
    assert not OfficialSchedule.objects.exists()
