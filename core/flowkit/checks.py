"""Checks and date arithmetic every procedure's rules and services share."""

import hashlib
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from core.flowkit.errors import RuleViolation


def add_months(day: date, months: int) -> date:
    """Calendar months, as "within one month" is read (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def check_date(day: date | None, today: date, label: str, not_before: date | None = None):
    """A date that has happened: given, not in the future, not before `not_before`."""
    if day is None:
        raise RuleViolation("date", _("%(label)s is required.") % {"label": label})
    if day > today:
        raise RuleViolation(
            "date", _("%(label)s cannot be in the future (%(day)s).") % {"label": label, "day": day}
        )
    if not_before is not None and day < not_before:
        raise RuleViolation(
            "date",
            _("%(label)s (%(day)s) cannot be before %(earliest)s.")
            % {"label": label, "day": day, "earliest": not_before},
        )
    return day


def file_sha256(upload) -> str:
    """The hash recorded with an uploaded document (and in its audit event)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
