from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VettingConfig(AppConfig):
    name = "workflows.vetting"
    label = "vetting"
    verbose_name = _("Cadre vetting")

    def ready(self):
        from workflows.vetting import pack  # noqa: F401  registers the parameters
