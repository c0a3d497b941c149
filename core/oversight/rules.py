"""What the county and the townships may enter for oversight (§1.5, annual plan [S]).

Pure functions: each raises RuleViolation with the section code, so the page
shows "[§1.5] …" and nothing is written.
"""

from django.utils.translation import gettext as _

from core.flowkit.errors import RuleViolation
from core.organisations.models import Domain, OrganisationKind, Tier

BRANCH_KINDS = (OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH)


def is_township(organisation) -> bool:
    return organisation.kind == OrganisationKind.COMMITTEE and organisation.tier == Tier.TOWNSHIP


def check_plan_organisation(organisation):
    """Counties set the quotas of their townships, and townships of their branches."""
    if not (is_township(organisation) or organisation.kind in BRANCH_KINDS):
        raise RuleViolation(
            "§1.5",
            _(
                "A development plan is set for a township committee or for a branch, not for %(org)s."
            )
            % {"org": organisation},
        )


def check_plan_year(year: int, today):
    """A plan guides the coming work: this year's or next year's, or a past year's
    entered late, but not one further ahead."""
    if year > today.year + 1:
        raise RuleViolation(
            "§1.5",
            _("A plan can be set at most for next year (%(year)s).") % {"year": today.year + 1},
        )


def check_plan_structure(planned: int, young: int | None, educated: int | None):
    """The planned structure counts people among the planned admissions."""
    for part in (young, educated):
        if part is not None and part > planned:
            raise RuleViolation(
                "§1.5",
                _("A part of the plan (%(part)s) cannot exceed the planned admissions (%(n)s).")
                % {"part": part, "n": planned},
            )


def check_poor_village(organisation):
    """The list names villages: the party organisation of a village, not a group."""
    if organisation.domain != Domain.VILLAGE or organisation.kind not in BRANCH_KINDS:
        raise RuleViolation(
            "§1.5",
            _("Only the party branch of a village can be listed as a poor village, not %(org)s.")
            % {"org": organisation},
        )
