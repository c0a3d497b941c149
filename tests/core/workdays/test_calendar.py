"""Working-day facts. The 2025 and 2026 facts are the State Council schedules
as carried by chinesecalendar 1.11.0; the 2027 schedules here are test
fixtures, not the real (not yet published) one."""

from datetime import date, datetime

import chinese_calendar
import pytest
from django.utils import translation

from core.workdays.calendar import (
    UnknownYear,
    add_working_days,
    is_working_day,
    known_years,
    publicity_end,
    working_days_between,
)
from core.workdays.models import OfficialSchedule, ScheduleDay

pytestmark = pytest.mark.django_db

HOLIDAY = ScheduleDay.Kind.HOLIDAY
MAKEUP = ScheduleDay.Kind.MAKEUP_WORKDAY


def enter_schedule(year, days=()):
    schedule = OfficialSchedule.objects.create(year=year, source="test fixture")
    for day, kind in days:
        ScheduleDay.objects.create(schedule=schedule, date=day, kind=kind)
    return schedule


# --- facts from the package ------------------------------------------------


def test_package_agrees_with_the_facts_asserted_below():
    # Guards the other tests: if a package upgrade changed these, the
    # assertions below would be testing a different calendar.
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert not chinese_calendar.is_workday(date(2025, 10, 1))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    assert not chinese_calendar.is_workday(date(2026, 1, 1))
    assert chinese_calendar.is_workday(date(2026, 1, 4))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),  # National Day, a Wednesday
        (date(2025, 10, 6), False),  # Mid-Autumn, inside the golden week
        (date(2025, 10, 8), False),  # last day of the golden week
        (date(2025, 9, 27), False),  # an ordinary Saturday
        (date(2025, 9, 28), True),  # Sunday worked in lieu
        (date(2025, 10, 11), True),  # Saturday worked in lieu
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2025, 10, 9), True),  # an ordinary Thursday
        (date(2026, 1, 1), False),  # New Year's Day, a Thursday
        (date(2026, 1, 2), False),  # Friday, part of the New Year holiday
        (date(2026, 1, 4), True),  # Sunday worked in lieu
        (date(2026, 2, 14), True),  # Saturday worked in lieu (Spring Festival)
        (date(2026, 2, 16), False),  # Spring Festival
        (date(2026, 2, 23), False),  # last day of Spring Festival, a Monday
        (date(2026, 2, 24), True),
        (date(2026, 10, 10), True),  # Saturday worked in lieu (National Day)
        (date(2026, 12, 31), True),
    ],
)
def test_is_working_day_from_the_package(day, working):
    assert is_working_day(day) is working


def test_datetimes_are_refused():
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 10, 1, 12))


# --- unknown years --------------------------------------------------------


def test_a_year_nobody_knows_raises_unknown_year_naming_it():
    with pytest.raises(UnknownYear) as caught:
        is_working_day(date(2027, 3, 1))
    assert caught.value.year == 2027
    with translation.override("en"):
        message = str(caught.value)
    assert message.startswith("The official holiday schedule for 2027 has not been entered")
    assert "State Council General Office" in message


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(date(2026, 12, 31), 1),
        lambda: publicity_end(date(2026, 12, 30), 5),
        lambda: working_days_between(date(2026, 12, 1), date(2027, 1, 5)),
        lambda: is_working_day(date(2003, 6, 2)),  # before the package too
    ],
)
def test_arithmetic_reaching_an_unknown_year_raises(call):
    with pytest.raises(UnknownYear):
        call()


# --- schedules entered in the database -------------------------------------


