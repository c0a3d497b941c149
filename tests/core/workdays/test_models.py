from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.workdays.models import OfficialSchedule, ScheduleDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule():
    return OfficialSchedule.objects.create(year=2027, source="test fixture")


def day(schedule, when, kind):
    return ScheduleDay(schedule=schedule, date=when, kind=kind, name="test")


def test_a_make_up_day_on_a_weekday_is_refused(schedule):
    with pytest.raises(ValidationError) as caught:
        day(schedule, date(2027, 1, 6), ScheduleDay.Kind.MAKEUP_WORKDAY).full_clean()  # Wed
    assert caught.value.error_dict["kind"][0].code == "makeup_on_weekday"


def test_a_make_up_day_on_a_weekend_is_accepted(schedule):
    day(schedule, date(2027, 1, 9), ScheduleDay.Kind.MAKEUP_WORKDAY).full_clean()  # Sat
    day(schedule, date(2027, 1, 10), ScheduleDay.Kind.MAKEUP_WORKDAY).full_clean()  # Sun


def test_holidays_may_fall_on_any_day(schedule):
    day(schedule, date(2027, 1, 1), ScheduleDay.Kind.HOLIDAY).full_clean()  # Fri
    day(schedule, date(2027, 1, 2), ScheduleDay.Kind.HOLIDAY).full_clean()  # Sat


def test_a_day_outside_the_schedules_year_is_refused(schedule):
    with pytest.raises(ValidationError) as caught:
        day(schedule, date(2026, 12, 31), ScheduleDay.Kind.HOLIDAY).full_clean()
    assert caught.value.error_dict["date"][0].code == "wrong_year"
