"""Rectification parameters a province or county may set (core.rulepack).

Everything in §2 of domain-rules.md is local practice ([S]) or unverified
([U]); each value here is the usual one with its source, and none is fixed
in code.
"""

from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import parameter

LISTING_RATIO = parameter(
    "rectification.listing_ratio_percent",
    0,
    _(
        "Share of the organisations screened that the county lists (%); 0 means no quota: "
        "every organisation with a verified situation is listed"
    ),
    "§2.3.2 [S] 不设比例、应列尽列 (Anxi); 5–10% 倒排 (People's Daily 2017)",
    minimum=0,
    maximum=100,
)
PASS_SCORE = parameter(
    "rectification.acceptance_pass_score",
    70,
    _("Lowest acceptance score that passes"),
    "§2.3.7 [S] Chunhua",
    minimum=0,
    maximum=100,
)
UNSATISFIED_SHARE = parameter(
    "rectification.unsatisfied_share_percent",
    50,
    _("An acceptance fails when more than this share of the evaluators is unsatisfied (%)"),
    "§2.3.7 [S] Chunhua",
    minimum=1,
    maximum=100,
)
EVALUATION_SIZE = parameter(
    "rectification.evaluation_size",
    15,
    _("Fewest party members and villagers in the acceptance's democratic evaluation"),
    "§2.3.7 [S] Chunhua",
    minimum=1,
    maximum=500,
)
REQUIRED_FORCES = parameter(
    "rectification.required_forces",
    ["county_leader", "township_leader", "stationed", "paired_unit"],
    _("Forces that must be assigned before rectification starts"),
    "§2.3.5 [S] 「四个一」",
)
LOOK_BACK_MONTHS = parameter(
    "rectification.look_back_months",
    12,
    _("Months after delisting when the look-back is held"),
    "§2.3.8 [S/U]",
    minimum=1,
    maximum=60,
)
LOOK_BACK_SHARE = parameter(
    "rectification.look_back_share_percent",
    100,
    _("Share of the delisted organisations the look-back visits (%)"),
    "§2.3.8 [U]: a 10% sample was not found in the sources; all by default",
    minimum=1,
    maximum=100,
)
REPEAT_WINDOW_YEARS = parameter(
    "rectification.repeat_window_years",
    5,
    _("An organisation listed again within this many years is flagged as listed twice"),
    "§2.3.8 [S] Xining: 14 villages listed twice in 5 years",
    minimum=1,
    maximum=20,
)
SECRETARY_VACANCY_MONTHS = parameter(
    "rectification.secretary_vacancy_months",
    3,
    _("PartyFlow proposes W1 when the branch secretary post has been vacant longer (months)"),
    "W1 [S] cfenews",
    minimum=1,
    maximum=24,
)
NO_DEVELOPMENT_YEARS = parameter(
    "rectification.no_development_years",
    2,
    _("PartyFlow proposes W5 when no member was admitted for this many years"),
    "W5 [S] cfenews",
    minimum=1,
    maximum=10,
)
REMIND_DAYS = parameter(
    "rectification.remind_days_before",
    14,
    _("Days before a rectification deadline when the organisation is reminded"),
    "local practice",
    minimum=1,
    maximum=60,
)
