from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class Case(Process):
    """A running procedure about one organisation (and usually one person).

    Every procedure's process is a proxy of this model, so inboxes, oversight
    and audit search span procedures with one join. The organisation is the
    one that owns the case (the branch in member development); `township` and
    `org_path` are copied from it so scope filters are indexed column tests.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    township = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="township_cases",
    )
    org_path = models.CharField(max_length=255, editable=False)
    subject = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(
                fields=["org_path"], name="case_org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.title

    def place_in(self, organisation):
        """Attach the case to `organisation`, keeping the copied scope columns true."""
        self.organisation = organisation
        self.org_path = organisation.path
        self.township = organisation.township()
