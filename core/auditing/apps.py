from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditingConfig(AppConfig):
    name = "core.auditing"
    verbose_name = _("Auditor workspace")

    def ready(self):
        from core.auditing import pack  # noqa: F401  registers the parameters
