"""The only writers of screening rounds, checks and rectification cases.

- `open_round` starts a round at the county and a check case at every
  organisation it covers, with PartyFlow's own proposals and their evidence;
- `refer` records a department's referral into an organisation's check;
- `complete` does any human step of the three flows through STEP_HANDLERS
  (the list decision starts the rectification cases; a relapse found at a
  look-back starts the next one);
- `report_problem` / `check_problem` close the problem list item by item;
- `select_for_look_back` draws the look-back sample.

Each runs inside core.flowkit.services (authorise on the organisation, lock
the case, check the rules, write, audit in one transaction); a RuleViolation
rolls everything back.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from viewflow.workflow.status import PROCESS

from core.audit.chain import plain_json
from core.audit.events import Action
from core.cases.deadlines import close_deadlines, open_deadline
from core.cases.models import DeadlineState
from core.flowkit import services as flowkit
from core.flowkit.checks import check_date, file_sha256
from core.flowkit.errors import AlreadyDone, RuleViolation
from core.flowkit.selectors import OPEN
from core.organisations.models import Organisation, OrganisationKind, Tier
from core.roles.catalogue import Role
from core.roles.models import RoleAssignment
from core.rulepack.values import value as pack_value
from workflows.recruitment.selectors import admissions_under
from workflows.rectification import pack, rules
from workflows.rectification.flows import (
    OrganisationCheckFlow,
    RectificationFlow,
    ScreeningRoundFlow,
    county_of,
)
from workflows.rectification.models import (
    Acceptance,
    Decision,
    Department,
    Detector,
    Document,
    DocumentKind,
    Finding,
    Force,
    ForceKind,
    Listing,
    ListingBasis,
    LookBack,
    Measure,
    OrganisationCheck,
    Problem,
    ProblemOrigin,
    ProblemState,
    RoundKind,
    ScreeningRound,
    Situation,
    Source,
    StationedPost,
)

SCREENED_KINDS = (OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH)


def _today():
    return timezone.localdate()


def _param(parameter, on):
    return pack_value(parameter.key, on)


def _document(case, actor, step, kind, dated, text="", data=None, file=None):
    document = Document(
        case=case,
        kind=kind,
        step=step,
        dated=dated,
        text=text,
        data=plain_json(data),
        created_by=actor,
    )
    if file:
        document.sha256 = file_sha256(file)
        document.file = file
    document.save()
    return document


def _summary(document):
    return {"document": document.pk, "kind": document.kind, "sha256": document.sha256}


def _open_step(case):
    task = case.task_set.filter(status__in=OPEN).first()
    return task.flow_task.name if task else None


def _situation(code, rule="Z2.3.1"):
    situation = Situation.objects.filter(code=code, active=True).first()
    if situation is None:
        raise RuleViolation(rule, _("%(code)s is not a situation in use.") % {"code": code})
    return situation


@dataclass
class StepContext:
    """What a step handler works with: the locked case, its facts, and helpers."""

    change: flowkit.Change
    detail: object
    step: str
    today: date = field(default_factory=_today)
    documents: list = field(default_factory=list)

    @property
    def case(self):
        return self.change.case

    @property
    def actor(self):
        return self.change.actor

    def check_date(self, day, label, not_before=None):
        return check_date(day, self.today, label, not_before)

    def document(self, kind, dated, text="", data=None, file=None):
        document = _document(self.case, self.actor, self.step, kind, dated, text, data, file)
        self.documents.append(_summary(document))
        return document

    def deadline(self, kind, label, due_on, responsible, rule, escalate_to=None, **kw):
        return open_deadline(
            self.case,
            kind=kind,
            label=label,
            due_on=due_on,
            responsible=responsible,
            rule=rule,
            remind_days=_param(pack.REMIND_DAYS, self.today),
            escalate_to=escalate_to,
            **kw,
        )


# --- What PartyFlow can tell from its own records (§2.2) -------------------------


@dataclass
class Detected:
    evidence: dict | None = None
    statement: str = ""
    unavailable: str = ""


def _secretary_terms(organisation, on):
    return list(
        RoleAssignment.objects.filter(
            organisation=organisation, role=Role.BRANCH_SECRETARY, starts_on__lte=on
        ).values_list("starts_on", "ends_on")
    )


def _admissions(organisation, on):
    """Admissions approved in member-development cases of the organisation's subtree."""
    return list(
        admissions_under(organisation.path)
        .filter(approved_on__lte=on)
        .values_list("approved_on", flat=True)
    )


