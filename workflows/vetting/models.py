"""Cadre vetting (干部审查): the cases and what they keep.

Five procedures, each a proxy of core.cases.Case with its own record:

- `JointReview` (§3a 两委联审): a township's batch of candidates for one
  village's two committees; `Batch` and its `Candidate` rows.
- `DepartmentReview`: one department's part of a joint review, a case placed
  at the department itself so that only that department acts on it and only
  the county (and auditors) above it see it; `Referral` and its `Verdict`s.
- `SecretaryFiling` (§3b 村书记县级备案); `SecretaryDossier`.
- `Selection` (§3c 选拔任用: 凡提四必, decision, publicity, probation);
  `SelectionDossier`, `Check`, `Objection`.
- `ReserveCadre` (§3d 后备干部); `ReserveDossier`.

The reviewing departments and the negative list are data
(`ReviewingDepartment`, `NegativeItem`), because counties and provinces set
them differently. `Appointment` records who took a post on whose authority.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.cases.models import Case

# --- Configuration: departments and the negative list -----------------------


class DepartmentFunction(models.TextChoices):
    """What a county department does in a joint review (§3a: twelve of them)."""

    DISCIPLINE = "discipline", _("Discipline inspection and supervision")  # 纪检监察
    ORGANISATION = "organisation", _("Organisation")  # 组织
    PUBLICITY = "publicity", _("Publicity")  # 宣传
    POLITICAL_LEGAL = "political_legal", _("Political and legal affairs")  # 政法
    POLICE = "police", _("Public security")  # 公安
    PROCURATORATE = "procuratorate", _("Procuratorate")  # 检察
    COURT = "court", _("Court")  # 法院
    JUSTICE = "justice", _("Justice")  # 司法
    PETITIONS = "petitions", _("Letters and visits")  # 信访
    HEALTH = "health", _("Health")  # 卫健
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")  # 民政
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")  # 农业农村/经管


class ReviewingDepartment(models.Model):
    """A county department and its part in vetting.

    Every active row with `in_joint_review` receives each joint review of its
    county; the `discipline` department gives its opinion in every selection
    (§3c). A department's county is its parent organisation.
    """

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="vetting_role",
        limit_choices_to={"kind": "department"},
    )
    function = models.CharField(_("function"), max_length=24, choices=DepartmentFunction.choices)
    in_joint_review = models.BooleanField(_("takes part in joint reviews"), default=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reviewing department")
        verbose_name_plural = _("reviewing departments")
        ordering = ["order", "pk"]

    def __str__(self):
        return str(self.organisation)


class NegativeItem(models.Model):
    """One item of the negative list (负面清单, e.g. 「十不选」) a finding cites.

    `look_back_years` bounds how old the fact may be for it to bar a
    candidate (a penalty 5 years ago, an unqualified rating in the last 3);
    empty means no limit, or that the item is a present state (a discipline
    period not yet over). `source` is the department that usually finds it;
    any department may cite any item. Labels are entered in English and shown
    through the translation catalogue, so items a province adds in Chinese
    show as entered.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    label = models.CharField(_("item"), max_length=300)
    look_back_years = models.PositiveSmallIntegerField(_("look-back years"), null=True, blank=True)
    source = models.CharField(
        _("usually found by"), max_length=24, choices=DepartmentFunction.choices
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    active = models.BooleanField(_("in force"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("negative-list item")
        verbose_name_plural = _("negative list")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.display_label}"

    @property
    def display_label(self):
        return gettext(self.label)


# --- §3a joint review --------------------------------------------------------


class Purpose(models.TextChoices):
    ELECTION = "election", _("Election of the two committees")  # 换届
    ADJUSTMENT = "adjustment", _("Adjustment during the term")  # 任期内调整
    SECRETARY = "secretary", _("Village party secretary")  # 村党组织书记备案
    RESERVE = "reserve", _("Reserve cadre")  # 后备干部


class Post(models.TextChoices):
    SECRETARY = "secretary", _("Party organisation secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Party organisation deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Party organisation committee member")
    DIRECTOR = "director", _("Villagers' committee director")
    VILLAGERS_COMMITTEE_MEMBER = "villagers_committee_member", _("Villagers' committee member")
    RESERVE = "reserve", _("Reserve cadre")


class Result(models.TextChoices):
    PENDING = "pending", _("Under review")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class JointReview(Case):
    class Meta:
        proxy = True
        verbose_name = _("joint qualification review")
        verbose_name_plural = _("joint qualification reviews")


class DepartmentReview(Case):
    class Meta:
        proxy = True
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")


class Batch(models.Model):
    """A township's candidates for one village's two committees."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    village = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    submitted_on = models.DateField(_("submitted on"))
    dispatched_on = models.DateField(_("sent to the departments on"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    publicity_started_on = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("publicity until"), null=True, blank=True)
    published_on = models.DateField(_("result final on"), null=True, blank=True)
    decisions = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("joint review batch")
        verbose_name_plural = _("joint review batches")

    def __str__(self):
        return str(self.case)


class Candidate(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("proposed post"), max_length=32, choices=Post.choices)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    # The negative-list codes that failed the candidate, or "objection": what
    # the township is told, without the departments or their evidence.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="vetting_candidate_once")
        ]
        indexes = [models.Index(fields=["person", "result"])]

    def __str__(self):
        return f"{self.person.name} · {self.get_post_display()}"


class Referral(models.Model):
    """A batch sent to one department: the record of a DepartmentReview case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="referrals")
    department = models.ForeignKey(
        ReviewingDepartment, on_delete=models.PROTECT, related_name="referrals"
    )
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due on"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral to a department")
        verbose_name_plural = _("referrals to departments")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "department"], name="vetting_referral_once_per_department"
            )
        ]

    def __str__(self):
        return str(self.case)


