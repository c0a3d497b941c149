"""Auditing parameters a province may set (core.rulepack)."""

from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import parameter

LATE_RECORDING_DAYS = parameter(
    "auditing.late_recording_days",
    30,
    _("Days after its stated date a step may be entered before the audit flags it as late"),
    "date order (纪实)",
    minimum=1,
    maximum=365,
)
