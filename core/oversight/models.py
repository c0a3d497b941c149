"""What the county and the townships enter for oversight: the annual plan and
the registered poor villages. Both are written only by core.oversight.services."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DevelopmentPlan(models.Model):
    """The guiding plan (指导性计划) of admissions for one year (§1.5, annual plan [S]).

    Set for a township committee (its whole area) or for one branch; the
    structure figures are optional, and the actual numbers are never stored
    here: they are read from the admissions on record.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="development_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned = models.PositiveIntegerField(_("planned admissions"))
    planned_young = models.PositiveIntegerField(_("of whom under 35"), null=True, blank=True)
    planned_educated = models.PositiveIntegerField(
        _("of whom with high-school education or more"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_plan_a_year")
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class PoorVillage(models.Model):
    """A village whose party organisation is on the county's list of registered poor
    villages (建档立卡贫困村). Organisation has no such flag, and the list is the
    county's to keep, so it lives here as one row per listed village."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("village party organisation"),
        on_delete=models.PROTECT,
        related_name="poor_village",
    )
    listed_on = models.DateField(_("listed on"))

    class Meta:
        verbose_name = _("poor village")
        verbose_name_plural = _("poor villages")

    def __str__(self):
        return str(self.organisation)
