"""整顿软弱涣散基层党组织: screening rounds, the list, and each listed organisation's case.

Three kinds of case, each a proxy of core.cases.Case so inboxes, audit and
oversight span them with the other procedures:

- `ScreeningRoundCase` at the county: one screening round (排查), ending in the
  county's decision on the list (确定). Its facts are in `ScreeningRound`.
- `OrganisationCheckCase` at each organisation the round covers: the
  self-check, the township's re-check and the county's verification. Its
  facts are in `OrganisationCheck`; the situations raised are `Finding`s.
- `Rectification` at each listed organisation: forces, plan, item-by-item
  rectification, acceptance, delisting and look-back. Its facts are in
  `Listing`, with `Force`, `Problem`, `Measure` and `Acceptance` rows.

`Document` keeps every written record with the hash of its file (the same
hash goes into the audit event). Only services.py writes any of these.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.cases.models import Case, CaseDocument


class ScreeningRoundCase(Case):
    class Meta:
        proxy = True
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")


class OrganisationCheckCase(Case):
    class Meta:
        proxy = True
        verbose_name = _("organisation check")
        verbose_name_plural = _("organisation checks")


class Rectification(Case):
    class Meta:
        proxy = True
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")


class Evidence(models.TextChoices):
    STATEMENT = "statement", _("A written finding or a document")
    REFERRAL = "referral", _("A referral from a department")


class Detector(models.TextChoices):
    """What PartyFlow itself can tell about a situation, from its own records."""

    NONE = "", _("None")
    SECRETARY_VACANCY = "secretary_vacancy", _("Branch secretary post vacant")
    NO_DEVELOPMENT = "no_development", _("No member developed")
    ORGANISATIONAL_LIFE = "organisational_life", _("Organisational life not held")


class Situation(models.Model):
    """One of the situations that make an organisation weak and lax (§2.2).

    The list is data: a county may reword, add or retire situations. The
    seed (migration 0002) holds W1–W10 in the wording of §2.2.
    """

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("situation"), max_length=200)
    test = models.CharField(_("typical test"), max_length=200, blank=True)
    evidence = models.CharField(
        _("confirmed on"), max_length=16, choices=Evidence.choices, default=Evidence.STATEMENT
    )
    detector = models.CharField(
        _("proposed by PartyFlow from"),
        max_length=24,
        choices=Detector.choices,
        default=Detector.NONE,
        blank=True,
    )
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("weak and lax situation")
        verbose_name_plural = _("weak and lax situations")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class RoundKind(models.TextChoices):
    ANNUAL = "annual", _("Annual, every organisation")  # 年度全覆盖排查
    DYNAMIC = "dynamic", _("Any time, named organisations")  # 动态摸排


class ScreeningRound(models.Model):
    """A screening round over organisations of one county."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    county = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    opened_on = models.DateField(_("opened on"))
    covered = models.PositiveIntegerField(_("organisations covered"), default=0)
    decided_on = models.DateField(_("list decided on"), null=True, blank=True)
    ratio_percent = models.PositiveSmallIntegerField(
        _("listing ratio in force (%)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                condition=models.Q(kind="annual"),
                name="rectification_one_annual_round",
            )
        ]

    def __str__(self):
        return str(self.case)


