"""Targets for the structure of new members a province may set (core.rulepack).

The idle-branch threshold is rectification's W5 parameter
(rectification.no_development_years): a branch the township sees as idle is
exactly one PartyFlow would propose for W5.
"""

from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import parameter

YOUNG_SHARE = parameter(
    "oversight.young_share_percent",
    70,
    _("Share of new members under 35 the year should reach (percent)"),
    "§1.5 annual plan [S]",
    minimum=0,
    maximum=100,
)
EDUCATED_SHARE = parameter(
    "oversight.educated_share_percent",
    70,
    _("Share of new members with high-school education or more the year should reach (percent)"),
    "§1.5 annual plan [S]",
    minimum=0,
    maximum=100,
)
POOR_VILLAGE_MINIMUM = parameter(
    "oversight.poor_village_minimum",
    1,
    _("New members each poor village should have in the year"),
    "§1.5 annual plan [S]",
    minimum=0,
    maximum=10,
)
