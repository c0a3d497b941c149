"""The member-development case and what it keeps along the way.

`Recruitment` is a proxy of core.cases.Case (one process table for every
procedure). `Dossier` holds the dates and people the rules are checked
against; `Record` holds each document the 细则 asks for, with the hash of any
uploaded file (the same hash goes into the audit event).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.cases.models import Case, CaseDocument


class Recruitment(Case):
    class Meta:
        proxy = True
        verbose_name = _("member development case")
        verbose_name_plural = _("member development cases")


class Nomination(models.TextChoices):
    MEMBERS = "members", _("Recommended by party members")  # 党员推荐
    MASS_ORGANISATION = "mass_organisation", _("Recommended by a mass organisation")  # 群团推优


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FULL_MEMBER = "full_member", _("Became a full member")
    NOT_CHOSEN = "not_chosen", _("Not chosen as an activist")
    REVIEW_FAILED = "review_failed", _("Failed the political review")
    PUBLICITY_OBJECTION = "publicity_objection", _("Objection upheld in publicity")
    PREREVIEW_REFUSED = "prereview_refused", _("Refused in pre-review")
    NOT_ADMITTED = "not_admitted", _("Not admitted by the branch meeting")
    NOT_APPROVED = "not_approved", _("Admission not approved")
    CANCELLED = "cancelled", _("Probationary membership cancelled")


class Dossier(models.Model):
    """The facts of one development case (dates are the days things happened)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    applied_on = models.DateField(_("application received on"))
    talked_on = models.DateField(_("talk held on"), null=True, blank=True)
    nomination = models.CharField(
        _("nominated by"), max_length=24, choices=Nomination.choices, blank=True
    )
    activist_on = models.DateField(_("activist from"), null=True, blank=True)
    contacts = models.ManyToManyField(
        "people.Person", verbose_name=_("cultivation contacts"), related_name="+", blank=True
    )
    last_evaluated_on = models.DateField(_("last evaluation on"), null=True, blank=True)
    development_object_on = models.DateField(_("development object from"), null=True, blank=True)
    sponsors = models.ManyToManyField(
        "people.Person", verbose_name=_("sponsors"), related_name="+", blank=True
    )
    relatives = models.ManyToManyField(
        "people.Person",
        verbose_name=_("near relatives who are members"),
        related_name="+",
        blank=True,
    )
    leaves_unit_on = models.DateField(_("leaves the unit on"), null=True, blank=True)
    political_review_on = models.DateField(
        _("political review concluded on"), null=True, blank=True
    )
    trained_on = models.DateField(_("training finished on"), null=True, blank=True)
    admission_meeting_on = models.DateField(_("admission meeting on"), null=True, blank=True)
    approval_extended = models.BooleanField(_("approval period extended"), default=False)
    approved_on = models.DateField(_("admission approved on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    probation_extended = models.BooleanField(_("probation extended"), default=False)
    conversion_postponed_to = models.DateField(_("conversion postponed to"), null=True, blank=True)
    conversion_meeting_on = models.DateField(_("conversion meeting on"), null=True, blank=True)
    conversion_decision = models.CharField(_("conversion decision"), max_length=16, blank=True)
    full_member_on = models.DateField(_("full member from"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    # The choice made at each branching step, read by the flow's switches.
    decisions = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )

    class Meta:
        verbose_name = _("development dossier")
        verbose_name_plural = _("development dossiers")

    def __str__(self):
        return str(self.case)


class RecordKind(models.TextChoices):
    APPLICATION = "application", _("Application for membership")  # 入党申请书
    TALK = "talk", _("Talk record")
    RECOMMENDATION = "recommendation", _("Recommendation and branch committee decision")
    FILING = "filing", _("Filing with the higher committee")
    EVALUATION = "evaluation", _("Cultivation evaluation")
    POLITICAL_REVIEW = "political_review", _("Political review conclusion")
    TRAINING = "training", _("Training record")
    PUBLICITY = "publicity", _("Publicity")
    BRANCH_REVIEW = "branch_review", _("Branch committee review")
    PREREVIEW = "prereview", _("Pre-review result")
    VOLUNTEER_FORM = "volunteer_form", _("Application form for membership (志愿书)")
    RESOLUTION = "resolution", _("Branch general meeting resolution")
    COMMITTEE_TALK = "committee_talk", _("Committee talk record")
    APPROVAL = "approval", _("Committee approval opinion")
    PLACEMENT = "placement", _("Placement in a branch and group")
    OATH = "oath", _("Oath")
    PROBATION_NOTE = "probation_note", _("Probation education record")
    CONVERSION_APPLICATION = "conversion_application", _("Application for full membership")
    ARCHIVE = "archive", _("Archiving record")
    TRANSFER = "transfer", _("Transfer of materials")


class Record(CaseDocument):
    """A document of the case; written only by the services, never changed."""

    # Indexed with kind below, which serves every lookup by case (migration 0002).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records", db_index=False)
    kind = models.CharField(_("document"), max_length=32, choices=RecordKind.choices)
    file = models.FileField(_("file"), upload_to="recruitment/%Y/%m/", blank=True)

    class Meta(CaseDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["case", "kind"])]