class Verdict(models.Model):
    """One department's answer on one candidate: clear, or a finding with evidence."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="verdicts")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="verdicts")
    item = models.ForeignKey(
        NegativeItem,
        verbose_name=_("negative-list item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    occurred_on = models.DateField(_("date of the fact"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("department verdict")
        verbose_name_plural = _("department verdicts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "candidate"], name="vetting_verdict_once_per_department"
            )
        ]

    def __str__(self):
        return f"{self.candidate} · {self.item.code if self.item else gettext('clear')}"

    @property
    def is_finding(self):
        return self.item_id is not None


class Appointment(models.Model):
    """Someone took a post, and the case that allowed it (未经联审者不得任职)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    post = models.CharField(_("post"), max_length=100)
    appointed_on = models.DateField(_("appointed on"))
    case = models.ForeignKey(
        Case, verbose_name=_("on the authority of"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-appointed_on", "pk"]

    def __str__(self):
        return f"{self.person.name} · {self.post} ({self.appointed_on})"


# --- §3b village secretary filing ------------------------------------------


class SecretaryFiling(Case):
    class Meta:
        proxy = True
        verbose_name = _("village secretary filing")
        verbose_name_plural = _("village secretary filings")


class SecretaryDossier(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    village = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("village or community"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    filed_on = models.DateField(_("filed with the county on"), null=True, blank=True)
    replied_on = models.DateField(_("county replied on"), null=True, blank=True)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    result_filed_on = models.DateField(_("result filed on"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    audited_on = models.DateField(_("term audited on"), null=True, blank=True)
    decisions = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("secretary filing dossier")
        verbose_name_plural = _("secretary filing dossiers")

    def __str__(self):
        return str(self.case)


# --- §3c selection ----------------------------------------------------------


class Selection(Case):
    class Meta:
        proxy = True
        verbose_name = _("cadre selection")
        verbose_name_plural = _("cadre selections")


class CheckKind(models.TextChoices):
    """凡提四必: the four checks before any promotion (§3c 第三十一条)."""

    FILE = "file", _("Personnel file audit")  # 干部人事档案审核
    PERSONAL_MATTERS = "personal_matters", _("Check of the personal-matters report")
    DISCIPLINE = "discipline", _("Opinion of the discipline body")  # 纪检监察机关意见
    PETITIONS = "petitions", _("Verification of petitions and reports")  # 信访举报核查


class SelectionOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    CHECK_FAILED = "check_failed", _("Stopped by a check")
    NOT_APPROVED = "not_approved", _("Not approved by the committee")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld in publicity")
    APPOINTED = "appointed", _("Appointed")
    CONFIRMED = "confirmed", _("Confirmed after probation")
    REMOVED = "removed", _("Removed after probation")


class SelectionDossier(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    post = models.CharField(_("post"), max_length=100)
    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit of the post"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_on = models.DateField(_("proposed on"))
    with_probation = models.BooleanField(_("probation applies"), default=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    publicity_started_on = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("publicity until"), null=True, blank=True)
    publicity_closed_on = models.DateField(_("publicity closed on"), null=True, blank=True)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=SelectionOutcome.choices,
        default=SelectionOutcome.IN_PROGRESS,
    )
    decisions = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("selection dossier")
        verbose_name_plural = _("selection dossiers")

    def __str__(self):
        return str(self.case)


class Check(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vetting_checks")
    kind = models.CharField(_("check"), max_length=20, choices=CheckKind.choices)
    checked_on = models.DateField(_("checked on"))
    clear = models.BooleanField(_("nothing against the appointment"))
    text = models.TextField(_("result"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pre-appointment check")
        verbose_name_plural = _("pre-appointment checks")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="vetting_check_once")]

    def __str__(self):
        return self.get_kind_display()


class Objection(models.Model):
    """An objection received during pre-appointment publicity; open until resolved."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vetting_objections")
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("objection"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolution = models.TextField(_("finding of the verification"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.received_on}: {self.text[:40]}"

    @property
    def is_open(self):
        return self.resolved_on is None


# --- §3d reserve cadres -----------------------------------------------------


class ReserveCadre(Case):
    class Meta:
        proxy = True
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")


class Nomination(models.TextChoices):
    SELF = "self", _("Self-recommended")  # 个人自荐
    MEMBERS = "members", _("Recommended by party members")  # 党员推荐
    MASSES = "masses", _("Recommended by the villagers")  # 群众推荐


class ReserveDossier(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    nominated_on = models.DateField(_("nominated on"))
    nomination = models.CharField(_("nominated by"), max_length=16, choices=Nomination.choices)
    shortlisted_on = models.DateField(_("shortlisted on"), null=True, blank=True)
    entered_on = models.DateField(_("in the pool from"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last yearly review on"), null=True, blank=True)
    left_on = models.DateField(_("left the pool on"), null=True, blank=True)
    decisions = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("reserve cadre dossier")
        verbose_name_plural = _("reserve cadre dossiers")

    def __str__(self):
        return str(self.case)