def _recheck(detector, organisation, on):
    """Read the records again; raises the situation's W-code when they no longer show it."""
    if detector == Detector.SECRETARY_VACANCY:
        return rules.check_secretary_vacancy(
            _secretary_terms(organisation, on), on, _param(pack.SECRETARY_VACANCY_MONTHS, on)
        )
    if detector == Detector.NO_DEVELOPMENT:
        return rules.check_no_development(
            _admissions(organisation, on), on, _param(pack.NO_DEVELOPMENT_YEARS, on)
        )
    raise RuleViolation("Z2.3.1", _("PartyFlow cannot read this situation from its records."))


def _detect(detector, organisation, on) -> Detected:
    if detector == Detector.ORGANISATIONAL_LIFE:
        return Detected(
            unavailable=_(
                "Not available: PartyFlow does not record organisational life (branch and "
                "committee meetings, group meetings, party lectures, party days), so it "
                "cannot tell whether they were held."
            )
        )
    if detector == Detector.SECRETARY_VACANCY and not _secretary_terms(organisation, on):
        return Detected(
            unavailable=_(
                "Not available: no branch secretary of this organisation is on record, so "
                "the vacancy cannot be measured."
            )
        )
    try:
        evidence = _recheck(detector, organisation, on)
    except RuleViolation:
        return Detected()
    if detector == Detector.SECRETARY_VACANCY:
        statement = _(
            "No branch secretary since %(since)s: vacant for more than %(m)s months on %(on)s."
        ) % {"since": evidence["vacant_since"], "m": evidence["months"], "on": on}
    else:
        statement = _(
            "No admission approved between %(from)s and %(to)s; last admission on record: %(last)s."
        ) % {
            "from": evidence["from"],
            "to": evidence["to"],
            "last": evidence["last_admission"] or _("none"),
        }
    return Detected(evidence=evidence, statement=statement)


# --- Screening rounds (§2.3.1) -------------------------------------------------------


def _under_rectification(organisation_ids):
    return set(
        Listing.objects.filter(
            case__organisation_id__in=organisation_ids, case__status=PROCESS.NEW
        ).values_list("case__organisation_id", flat=True)
    )


def _screenable(county):
    """Branches and general branches under the county's township committees."""
    townships = Organisation.objects.subtree(county).filter(tier=Tier.TOWNSHIP)
    under = Q(pk__in=[])
    for township in townships:
        under |= Q(path__startswith=township.path)
    return Organisation.objects.filter(under, kind__in=SCREENED_KINDS)


def _covered(county, kind, organisations, domains):
    screenable = _screenable(county)
    if kind == RoundKind.ANNUAL:
        chosen = screenable if not domains else screenable.filter(domain__in=domains)
        chosen = list(chosen)
        busy = _under_rectification([org.pk for org in chosen])
        return [org for org in chosen if org.pk not in busy], sorted(busy)
    allowed = set(screenable.values_list("pk", flat=True))
    busy = _under_rectification([org.pk for org in organisations])
    for org in organisations:
        if org.pk not in allowed:
            raise RuleViolation(
                "Z2.3.1",
                _("%(org)s is not a branch of this county's townships.") % {"org": org},
            )
        if org.pk in busy:
            raise RuleViolation(
                "Z2.3.3", _("%(org)s is already under rectification.") % {"org": org}
            )
    return list(organisations), []


def open_round(
    *, actor, county, kind, opened_on, year=None, organisations=(), domains=(), text="", today=None
):
    """Open a screening round and the check of every organisation it covers.

    An annual round covers every branch and general branch under the county's
    townships (optionally of some domains) except those already under
    rectification; a dynamic round covers the organisations named.
    """
    flowkit.authorise(actor, "file_for_county", county)
    today = today or _today()
    year = year or opened_on.year
    organisations = list({org.pk: org for org in organisations}.values())
    check_date(opened_on, today, _("Opening date"))
    covered, skipped = _covered(county, kind, organisations, domains)
    annual_exists = ScreeningRound.objects.filter(
        county=county, kind=RoundKind.ANNUAL, year=year
    ).exists()
    rules.check_round(kind, year, opened_on, annual_exists, len(covered))
    title = _("Screening round %(year)s (%(kind)s), %(county)s") % {
        "year": year,
        "kind": RoundKind(kind).label,
        "county": county,
    }
    with flowkit.start(
        actor=actor,
        flow_class=ScreeningRoundFlow,
        organisation=county,
        codename="file_for_county",
        title=title,
    ) as change:
        screening = ScreeningRound.objects.create(
            case=change.case,
            county=county,
            kind=kind,
            year=year,
            opened_on=opened_on,
            covered=len(covered),
        )
        situations = list(Situation.objects.filter(active=True).exclude(detector=""))
        checks = [_open_check(actor, screening, org, situations) for org in covered]
        document = _document(
            change.case, actor, "start", DocumentKind.ROUND, opened_on, text, {"kind": kind}
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            data={
                "kind": kind,
                "year": year,
                "opened_on": opened_on,
                "checks": [check.pk for check in checks],
                "covered": [org.pk for org in covered],
                "skipped_under_rectification": skipped,
                "documents": [_summary(document)],
            },
        )
    return change.case