def test_an_entered_year_is_used_and_seen_at_once():
    with pytest.raises(UnknownYear):
        is_working_day(date(2027, 1, 1))
    enter_schedule(2027, [(date(2027, 1, 1), HOLIDAY), (date(2027, 1, 9), MAKEUP)])
    # No stale cache: the very next call sees the new year.
    assert not is_working_day(date(2027, 1, 1))  # Friday, entered as holiday
    assert is_working_day(date(2027, 1, 9))  # Saturday, entered as make-up day
    assert not is_working_day(date(2027, 1, 10))  # ordinary Sunday
    assert is_working_day(date(2027, 1, 11))  # ordinary Monday
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert working_days_between(date(2027, 1, 1), date(2027, 1, 10)) == 6  # 4-8, 9


def test_an_entered_year_overrides_the_package():
    # An (empty) 2025 schedule: the ordinary week, no holidays, no make-up days.
    enter_schedule(2025)
    assert is_working_day(date(2025, 10, 1))
    assert not is_working_day(date(2025, 9, 28))
    enter_schedule(2026, [(date(2026, 3, 2), HOLIDAY)])
    assert not is_working_day(date(2026, 3, 2))
    assert is_working_day(date(2026, 1, 1))  # the package's holiday no longer counts


def test_a_deleted_year_is_forgotten_at_once():
    schedule = enter_schedule(2025)
    assert is_working_day(date(2025, 10, 1))
    schedule.delete()
    assert not is_working_day(date(2025, 10, 1))


def test_each_year_is_read_once_per_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_working_days(date(2025, 9, 1), 40) == date(2025, 10, 31)
    with django_assert_num_queries(2):  # 2025 and 2026
        working_days_between(date(2025, 12, 1), date(2026, 1, 31))


def test_known_years():
    assert known_years() == list(range(2004, 2027))
    enter_schedule(2027)
    enter_schedule(2025)  # already known: listed once
    assert known_years() == list(range(2004, 2028))


# --- arithmetic --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Fri -> make-up Sunday
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the golden week
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # 9, 10, make-up Sat 11
        (date(2025, 9, 30), 4, date(2025, 10, 13)),
        (date(2025, 10, 3), 1, date(2025, 10, 9)),  # start in a holiday
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # make-up Sunday after New Year
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # make-up Sat 14, then 24
        (date(2025, 9, 1), 40, date(2025, 10, 31)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_needs_a_positive_count():
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2025, 9, 1), 0)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 29, 30 Sept, then 9, 10 and the make-up Saturday 11 Oct.
        (date(2025, 9, 29), 5, date(2025, 10, 11)),
        # Starting in the holiday: 9, 10, 11, 13, 14 Oct.
        (date(2025, 10, 1), 5, date(2025, 10, 14)),
        # Starting on the make-up Sunday, it counts: 28, 29, 30 Sept, 9, 10 Oct.
        (date(2025, 9, 28), 5, date(2025, 10, 10)),
        # A one-day period that starts on a working day ends that day.
        (date(2025, 10, 9), 1, date(2025, 10, 9)),
        # Starting on an ordinary Saturday, the count starts on the next
        # working day, here the make-up Sunday: 28, 29, 30 Sept, 9, 10 Oct.
        (date(2025, 9, 27), 5, date(2025, 10, 10)),
        # Spring Festival 2026: 13, make-up 14 Feb, then 24, 25, 26 Feb.
        (date(2026, 2, 13), 5, date(2026, 2, 26)),
    ],
)
def test_publicity_end(start, days, expected):
    assert publicity_end(start, days) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 10, 1), date(2025, 10, 8), 0),  # the golden week
        (date(2025, 9, 28), date(2025, 10, 11), 6),  # 28, 29, 30 Sept, 9, 10, 11 Oct
        (date(2025, 10, 9), date(2025, 10, 9), 1),  # both ends count
        (date(2025, 10, 12), date(2025, 10, 12), 0),
        (date(2025, 10, 9), date(2025, 10, 1), 0),  # end before start
        # 261 weekdays - 18 weekday holidays + 5 make-up weekend days.
        (date(2025, 1, 1), date(2025, 12, 31), 248),
        (date(2026, 1, 1), date(2026, 12, 31), 248),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected
