"""Cadre-vetting parameters a province may set (core.rulepack).

The reviewing departments and the negative list are tables
(`ReviewingDepartment`, `NegativeItem`), not pack values: they name
organisations and carry several fields per item.
"""

from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import parameter

DEPARTMENT_REVIEW_DAYS = parameter(
    "vetting.department_review_days",
    10,
    _("Days a department has to answer a joint review (calendar days)"),
    "§3a [S, local practice]",
    minimum=1,
    maximum=60,
)
RESULT_PUBLICITY_DAYS = parameter(
    "vetting.result_publicity_working_days",
    5,
    _("Publicity of the joint-review result (statutory working days)"),
    "§3a 结果反馈公示 [S]",
    minimum=1,
    maximum=30,
)
PRE_APPOINTMENT_PUBLICITY_DAYS = parameter(
    "vetting.pre_appointment_publicity_working_days",
    5,
    _("Pre-appointment publicity (statutory working days, at least 5)"),
    "§3c 任前公示 [V 2014 第四十一条; S 2019 第四十二条]",
    minimum=5,
    maximum=30,
)
DECISION_ATTENDANCE = parameter(
    "vetting.decision_attendance",
    "2/3",
    _("Share of the committee members who must attend a decision on appointments"),
    "§3c 讨论决定 [V 2014 第三十七条]",
)
SECRETARY_TERM_YEARS = parameter(
    "vetting.village_term_years",
    5,
    _("Term of a village party organisation (years); its secretary is audited at its end"),
    "§3b 任期 [S: 村党组织每届任期五年, 2019 农村基层组织工作条例]",
    minimum=3,
    maximum=5,
)
RESERVE_REVIEW_MONTHS = parameter(
    "vetting.reserve_review_months",
    12,
    _("Months between yearly reviews of a reserve cadre"),
    "§3d [S]",
    minimum=6,
    maximum=12,
)
REMIND_DAYS = parameter(
    "vetting.remind_days_before",
    3,
    _("Days before a vetting deadline when the responsible organisation is reminded"),
    "local practice",
    minimum=1,
    maximum=30,
)
