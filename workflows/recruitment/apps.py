from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "workflows.recruitment"
    label = "recruitment"
    verbose_name = _("Member development")

    def ready(self):
        from workflows.recruitment import pack  # noqa: F401  registers the parameters