def _open_check(actor, screening, organisation, situations):
    title = _("Screening %(year)s: %(org)s") % {"year": screening.year, "org": organisation}
    on = screening.opened_on
    with flowkit.start(
        actor=actor,
        flow_class=OrganisationCheckFlow,
        organisation=organisation,
        codename="file_for_county",
        title=title,
    ) as change:
        check = OrganisationCheck.objects.create(case=change.case, round=screening)
        proposals = []
        for situation in situations:
            found = _detect(situation.detector, organisation, on)
            if found.unavailable:
                check.unavailable[situation.code] = found.unavailable
            if found.evidence is None:
                continue
            finding = Finding.objects.create(
                org_check=check,
                situation=situation,
                source=Source.SYSTEM,
                statement=found.statement,
                evidence=plain_json(found.evidence),
                received_on=on,
                created_by=actor,
            )
            proposals.append(
                {"finding": finding.pk, "code": situation.code, "evidence": finding.evidence}
            )
        check.save()
        change.record(
            Action.RECORD_ADDED,
            step="start",
            data={
                "round": screening.pk,
                "proposals": proposals,
                "unavailable": check.unavailable,
            },
        )
    return change.case


def _referral_role(actor, department, county):
    role = flowkit.acting_role(actor, "review_for_department", department)
    return role or flowkit.authorise(actor, "file_for_county", county)


def refer(
    *,
    actor,
    screening,
    organisation,
    department,
    department_kind,
    code,
    received_on,
    text,
    file=None,
    today=None,
):
    """A department's referral of `organisation` for situation `code` (§2.3.1).

    The department's own officer refers it, or the county organisation
    department records a referral it received; it joins the organisation's
    check while that is in progress.
    """
    county = screening.county
    role = _referral_role(actor, department, county)
    today = today or _today()
    check_date(received_on, today, _("Date of the referral"), screening.opened_on)
    if department.kind != OrganisationKind.DEPARTMENT or not department.is_within(county):
        raise RuleViolation("Z2.3.1", _("Referrals come from a department of this county."))
    if department_kind not in Department.values:
        raise RuleViolation("Z2.3.1", _("Say which kind of department refers."))
    situation = _situation(code)
    rules.check_written("Z2.3.1", text, _("referral"))
    with transaction.atomic():
        check = OrganisationCheck.objects.filter(
            round=screening, case__organisation=organisation
        ).first()
        if check is None:
            raise RuleViolation(
                "Z2.3.1", _("%(org)s is not covered by this round.") % {"org": organisation}
            )
        case = flowkit.lock_case(check.case.coerced)
        rules.check_referral_open(_open_step(case))
        document = _document(
            case,
            actor,
            "referral",
            DocumentKind.REFERRAL,
            received_on,
            text,
            {"department": department.pk, "department_kind": department_kind, "code": code},
            file,
        )
        finding = Finding.objects.create(
            org_check=check,
            situation=situation,
            source=Source.REFERRAL,
            statement=text,
            department=department,
            department_kind=department_kind,
            received_on=received_on,
            document=document,
            created_by=actor,
        )
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="referral",
            opinion=text,
            data={
                "finding": finding.pk,
                "code": code,
                "department": department.pk,
                "department_kind": department_kind,
                "documents": [_summary(document)],
            },
        )
    return finding


def _raise_findings(ctx, check, items, source, on):
    """New findings raised at a level; the township and county confirm what they raise."""
    raised = []
    for item in items:
        situation = _situation(item["code"])
        statement = item.get("statement", "")
        file = item.get("file")
        rules.check_evidence(situation.code, "statement", statement, bool(file), 0)
        document = None
        if file:
            document = ctx.document(
                DocumentKind.FINDING, on, statement, {"code": situation.code}, file
            )
        finding = Finding(
            org_check=check,
            situation=situation,
            source=source,
            statement=statement,
            received_on=on,
            document=document,
            created_by=ctx.actor,
        )
        raised.append(finding)
    return raised


