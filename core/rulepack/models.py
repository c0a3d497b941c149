from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.rulepack.registry import PARAMETERS


class RulePack(models.Model):
    """One version of a province's parameters, in force from a date.

    Packs are never edited: a change is a new version, so a case decided under
    an earlier pack can always be explained by the values of that pack.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    values = models.JSONField(_("values"), default=dict)
    note = models.TextField(_("basis of the change"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True
    )

    class Meta:
        verbose_name = _("rule pack")
        verbose_name_plural = _("rule packs")
        ordering = ["-effective_from", "-version"]

    def __str__(self):
        return f"v{self.version} ({self.effective_from})"

    def clean(self):
        # The admin's JSON field accepts any JSON; only an object of known keys is a pack.
        if not isinstance(self.values, dict):
            raise ValidationError(
                {"values": _t("Give the values as an object of parameter names and values.")}
            )
        for key, value in self.values.items():
            if key not in PARAMETERS:
                raise ValidationError(
                    {"values": _t("Unknown rule-pack key: %(key)s") % {"key": key}}
                )
            try:
                PARAMETERS[key].check(value)
            except ValidationError as error:
                raise ValidationError({"values": error.messages}) from error
