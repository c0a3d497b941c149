"""What every kind of import shares: the bad-row error, the run's context, and the
translation of spreadsheet cells (Chinese labels, 是/否, codes) into form data."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from core.organisations.models import Organisation
from core.people import idnumber
from core.roles.scope import has_scope


@dataclass
class Problem:
    column: str
    value: str
    reason: str


class BadRow(Exception):
    """A row that cannot be imported; each problem names its column."""

    def __init__(self, *problems):
        super().__init__(problems[0].reason)
        self.problems = list(problems)


def bad(column, value, reason):
    return BadRow(Problem(column, value, reason))


def refusal(error):
    """A ValidationError as one line, led by the rule's code when a rule refused it."""
    text = " ".join(error.messages)
    rule = getattr(error, "rule", "")
    return f"[{rule}] {text}" if rule.startswith(("R", "§")) and rule not in text else text


def form_problems(form, columns, row):
    """The form's errors as problems, each under the column its field came from,
    with the cell as the spreadsheet had it."""
    problems = []
    for name, errors in form.errors.items():
        column = columns.get(name, "")
        problems.extend(Problem(column, row.get(column), message) for message in errors)
    return BadRow(*problems)


@dataclass
class Context:
    """One run of a job: who imports, today's date, and what was already looked up."""

    user: object
    permissions: tuple  # any of these over an organisation lets the user import into it
    today: date
    job: object = None
    _orgs: dict = field(default_factory=dict)

    def organisation(self, column, code, *, required=True):
        """The organisation with `code`, which must be in the importer's scope."""
        if not code:
            if required:
                raise bad(column, code, _("Give the organisation's code."))
            return None
        if code not in self._orgs:
            org = Organisation.objects.filter(code=code).first()
            in_scope = org is not None and any(
                has_scope(self.user, codename, org) for codename in self.permissions
            )
            self._orgs[code] = (org, in_scope)
        org, in_scope = self._orgs[code]
        if org is None:
            raise bad(column, code, _("No organisation has the code %(code)s.") % {"code": code})
        if not in_scope:
            raise bad(
                column,
                code,
                _("%(org)s is outside the organisations you may import into.") % {"org": org},
            )
        return org

    def forget(self, code):
        """An organisation created in this run: look it up afresh next time."""
        self._orgs.pop(code, None)


@cache
def _labels(choices_class):
    table = {}
    for value, label in choices_class.choices:
        table[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                table[str(label)] = value
    return table


def choice_value(choices_class, text):
    """The stored value of a choice given as its Chinese or English label or its value;
    anything else is passed on as given, for the form to name as an invalid choice."""
    return _labels(choices_class).get(text, text) if text else ""


YES, NO = ("是", "yes", "y", "true", "1"), ("否", "no", "n", "false", "0", "")


def boolean(column, text):
    low = text.lower()
    if low in YES:
        return True
    if low in NO:
        return False
    raise bad(column, text, _("Enter 是 (yes) or 否 (no)."))


def masked(text):
    """An ID number in the report keeps its region and last four digits only."""
    number = idnumber.normalise(text)
    return idnumber.mask(number) if len(number) == 18 else text


def parse_date(column, text):
    """A date cell given as text (2023-02-30 is refused here, as by a form)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad(
            column, text, _("%(value)s is not a real date (YYYY-MM-DD).") % {"value": text}
        ) from None
