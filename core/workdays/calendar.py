"""Statutory working days in mainland China, and arithmetic on them.

A year's answer comes from its OfficialSchedule when an administrator has
entered one (that always wins), otherwise from the chinesecalendar package,
otherwise the year is unknown and UnknownYear is raised: we never guess, since
a deadline computed on a guessed calendar would be silently wrong.

Pass `datetime.date` values in local (Asia/Shanghai) time, e.g.
`timezone.localdate()`; datetimes are refused so that an aware datetime is
never cut to the wrong day.
"""

from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar
from django.utils.translation import gettext

from core.workdays.models import OfficialSchedule, ScheduleDay

ONE_DAY = timedelta(days=1)


class UnknownYear(Exception):
    """Neither the package nor the database knows the holidays of `year`."""

    def __init__(self, year):
        self.year = year
        super().__init__(year)

    def __str__(self):
        # Translated when shown, in the language active then.
        return gettext(
            "The official holiday schedule for %(year)s has not been entered, "
            "so working days cannot be counted. An administrator must enter the "
            "schedule published by the State Council General Office."
        ) % {"year": self.year}


class _Calendar:
    """Answers for one call chain, reading each year's schedule from the
    database at most once. Deliberately not kept between calls: the web and
    Celery processes would not see each other's cache invalidation, and a
    year entered by an administrator must count everywhere at once."""

    def __init__(self):
        self._schedules = {}  # year -> {date: kind}, or None if not entered

    def _schedule(self, year):
        if year not in self._schedules:
            # One query; a schedule with no days yields one row of Nones.
            rows = OfficialSchedule.objects.filter(year=year).values_list(
                "days__date", "days__kind"
            )
            self._schedules[year] = (
                {day: kind for day, kind in rows if day is not None} if rows else None
            )
        return self._schedules[year]

    def is_working_day(self, d):
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
        schedule = self._schedule(d.year)
        if schedule is not None:
            kind = schedule.get(d)
            if kind == ScheduleDay.Kind.HOLIDAY:
                return False
            if kind == ScheduleDay.Kind.MAKEUP_WORKDAY:
                return True
            return d.weekday() < 5
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:
            raise UnknownYear(d.year) from None

    def add_working_days(self, start, n):
        if n < 1:
            raise ValueError("n must be at least 1")
        d = start
        while n:
            d += ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d


def is_working_day(d: date) -> bool:
    """Whether `d` is a statutory working day (Mon-Fri unless a holiday, or a
    weekend day worked in lieu)."""
    return _Calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n >= 1); `start` itself is never
    counted, whether or not it is a working day.

    add_working_days(Friday, 1) is the next Monday if that is a working day.
    """
    return _Calendar().add_working_days(start, n)


def publicity_end(start: date, days: int) -> date:
    """The last day of a publicity period of `days` working days (days >= 1)
    that begins on `start`.

    `start` counts as the first day if it is a working day; if it is not, the
    count starts at the next working day. So a 5-working-day publicity from
    Monday 2025-09-29 covers 29 and 30 Sept, then (after the National Day
    holiday) 9, 10 and 11 Oct, and ends on 2025-10-11, a make-up Saturday.
    """
    return _Calendar().add_working_days(start - ONE_DAY, days)


def working_days_between(start: date, end: date) -> int:
    """How many working days lie in [start, end], both ends included; 0 if
    `end` is before `start`."""
    calendar = _Calendar()
    count = 0
    d = start
    while d <= end:
        count += calendar.is_working_day(d)
        d += ONE_DAY
    return count


@cache
def package_years() -> range:
    """The years the chinesecalendar package knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def known_years() -> list[int]:
    """Every year working days can be computed for, ascending: the package's
    years plus the years entered in the database."""
    entered = OfficialSchedule.objects.values_list("year", flat=True)
    return sorted(set(package_years()) | set(entered))