def _confirm(finding, on):
    """W1–W10: the evidence a confirmed situation needs, read on the day of the decision."""
    situation = finding.situation
    if finding.source == Source.SYSTEM:
        _recheck(situation.detector, finding.org_check.case.organisation, on)
        return
    referrals = Finding.objects.filter(
        org_check=finding.org_check, situation=situation, source=Source.REFERRAL
    ).count()
    has_file = bool(finding.document_id and finding.document.sha256)
    rules.check_evidence(situation.code, situation.evidence, finding.statement, has_file, referrals)


def _decide(ctx, check, on, decisions, added, level):
    """Apply a level's decisions on the findings before it and its own new findings."""
    decision_field, reason_field = f"{level}_decision", f"{level}_reason"
    findings = {f.pk: f for f in check.findings.select_related("situation", "document")}
    if level == "township":
        pending = {pk for pk, f in findings.items() if not f.township_decision}
        allowed = pending
    else:
        pending = {
            pk
            for pk, f in findings.items()
            if f.township_decision != Decision.DISMISSED and not f.county_decision
        }
        allowed = pending | {
            pk for pk, f in findings.items() if f.township_decision == Decision.DISMISSED
        }
    decisions = {int(pk): (bool(ok), reason or "") for pk, (ok, reason) in decisions.items()}
    rules.check_decisions(pending, decisions, allowed)
    result = []
    for pk, (confirmed, reason) in sorted(decisions.items()):
        finding = findings[pk]
        if confirmed:
            _confirm(finding, on)
        setattr(finding, decision_field, Decision.CONFIRMED if confirmed else Decision.DISMISSED)
        setattr(finding, reason_field, reason)
        finding.save(update_fields=[decision_field, reason_field])
        result.append({"finding": pk, "code": finding.situation.code, "confirmed": confirmed})
    source = Source.TOWNSHIP if level == "township" else Source.COUNTY
    for finding in _raise_findings(ctx, check, added, source, on):
        _confirm(finding, on)
        setattr(finding, decision_field, Decision.CONFIRMED)
        finding.save()
        result.append({"finding": finding.pk, "code": finding.situation.code, "raised": True})
    return result


def self_check(ctx, *, checked_on, report, findings=()):
    check = ctx.detail
    ctx.check_date(checked_on, _("Date of the self-check"), check.round.opened_on)
    rules.check_written("Z2.3.1", report, _("self-check report"))
    raised = _raise_findings(ctx, check, findings, Source.SELF, checked_on)
    for finding in raised:
        finding.save()
    check.self_checked_on = checked_on
    ctx.document(DocumentKind.SELF_CHECK, checked_on, report)
    return {
        "checked_on": checked_on,
        "raised": [{"finding": f.pk, "code": f.situation.code} for f in raised],
    }


def township_check(ctx, *, checked_on, report, decisions=None, findings=()):
    check = ctx.detail
    ctx.check_date(checked_on, _("Date of the re-check"), check.self_checked_on)
    rules.check_written("Z2.3.1", report, _("re-check record"))
    result = _decide(ctx, check, checked_on, decisions or {}, findings, "township")
    check.township_checked_on = checked_on
    ctx.document(DocumentKind.TOWNSHIP_CHECK, checked_on, report, {"decisions": result})
    return {"checked_on": checked_on, "decisions": result}


def county_check(ctx, *, checked_on, report, decisions=None, findings=()):
    check = ctx.detail
    ctx.check_date(checked_on, _("Date of the verification"), check.township_checked_on)
    rules.check_written("Z2.3.1", report, _("verification record"))
    result = _decide(ctx, check, checked_on, decisions or {}, findings, "county")
    check.county_checked_on = checked_on
    verified = sorted(
        {f.situation.code for f in check.findings.select_related("situation") if f.verified}
    )
    ctx.document(DocumentKind.COUNTY_CHECK, checked_on, report, {"decisions": result})
    return {"checked_on": checked_on, "decisions": result, "verified": verified}


# --- The list (§2.3.2, §2.3.3) ----------------------------------------------------------------


def _verified_findings(screening):
    return (
        Finding.objects.filter(org_check__round=screening, county_decision=Decision.CONFIRMED)
        .select_related("situation", "org_check__case")
        .order_by("org_check", "situation__order", "pk")
    )


def _latest_listing(organisation, before=None):
    listings = Listing.objects.filter(case__organisation=organisation)
    if before is not None:
        listings = listings.filter(listed_on__lte=before)
    return listings.order_by("-listed_on", "-pk").first()


