from django.conf import settings
from django.db import models
from django.utils.translation import gettext
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
    # Copied like org_path, so the auditor's search by name tests the case row
    # (through a trigram index, migration 0006) instead of joining every
    # person whose name matches: ~1 % of a province's people for a surname.
    # Person.save keeps it when a name is corrected.
    subject_name = models.CharField(max_length=64, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The key is carried in the index so that the cases under an
            # organisation are read from it alone: the county's inbox read
            # 10,896 case rows from the table to find its 36 steps (50 ms at
            # 1M cases; 11-17 ms from the index, PostgreSQL only).
            models.Index(
                fields=["org_path"],
                name="case_org_path_prefix",
                opclasses=["varchar_pattern_ops"],
                include=["process_ptr"],
            ),
        ]

    def __str__(self):
        return self.title

    def place_in(self, organisation):
        """Attach the case to `organisation`, keeping the copied scope columns true."""
        self.organisation = organisation
        self.org_path = organisation.path
        self.township = organisation.township()

    def about(self, person):
        """Make `person` (or None) the case's subject, keeping the copied name true."""
        self.subject = person
        self.subject_name = person.name if person else ""


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    DROPPED = "dropped", _("No longer needed")


class Deadline(models.Model):
    """A date a case must meet (or may not act before), watched by the beat.

    Services open and close deadlines in the same transaction as the step
    that starts or ends them. The sweep (core.cases.deadlines) reminds the
    responsible organisation from `remind_on`, marks the deadline overdue the
    day after `due_on` and escalates it to `escalate_to`, writing each of
    these into the case's audit chain.
    """

    # Indexed with kind and state below, which serves every lookup by case.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="deadlines", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=48)
    label = models.CharField(_("what is due"), max_length=200)
    rule = models.CharField(_("rule"), max_length=16, blank=True)
    due_on = models.DateField(_("due on"))
    remind_on = models.DateField(_("remind from"))
    # Who must act, and who hears of it when it is missed.
    responsible = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    escalate_to = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    # An "earliest date" (one year of cultivation, end of probation) is not
    # missed when it passes: it only tells the branch it may now act.
    is_earliest = models.BooleanField(default=False)
    state = models.CharField(
        max_length=8, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on"]
        indexes = [
            # The deadlines the sweep has still to remind or mark, walked in case
            # order. Over the whole `case_id` index it read 6.6 million rows at
            # 1M cases to find none due (docs/sizing.md); a row leaves this one
            # once it is reminded and marked, or closed.
            models.Index(
                fields=["case", "remind_on"],
                condition=models.Q(state="open")
                & (
                    models.Q(reminded_at__isnull=True)
                    | models.Q(overdue_at__isnull=True, is_earliest=False)
                ),
                name="deadline_pending",
            ),
            models.Index(fields=["case", "kind", "state"], name="deadline_case_kind"),
            # The missed dates escalated to an organisation (cases.selectors.escalated_to,
            # on every township's and county's inbox): few rows among millions of
            # open deadlines, which the query otherwise read whole (1.2 s at 1M cases).
            models.Index(
                fields=["escalate_to"],
                condition=models.Q(state="open", overdue_at__isnull=False),
                name="deadline_escalated",
            ),
        ]
        constraints = [
            # The sweep looks only at rows whose reminder date has come, which
            # holds every due row only while none is due before its reminder.
            models.CheckConstraint(
                condition=models.Q(remind_on__lte=models.F("due_on")),
                name="deadline_reminded_before_due",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.due_on})"

    @property
    def title(self):
        """The label in the reader's language: services store the English source text
        (marked with gettext_noop) so each reader sees it in their own."""
        return gettext(self.label)

    @property
    def is_overdue(self):
        return self.overdue_at is not None and self.state == DeadlineState.OPEN


class CaseDocument(models.Model):
    """A document a procedure's services file on a case; never changed. Each
    procedure adds its link to the case, its kinds of document and where its
    files are kept."""

    step = models.CharField(_("step"), max_length=64)
    dated = models.DateField(_("date"))
    text = models.TextField(_("content"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["dated", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.dated}"
