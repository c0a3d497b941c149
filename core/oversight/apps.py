from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "core.oversight"
    verbose_name = _("Township oversight")

    def ready(self):
        from core.oversight import pack  # noqa: F401  registers the parameters