def _list_organisation(
    actor, organisation, listed_on, basis, problems, screening=None, earlier=None
):
    """Start the rectification case of a listed organisation with its problem list."""
    previous = earlier.listing if earlier is not None else _latest_listing(organisation, listed_on)
    repeat = rules.is_repeat(
        previous.listed_on if previous else None,
        listed_on,
        _param(pack.REPEAT_WINDOW_YEARS, listed_on),
    )
    title = _("Rectification: %(org)s (listed %(day)s)") % {"org": organisation, "day": listed_on}
    with flowkit.start(
        actor=actor,
        flow_class=RectificationFlow,
        organisation=organisation,
        codename="file_for_county",
        title=title,
    ) as change:
        listing = Listing.objects.create(
            case=change.case,
            round=screening,
            basis=basis,
            listed_on=listed_on,
            earlier=previous.case if previous else None,
            repeat=repeat,
        )
        rows = [
            Problem.objects.create(case=change.case, situation=situation, text=text, origin=origin)
            for situation, text, origin in problems
        ]
        change.record(
            Action.RECORD_ADDED,
            step="start",
            data={
                "basis": basis,
                "listed_on": listed_on,
                "round": screening.pk if screening else None,
                "earlier": listing.earlier_id,
                "repeat": repeat,
                "problems": [{"problem": p.pk, "code": p.situation.code} for p in rows],
            },
        )
    return change.case


def decide_list(ctx, *, decided_on, minutes, listed, over_ratio_reason=""):
    screening = ctx.detail
    listed = list({org.pk: org for org in listed}.values())
    ctx.check_date(decided_on, _("Date of the decision"), screening.opened_on)
    rules.check_written("Z2.3.1", minutes, _("minutes of the meeting that decided the list"))
    open_checks = OrganisationCheck.objects.filter(
        round=screening, case__status=PROCESS.NEW
    ).count()
    rules.check_round_complete(open_checks)
    by_organisation = {}
    for finding in _verified_findings(screening):
        by_organisation.setdefault(finding.org_check.case.organisation_id, []).append(finding)
    busy = _under_rectification([org.pk for org in listed])
    for org in listed:
        rules.check_listable(str(org), org.pk in by_organisation, org.pk in busy)
    ratio = _param(pack.LISTING_RATIO, decided_on)
    listed_ids = {org.pk for org in listed}
    over = rules.check_list(
        listed_ids, set(by_organisation), screening.covered, ratio, over_ratio_reason
    )
    cases = []
    for org in sorted(listed, key=lambda o: o.path):
        problems = [
            (f.situation, f.statement or f.situation.name, ProblemOrigin.SCREENING)
            for f in by_organisation[org.pk]
        ]
        cases.append(
            _list_organisation(
                ctx.actor, org, decided_on, ListingBasis.SCREENING, problems, screening
            )
        )
    screening.decided_on, screening.ratio_percent = decided_on, ratio
    data = {
        "listed": sorted(listed_ids),
        "cases": [case.pk for case in cases],
        "ratio_percent": ratio,
        "cap": rules.listing_cap(screening.covered, ratio),
        "over_ratio": over,
        "over_ratio_reason": over_ratio_reason,
    }
    ctx.document(DocumentKind.LIST_DECISION, decided_on, minutes, data)
    return {"decided_on": decided_on, **data}


# --- Forces, plan, rectification (§2.3.4–6) ----------------------------------------------------


def _holder(kind, holder, case, township):
    is_person = not isinstance(holder, Organisation)
    organisation = holder.organisation if is_person else holder
    county = county_of(case)
    return rules.Holder(
        kind=kind,
        pk=holder.pk,
        in_county=county is not None and organisation.is_within(county),
        in_township=township is not None and organisation.is_within(township),
        in_listed=organisation.is_within(case.organisation),
        is_person=is_person,
    )


def assign_forces(
    ctx, *, assigned_on, forces, stationed_post=StationedPost.FIRST_SECRETARY, text=""
):
    listing, case = ctx.detail, ctx.case
    ctx.check_date(assigned_on, _("Date of the assignment"), listing.listed_on)
    forces = {kind: holder for kind, holder in forces.items() if holder is not None}
    holders = [_holder(kind, holder, case, case.township) for kind, holder in forces.items()]
    rules.check_forces(holders, _param(pack.REQUIRED_FORCES, assigned_on), set(ForceKind.values))
    if stationed_post not in StationedPost.values:
        raise RuleViolation("Z2.3.5", _("Choose first secretary or party-building instructor."))
    rows = []
    for kind, holder in forces.items():
        is_unit = isinstance(holder, Organisation)
        rows.append(
            Force.objects.create(
                case=case,
                kind=kind,
                person=None if is_unit else holder,
                unit=holder if is_unit else None,
                post=stationed_post if kind == ForceKind.STATIONED else "",
                assigned_on=assigned_on,
            )
        )
    listing.forces_assigned_on = assigned_on
    summary = [
        {"kind": f.kind, "person": f.person_id, "unit": f.unit_id, "post": f.post} for f in rows
    ]
    ctx.document(DocumentKind.FORCES, assigned_on, text, {"forces": summary})
    return {"assigned_on": assigned_on, "forces": summary}


