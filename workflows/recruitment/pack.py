"""Member-development parameters a province may set (core.rulepack).

Rules marked [V] in domain-rules.md are fixed in rules.py; these are the [S]
ones: local practice with the usual national default.
"""

from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import parameter

PUBLICITY_WORKING_DAYS = parameter(
    "recruitment.publicity_working_days",
    5,
    _("Publicity of development objects and of members to be converted (statutory working days)"),
    "§1.5 公示 [S]",
    minimum=1,
    maximum=30,
)
APPROVAL_MONTHS = parameter(
    "recruitment.approval_months",
    3,
    _("Months the committee has to approve an admission"),
    "R1.19 [S]",
    minimum=1,
    maximum=3,
)
APPROVAL_EXTENDED_MONTHS = parameter(
    "recruitment.approval_extended_months",
    6,
    _("Longest an admission approval may be extended to (months)"),
    "R1.19 [S]",
    minimum=3,
    maximum=6,
)
SMALL_BRANCH_MINIMUM = parameter(
    "recruitment.meeting_minimum_full_members",
    3,
    _("Fewest full members a branch needs to hold an admission meeting"),
    "§1.4.5 [S]",
    minimum=3,
    maximum=10,
)
LEAVING_MONTHS = parameter(
    "recruitment.leaving_unit_bar_months",
    3,
    _("No admission when the person leaves the unit within this many months"),
    "R1.15 [V]",
    minimum=3,
    maximum=6,
)
TRANSFER_POSTPONE_MONTHS = parameter(
    "recruitment.transfer_postpone_months",
    6,
    _("Longest a receiving branch may postpone a transferred member's conversion (months)"),
    "R1.26 [S]",
    minimum=0,
    maximum=6,
)
REMIND_DAYS = parameter(
    "recruitment.remind_days_before",
    7,
    _("Days before a deadline when the responsible organisation is reminded"),
    "local practice",
    minimum=1,
    maximum=60,
)
NEAR_RELATIVES_BARRED = parameter(
    "recruitment.near_relatives_barred",
    False,
    _("Village cadres may not sponsor or vote on their near relatives"),
    "§1.5 近亲属 [S, local]",
)
