from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "workflows.rectification"
    label = "rectification"
    verbose_name = _("Rectification of weak and lax organisations")

    def ready(self):
        from workflows.rectification import pack  # noqa: F401  registers the parameters
