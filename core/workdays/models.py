"""Official holiday schedules entered by hand, for years the chinesecalendar
package does not know yet (see core.workdays.calendar)."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialSchedule(models.Model):
    """The State Council's holiday schedule for one year. When a year has one,
    it is authoritative for that year, even over the package."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The State Council General Office notice, e.g. its number."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("official holiday schedule")
        verbose_name_plural = _("official holiday schedules")

    def __str__(self):
        return str(self.year)


class ScheduleDay(models.Model):
    """A day the schedule changes: a holiday, or a weekend day worked in lieu.
    Every other day is a working day from Monday to Friday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday")
        MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")

    schedule = models.ForeignKey(
        OfficialSchedule,
        verbose_name=_("schedule"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("e.g. Spring Festival")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("schedule day")
        verbose_name_plural = _("schedule days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        try:
            schedule = self.schedule
        except ObjectDoesNotExist:  # an admin inline before its schedule is valid
            schedule = None
        if self.date and schedule and schedule.year and self.date.year != schedule.year:
            errors["date"] = ValidationError(
                _("%(date)s is not in the schedule's year %(year)s."),
                code="wrong_year",
                params={"date": self.date, "year": schedule.year},
            )
        # Holidays may fall on weekends (they are listed whole, e.g. 1-8 Oct),
        # but working in lieu only ever moves work onto a Saturday or Sunday.
        if self.date and self.kind == self.Kind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            errors["kind"] = ValidationError(
                _("%(date)s is a weekday; a make-up working day must be a Saturday or Sunday."),
                code="makeup_on_weekday",
                params={"date": self.date},
            )
        if errors:
            raise ValidationError(errors)
