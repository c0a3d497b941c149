from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulePackConfig(AppConfig):
    name = "core.rulepack"
    label = "rulepack"
    verbose_name = _("Rule pack")