def _watch_problem(ctx, problem):
    ctx.deadline(
        problem.deadline_kind,
        str(problem),
        problem.due_on,
        ctx.case.organisation,
        "Z2.3.6",
        escalate_to=ctx.case.township,
    )


def make_plan(ctx, *, planned_on, diagnosis, measures):
    listing, case = ctx.detail, ctx.case
    ctx.check_date(planned_on, _("Date of the plan"), listing.forces_assigned_on)
    problems = {p.pk: p for p in Problem.objects.filter(case=case, state=ProblemState.OPEN)}
    planned = [
        rules.PlannedMeasure(
            getattr(m["problem"], "pk", m["problem"]), m.get("text", ""), m["due_on"]
        )
        for m in measures
    ]
    rules.check_plan(diagnosis, set(problems), planned, planned_on)
    for measure in planned:
        Measure.objects.create(
            problem=problems[measure.problem], text=measure.text, due_on=measure.due_on
        )
    for problem in problems.values():
        problem.due_on = max(m.due_on for m in planned if m.problem == problem.pk)
        problem.save(update_fields=["due_on"])
        _watch_problem(ctx, problem)
    listing.planned_on, listing.diagnosis = planned_on, diagnosis
    data = {
        "measures": [{"problem": m.problem, "text": m.text, "due_on": m.due_on} for m in planned]
    }
    ctx.document(DocumentKind.PLAN, planned_on, diagnosis, data)
    return {"planned_on": planned_on, **data}


def _unclosed(case):
    return Problem.objects.filter(case=case).exclude(state=ProblemState.CLOSED).count()


def rectify(ctx, *, completed_on, report):
    listing, case = ctx.detail, ctx.case
    last_closed = (
        Problem.objects.filter(case=case, closed_on__isnull=False)
        .order_by("-closed_on")
        .values_list("closed_on", flat=True)
        .first()
    )
    ctx.check_date(completed_on, _("Date of the report"), last_closed or listing.planned_on)
    rules.check_written("Z2.3.6", report, _("report that rectification is done"))
    rules.check_all_closed(_unclosed(case), _("the report that rectification is done"))
    listing.rectified_on = completed_on
    close_deadlines(case, "redo")
    ctx.document(DocumentKind.RECTIFIED, completed_on, report)
    return {"completed_on": completed_on}


def _rectification_step(case):
    name = _open_step(case)
    if name != "rectify":
        raise RuleViolation(
            "Z2.3.6", _("Problems are reported and checked while rectification is in progress.")
        )


def report_problem(*, actor, problem, done_on, text, file=None, today=None):
    """The organisation reports one problem rectified, with its evidence (整改销号)."""
    today = today or _today()
    with transaction.atomic():
        case = problem.case
        role = flowkit.authorise(actor, "act_for_branch", case.organisation, case)
        case = flowkit.lock_case(case.coerced)
        problem = Problem.objects.get(pk=problem.pk)
        _rectification_step(case)
        rules.check_problem_report(problem.state, text, bool(file))
        listing = Listing.objects.get(case_id=case.pk)
        check_date(done_on, today, _("Date rectified"), listing.planned_on)
        document = _document(
            case,
            actor,
            "report_problem",
            DocumentKind.PROBLEM_REPORT,
            done_on,
            text,
            {"problem": problem.pk},
            file,
        )
        problem.state, problem.report = ProblemState.REPORTED, document
        problem.save(update_fields=["state", "report"])
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="report_problem",
            opinion=text,
            data={"problem": problem.pk, "done_on": done_on, "documents": [_summary(document)]},
        )
    return problem