class OrganisationCheck(models.Model):
    """One organisation's three-level check in a round (自查、乡镇复查、县级核实)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    round = models.ForeignKey(
        ScreeningRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="checks"
    )
    self_checked_on = models.DateField(_("self-check on"), null=True, blank=True)
    township_checked_on = models.DateField(_("township re-check on"), null=True, blank=True)
    county_checked_on = models.DateField(_("county verification on"), null=True, blank=True)
    # Why PartyFlow could not propose a situation from its records: {code: reason}.
    unavailable = models.JSONField(_("proposals not available"), default=dict, blank=True)

    class Meta:
        verbose_name = _("organisation check")
        verbose_name_plural = _("organisation checks")

    def __str__(self):
        return str(self.case)


class Source(models.TextChoices):
    SYSTEM = "system", _("Proposed by PartyFlow")
    REFERRAL = "referral", _("Referred by a department")
    SELF = "self", _("Self-check")
    TOWNSHIP = "township", _("Township re-check")
    COUNTY = "county", _("County verification")


class Department(models.TextChoices):
    """Who refers (§2.3.1: 纪委监委, 政法, 公安, 民政, 信访 and others)."""

    DISCIPLINE = "discipline", _("Discipline inspection and supervision")
    POLITICAL_LEGAL = "political_legal", _("Political and legal affairs")
    POLICE = "police", _("Public security")
    PETITIONS = "petitions", _("Letters and visits")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    OTHER = "other", _("Other department")


class Decision(models.TextChoices):
    PENDING = "", _("Not decided")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Finding(models.Model):
    """A situation raised about an organisation in a check, and what each level made of it."""

    org_check = models.ForeignKey(
        OrganisationCheck,
        verbose_name=_("check"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    situation = models.ForeignKey(
        Situation, verbose_name=_("situation"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("raised by"), max_length=16, choices=Source.choices)
    statement = models.TextField(_("finding"), blank=True)
    # What PartyFlow read from its records when it proposed the situation.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("referring department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department_kind = models.CharField(
        _("department kind"), max_length=16, choices=Department.choices, blank=True
    )
    received_on = models.DateField(_("raised on"))
    document = models.ForeignKey(
        "Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    township_decision = models.CharField(
        _("township"), max_length=12, choices=Decision.choices, blank=True
    )
    township_reason = models.TextField(_("township's reason"), blank=True)
    county_decision = models.CharField(
        _("county"), max_length=12, choices=Decision.choices, blank=True
    )
    county_reason = models.TextField(_("county's reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["org_check", "situation__order", "pk"]

    def __str__(self):
        return f"{self.situation.code} · {self.org_check}"

    @property
    def verified(self):
        return self.county_decision == Decision.CONFIRMED


class ListingBasis(models.TextChoices):
    SCREENING = "screening", _("Screening round")
    RELAPSE = "relapse", _("Relapse found at a look-back")


class LookBack(models.TextChoices):
    PENDING = "", _("Not yet")
    NOT_SAMPLED = "not_sampled", _("Not in the sample")
    HELD = "held", _("Results held")
    RELAPSED = "relapsed", _("Relapsed, listed again")


class Listing(models.Model):
    """The facts of one listed organisation's rectification (一村一档)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True)
    round = models.ForeignKey(
        ScreeningRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
    )
    basis = models.CharField(_("listed by"), max_length=12, choices=ListingBasis.choices)
    listed_on = models.DateField(_("listed on"))
    earlier = models.ForeignKey(
        Case,
        verbose_name=_("earlier rectification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_listings",
    )
    # Listed again within the rule pack's window: the county watches these (§2.3.8).
    repeat = models.BooleanField(_("listed before"), default=False)
    forces_assigned_on = models.DateField(_("forces assigned on"), null=True, blank=True)
    planned_on = models.DateField(_("plan adopted on"), null=True, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    rectified_on = models.DateField(_("rectification reported done on"), null=True, blank=True)
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    look_back_sampled = models.BooleanField(_("in the look-back sample"), null=True, blank=True)
    looked_back_on = models.DateField(_("look-back on"), null=True, blank=True)
    look_back = models.CharField(
        _("look-back"), max_length=12, choices=LookBack.choices, blank=True
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-listed_on"]

    def __str__(self):
        return str(self.case)


class ForceKind(models.TextChoices):
    """The 「四个一」 assigned to a listed organisation (§2.3.5)."""

    COUNTY_LEADER = "county_leader", _("County-level leader in contact")  # 县级领导联系
    TOWNSHIP_LEADER = "township_leader", _("Township leader responsible")  # 乡镇领导包抓
    STATIONED = "stationed", _("First secretary or party-building instructor")  # 第一书记/指导员
    PAIRED_UNIT = "paired_unit", _("Paired unit")  # 结对单位


class StationedPost(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    INSTRUCTOR = "instructor", _("Party-building instructor")


class Force(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rectification_forces")
    kind = models.CharField(_("force"), max_length=16, choices=ForceKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.CharField(_("post"), max_length=16, choices=StationedPost.choices, blank=True)
    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_on = models.DateField(_("assigned on"))

    class Meta:
        verbose_name = _("assigned force")
        verbose_name_plural = _("assigned forces")
        ordering = ["case", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="rectification_one_force_each"),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, unit__isnull=False)
                | models.Q(person__isnull=False, unit__isnull=True),
                name="rectification_force_person_or_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.holder}"

    @property
    def holder(self):
        return self.person.name if self.person_id else str(self.unit)


class ProblemOrigin(models.TextChoices):
    SCREENING = "screening", _("Found in screening")
    ACCEPTANCE = "acceptance", _("Found at a failed acceptance")
    LOOK_BACK = "look_back", _("Found at a look-back")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported done, awaiting the township's check")
    CLOSED = "closed", _("Closed")


class Problem(models.Model):
    """One item of the problem list; closed item by item (整改销号)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rectification_problems")
    situation = models.ForeignKey(
        Situation,
        verbose_name=_("situation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("problem"))
    origin = models.CharField(_("origin"), max_length=12, choices=ProblemOrigin.choices)
    due_on = models.DateField(_("to be rectified by"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    report = models.ForeignKey(
        "Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["case", "pk"]
        indexes = [models.Index(fields=["case", "state"])]

    def __str__(self):
        return self.text[:60]

    @property
    def deadline_kind(self):
        return f"problem:{self.pk}"


class Measure(models.Model):
    """A rectification measure of the plan (整改清单), tied to one problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField(_("measure"))
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem", "due_on", "pk"]

    def __str__(self):
        return self.text[:60]


class Acceptance(models.Model):
    """A county team's acceptance (验收) with its democratic evaluation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="acceptances")
    held_on = models.DateField(_("held on"))
    score = models.PositiveSmallIntegerField(_("score"))
    participants = models.PositiveSmallIntegerField(_("took part in the evaluation"))
    satisfied = models.PositiveSmallIntegerField(_("satisfied"))
    basically_satisfied = models.PositiveSmallIntegerField(_("basically satisfied"))
    unsatisfied = models.PositiveSmallIntegerField(_("unsatisfied"))
    passed = models.BooleanField(_("passed"))
    redo_by = models.DateField(_("rectify again by"), null=True, blank=True)
    document = models.ForeignKey("Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["case", "held_on", "pk"]
        get_latest_by = ["held_on", "pk"]

    def __str__(self):
        return f"{self.held_on} {self.score}"


class DocumentKind(models.TextChoices):
    ROUND = "round", _("Screening round notice")
    SELF_CHECK = "self_check", _("Self-check report")
    TOWNSHIP_CHECK = "township_check", _("Township re-check record")
    COUNTY_CHECK = "county_check", _("County verification record")
    REFERRAL = "referral", _("Department referral")
    FINDING = "finding", _("Finding evidence")
    LIST_DECISION = "list_decision", _("Decision on the list")
    FORCES = "forces", _("Assignment of forces")
    PLAN = "plan", _("Rectification plan")
    PROBLEM_REPORT = "problem_report", _("Evidence that a problem is rectified")
    PROBLEM_CHECK = "problem_check", _("Township check of a rectified problem")
    RECTIFIED = "rectified", _("Report that rectification is done")
    ACCEPTANCE = "acceptance", _("Acceptance report")
    DELISTING = "delisting", _("Delisting decision")
    LOOK_BACK = "look_back", _("Look-back report")


class Document(CaseDocument):
    """A written record of a rectification case; written only by the services, never changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rectification_documents")
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/", blank=True)

    class Meta(CaseDocument.Meta):
        verbose_name = _("rectification document")
        verbose_name_plural = _("rectification documents")
        indexes = [models.Index(fields=["case", "kind"])]