def check_problem(*, actor, problem, accepted, checked_on, text="", today=None):
    """The township closes a reported problem, or sends it back saying why."""
    today = today or _today()
    with transaction.atomic():
        case = problem.case
        role = flowkit.authorise(actor, "review_for_township", case.township, case)
        case = flowkit.lock_case(case.coerced)
        problem = Problem.objects.select_related("report").get(pk=problem.pk)
        _rectification_step(case)
        rules.check_problem_check(problem.state, accepted, text)
        check_date(checked_on, today, _("Date of the check"), problem.report.dated)
        document = _document(
            case,
            actor,
            "check_problem",
            DocumentKind.PROBLEM_CHECK,
            checked_on,
            text,
            {"problem": problem.pk, "accepted": accepted},
        )
        if accepted:
            problem.state, problem.closed_on = ProblemState.CLOSED, checked_on
            close_deadlines(case, problem.deadline_kind)
        else:
            problem.state = ProblemState.OPEN
        problem.save(update_fields=["state", "closed_on"])
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="check_problem",
            opinion=text,
            data={
                "problem": problem.pk,
                "accepted": accepted,
                "checked_on": checked_on,
                "documents": [_summary(document)],
            },
        )
    return problem


# --- Acceptance and delisting (§2.3.7) -----------------------------------------------------------


def acceptance(
    ctx,
    *,
    held_on,
    team,
    report,
    score,
    participants,
    satisfied,
    basically_satisfied,
    unsatisfied,
    shortcomings=(),
    redo_by=None,
    file=None,
):
    listing, case = ctx.detail, ctx.case
    ctx.check_date(held_on, _("Date of the acceptance"), listing.rectified_on)
    rules.check_written("Z2.3.7", report, _("acceptance report"))
    if not team.strip():
        raise RuleViolation("Z2.3.7", _("Name the county's acceptance team."))
    votes = rules.Evaluation(participants, satisfied, basically_satisfied, unsatisfied)
    passed = rules.acceptance_passed(
        score,
        votes,
        _param(pack.PASS_SCORE, held_on),
        _param(pack.UNSATISFIED_SHARE, held_on),
        _param(pack.EVALUATION_SIZE, held_on),
    )
    shortcomings = [text for text in shortcomings if text.strip()]
    if not passed:
        rules.check_failed_acceptance(held_on, redo_by, shortcomings)
    data = {
        "team": team,
        "score": score,
        **votes.__dict__,
        "passed": passed,
        "pass_score": _param(pack.PASS_SCORE, held_on),
        "unsatisfied_share_percent": _param(pack.UNSATISFIED_SHARE, held_on),
        "redo_by": None if passed else redo_by,
        "shortcomings": [] if passed else shortcomings,
    }
    document = ctx.document(DocumentKind.ACCEPTANCE, held_on, report, data, file)
    Acceptance.objects.create(
        case=case,
        held_on=held_on,
        score=score,
        participants=participants,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        unsatisfied=unsatisfied,
        passed=passed,
        redo_by=data["redo_by"],
        document=document,
    )
    if passed:
        return data
    problems = []
    for text in shortcomings:
        problem = Problem.objects.create(
            case=case, text=text, origin=ProblemOrigin.ACCEPTANCE, due_on=redo_by
        )
        _watch_problem(ctx, problem)
        problems.append(problem.pk)
    ctx.deadline(
        "redo",
        gettext_noop("Rectify again after the failed acceptance"),
        redo_by,
        case.township,
        "Z2.3.7",
        escalate_to=county_of(case),
    )
    return {**data, "problems": problems}


def delist(ctx, *, delisted_on, text):
    listing, case = ctx.detail, ctx.case
    last = Acceptance.objects.filter(case=case).latest()
    ctx.check_date(delisted_on, _("Date of delisting"))
    rules.check_delisting(last.passed, _unclosed(case), last.held_on, delisted_on)
    rules.check_written("Z2.3.7", text, _("delisting decision"))
    listing.delisted_on = delisted_on
    months = _param(pack.LOOK_BACK_MONTHS, delisted_on)
    due = rules.look_back_from(delisted_on, months)
    ctx.deadline(
        "look_back",
        gettext_noop("Look-back after delisting"),
        due,
        county_of(case),
        "Z2.3.8",
        is_earliest=True,
    )
    ctx.document(DocumentKind.DELISTING, delisted_on, text, {"acceptance": last.pk})
    return {"delisted_on": delisted_on, "acceptance": last.pk, "look_back_from": due}


# --- Look-back and relapse (§2.3.8) ----------------------------------------------------------------


def look_back(ctx, *, looked_on, report, relapse=False, situations=(), file=None):
    listing, case = ctx.detail, ctx.case
    check_date(looked_on, ctx.today, _("Date of the look-back"), listing.delisted_on)
    rules.check_look_back(
        listing.delisted_on,
        looked_on,
        _param(pack.LOOK_BACK_MONTHS, listing.delisted_on),
        listing.look_back_sampled,
        _param(pack.LOOK_BACK_SHARE, looked_on),
    )
    rules.check_relapse(relapse, list(situations), report)
    found = [_situation(code, "Z2.3.8") for code in situations] if relapse else []
    close_deadlines(case, "look_back")
    listing.looked_back_on = looked_on
    listing.look_back = LookBack.RELAPSED if relapse else LookBack.HELD
    data = {"relapse": relapse, "situations": [s.code for s in found]}
    ctx.document(DocumentKind.LOOK_BACK, looked_on, report, data, file)
    if relapse:
        # Saved first: the new case reads this listing as its earlier one.
        listing.save()
        relisted = _list_organisation(
            ctx.actor,
            case.organisation,
            looked_on,
            ListingBasis.RELAPSE,
            [(s, report, ProblemOrigin.LOOK_BACK) for s in found],
            earlier=case,
        )
        data["relisted_as"] = relisted.pk
    return {"looked_on": looked_on, **data}


def select_for_look_back(*, actor, county, on, today=None):
    """Draw the look-back sample among the county's organisations delisted long enough ago.

    The share comes from the rule pack; rules.look_back_sample says which. An
    organisation left out of the sample has its look-back step closed as not
    sampled. Returns (sampled case ids, not sampled case ids).
    """
    today = today or _today()
    check_date(on, today, _("Date of the draw"))
    flowkit.authorise(actor, "file_for_county", county)
    share = _param(pack.LOOK_BACK_SHARE, on)
    due = [
        listing
        for listing in Listing.objects.filter(
            case__org_path__startswith=county.path,
            case__status=PROCESS.NEW,
            delisted_on__isnull=False,
            look_back_sampled__isnull=True,
        )
        if rules.look_back_from(
            listing.delisted_on, _param(pack.LOOK_BACK_MONTHS, listing.delisted_on)
        )
        <= on
    ]
    chosen = rules.look_back_sample([listing.case_id for listing in due], share)
    with transaction.atomic():
        for listing in sorted(due, key=lambda item: item.case_id):
            _mark_sample(actor, listing, listing.case_id in chosen, share, len(due), on)
    left_out = sorted(listing.case_id for listing in due if listing.case_id not in chosen)
    return sorted(chosen), left_out


def _mark_sample(actor, listing, sampled, share, population, on):
    data = {
        "sampled": sampled,
        "share_percent": share,
        "population": population,
        "sample_key": rules.sample_key(listing.case_id),
        "drawn_on": on,
    }
    case = listing.case
    role = flowkit.authorise(actor, "file_for_county", county_of(case), case)
    case = flowkit.lock_case(case.coerced)
    task = case.task_set.filter(status__in=OPEN).first()
    if task is None or task.flow_task.name != "look_back":
        raise AlreadyDone(_("This case is not waiting for its look-back."), code="not_waiting")
    if sampled:
        Listing.objects.filter(pk=listing.pk).update(look_back_sampled=True)
        flowkit.Change(actor, role, case).record(Action.RECORD_ADDED, step="look_back", data=data)
        return
    with flowkit.step(actor=actor, task=task) as change:
        Listing.objects.filter(pk=listing.pk).update(
            look_back_sampled=False, look_back=LookBack.NOT_SAMPLED
        )
        close_deadlines(change.case, "look_back", state=DeadlineState.DROPPED)
        change.complete(data=data)


# --- Doing a step ------------------------------------------------------------------------------------

STEP_HANDLERS = {
    "self_check": (OrganisationCheck, self_check),
    "township_check": (OrganisationCheck, township_check),
    "county_check": (OrganisationCheck, county_check),
    "decide_list": (ScreeningRound, decide_list),
    "assign_forces": (Listing, assign_forces),
    "make_plan": (Listing, make_plan),
    "rectify": (Listing, rectify),
    "acceptance": (Listing, acceptance),
    "delist": (Listing, delist),
    "look_back": (Listing, look_back),
}
FLOWS = (ScreeningRoundFlow, OrganisationCheckFlow, RectificationFlow)


def complete(*, actor, task, opinion="", today=None, **fields):
    """Do the step `task` with the step's fields; refused as a whole on any rule."""
    name = task.flow_task.name
    entry = STEP_HANDLERS.get(name)
    if entry is None or task.flow_task.flow_class not in FLOWS:
        raise AlreadyDone(_("This is not a rectification step."), code="wrong_flow")
    model, handler = entry
    with flowkit.step(actor=actor, task=task) as change:
        detail = model.objects.get(case_id=change.case.pk)
        ctx = StepContext(change, detail, name, today or _today())
        summary = handler(ctx, **fields)
        detail.save()
        change.complete(opinion=opinion, data={**summary, "documents": ctx.documents})
    return change.case
