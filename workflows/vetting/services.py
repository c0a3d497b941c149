"""The only writers of cadre-vetting cases.

Starting a case: `submit_batch` (§3a), `propose_secretary` (§3b),
`propose_selection` (§3c), `nominate_reserve` (§3d). Any human step:
`complete(actor, task, **fields)` through STEP_HANDLERS. Between steps:
`raise_objection` / `resolve_objection` during pre-appointment publicity,
`appoint` for a village cadre after a passed joint review, `withdraw_batch`.

Each runs inside core.flowkit.services (authorise on the organisation, lock
the case, check the rules, write, audit in one transaction); a
RuleViolation rolls everything back.

Locks: a department's answer locks its own review case (the step) and then
the batch, to move the batch on when it is the last answer; withdrawing a
batch takes the department cases before the batch, the same order, so the
two never wait on each other crosswise.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from viewflow.workflow.status import PROCESS, STATUS

from core.audit.events import Action
from core.cases.deadlines import close_deadlines, open_deadline
from core.cases.models import Case, DeadlineState
from core.flowkit import services as flowkit
from core.flowkit.checks import check_date
from core.flowkit.errors import AlreadyDone, RuleViolation
from core.flowkit.selectors import OPEN
from core.rulepack.values import value as pack_value
from core.workdays.calendar import UnknownYear, publicity_end
from workflows.vetting import pack, rules, selectors
from workflows.vetting.flows import (
    DepartmentReviewFlow,
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.models import (
    Appointment,
    Batch,
    Candidate,
    Check,
    DepartmentFunction,
    NegativeItem,
    Objection,
    Post,
    Purpose,
    Referral,
    ReserveDossier,
    Result,
    SecretaryDossier,
    SelectionDossier,
    SelectionOutcome,
    Verdict,
)

VILLAGE_POSTS = {post for post in Post.values if post != Post.RESERVE}


def _today():
    return timezone.localdate()


def _param(parameter, on):
    return pack_value(parameter.key, on)


def _village(organisation):
    return rules.Village(
        organisation.kind,
        organisation.tier,
        organisation.domain,
        organisation.township() is not None,
    )


def _escalation(county):
    """Missed department answers go to the county organisation department."""
    department = selectors.department_with(county, DepartmentFunction.ORGANISATION)
    return department.organisation if department else county


@dataclass
class StepContext:
    """What a step handler works with: the locked case, its record, and helpers."""

    change: flowkit.Change
    dossier: object
    step: str
    today: date = field(default_factory=_today)

    @property
    def case(self):
        return self.change.case

    def param(self, parameter):
        return _param(parameter, self.today)

    def decide(self, value):
        self.dossier.decisions[self.step] = value

    def check_date(self, day, label, not_before=None):
        return check_date(day, self.today, label, not_before)

    def deadline(self, kind, label, due_on, responsible, *, rule, escalate_to=None, **kw):
        return open_deadline(
            self.case,
            kind=kind,
            label=label,
            due_on=due_on,
            responsible=responsible,
            rule=rule,
            remind_days=self.param(pack.REMIND_DAYS),
            escalate_to=escalate_to,
            **kw,
        )

    def publicity_ends(self, started_on, parameter, rule):
        try:
            return publicity_end(started_on, self.param(parameter))
        except UnknownYear as error:
            raise RuleViolation(rule, str(error)) from error


# --- §3a joint qualification review --------------------------------------------


def submit_batch(*, actor, village, purpose, candidates, submitted_on, text="", today=None):
    """A township submits candidates (people with their posts) for one village."""
    today = today or _today()
    check_date(submitted_on, today, _("Submission date"))
    rules.check_village(_village(village))
    if purpose not in Purpose.values:
        raise RuleViolation("V3a.1", _("Say what the joint review is for."))
    posts = {Post.RESERVE} if purpose == Purpose.RESERVE else VILLAGE_POSTS
    rules.check_candidates([(person.pk, post) for person, post in candidates], posts)
    title = _("Joint review: %(village)s") % {"village": village.name}
    with flowkit.start(
        actor=actor,
        flow_class=JointReviewFlow,
        organisation=village.township(),
        codename="review_for_township",
        title=title,
    ) as change:
        batch = Batch.objects.create(
            case=change.case, village=village, purpose=purpose, submitted_on=submitted_on
        )
        Candidate.objects.bulk_create(
            Candidate(batch=batch, person=person, post=post) for person, post in candidates
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            opinion=text,
            data={
                "village": village.pk,
                "purpose": purpose,
                "submitted_on": submitted_on,
                "candidates": [{"person": person.pk, "post": post} for person, post in candidates],
            },
        )
    return change.case


def dispatch(ctx, *, dispatched_on):
    """The county sends the batch to each of its reviewing departments at once."""
    batch = ctx.dossier
    ctx.check_date(dispatched_on, _("Dispatch date"), batch.submitted_on)
    county = selectors.county_of(ctx.case.organisation)
    departments = list(selectors.joint_review_departments(county))
    rules.check_departments(len(departments))
    batch.dispatched_on = dispatched_on
    due_on = dispatched_on + timedelta(days=ctx.param(pack.DEPARTMENT_REVIEW_DAYS))
    escalate_to = _escalation(county)
    referred = [_refer(ctx, batch, dept, due_on, escalate_to).pk for dept in departments]
    return {"dispatched_on": dispatched_on, "due_on": due_on, "referrals": referred}


def _refer(ctx, batch, department, due_on, escalate_to):
    title = _("Joint review by %(department)s: %(village)s") % {
        "department": department.organisation.name,
        "village": batch.village.name,
    }
    with flowkit.start(
        actor=ctx.change.actor,
        flow_class=DepartmentReviewFlow,
        organisation=department.organisation,
        codename="file_for_county",
        title=title,
    ) as change:
        Referral.objects.create(
            case=change.case,
            batch=batch,
            department=department,
            sent_on=batch.dispatched_on,
            due_on=due_on,
        )
        open_deadline(
            change.case,
            kind="department_review",
            label=gettext_noop("Department's answer on the candidates"),
            due_on=due_on,
            responsible=department.organisation,
            rule="V3a.3",
            remind_days=ctx.param(pack.REMIND_DAYS),
            escalate_to=escalate_to,
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            data={
                "batch": batch.pk,
                "candidates": list(batch.candidates.values_list("person_id", flat=True)),
                "due_on": due_on,
            },
        )
    return change.case


def review(ctx, *, answered_on, answers):
    """A department answers on every candidate: clear, or a finding with evidence."""
    referral = ctx.dossier
    ctx.check_date(answered_on, _("Date of the answer"), referral.sent_on)
    candidates = {c.pk: c for c in referral.batch.candidates.all()}
    rules.check_answers_complete(set(candidates), answers)
    items = {item.code: item for item in NegativeItem.objects.all()}
    as_rules = {
        code: rules.Item(code, item.look_back_years, item.active) for code, item in items.items()
    }
    verdicts, findings = [], []
    for answer in answers:
        item = None
        if answer.is_finding:
            rules.check_look_back(answer, rules.check_finding(answer, as_rules), answered_on)
            item = items[answer.item]
            findings.append(
                {
                    "candidate": answer.candidate,
                    "item": item.code,
                    "occurred_on": answer.occurred_on,
                    "evidence": answer.evidence,
                }
            )
        verdicts.append(
            Verdict(
                referral=referral,
                candidate=candidates[answer.candidate],
                item=item,
                occurred_on=answer.occurred_on if item else None,
                evidence=answer.evidence,
                recorded_on=answered_on,
                recorded_by=ctx.change.actor,
            )
        )
    Verdict.objects.bulk_create(verdicts)
    referral.answered_on = answered_on
    referral.save()
    close_deadlines(ctx.case, "department_review")
    _advance_batch(ctx, referral)
    clear = sorted(a.candidate for a in answers if not a.is_finding)
    return {"answered_on": answered_on, "findings": findings, "clear": clear}


def _advance_batch(ctx, referral):
    """Tell the batch a department answered (not what it found); the last answer
    moves the batch on to its conclusion."""
    batch_case = flowkit.lock_case(referral.batch.case)
    change = flowkit.Change(ctx.change.actor, ctx.change.role, batch_case)
    department = referral.department.organisation_id
    change.record(
        Action.RECORD_ADDED,
        step="await_departments",
        data={"department": department, "answered_on": referral.answered_on},
    )
    if Referral.objects.filter(batch=referral.batch, answered_on__isnull=True).exists():
        return
    task = batch_case.task_set.get(flow_task=JointReviewFlow.await_departments, status=STATUS.NEW)
    activation = flowkit.activation_of(task)
    activation.run(None)
    activation.execute()
    flowkit.Change(ctx.change.actor, ctx.change.role, batch_case, task).record(
        Action.TASK_COMPLETED,
        data={"departments": referral.batch.referrals.count()},
    )


def conclude(ctx, *, concluded_on):
    """The county concludes: each candidate passes unless a department found against them."""
    batch = ctx.dossier
    last_answer = max(batch.referrals.values_list("answered_on", flat=True))
    ctx.check_date(concluded_on, _("Conclusion date"), last_answer)
    results = {}
    for candidate in batch.candidates.all():
        codes = sorted(
            set(
                Verdict.objects.filter(candidate=candidate, item__isnull=False).values_list(
                    "item__code", flat=True
                )
            )
        )
        candidate.result = rules.joint_result(len(codes))
        candidate.reasons = codes
        candidate.save(update_fields=["result", "reasons"])
        results[candidate.pk] = {"result": candidate.result, "reasons": codes}
    batch.concluded_on = concluded_on
    return {"concluded_on": concluded_on, "results": results}


def publicise(ctx, *, started_on, decided_on, upheld=None):
    """The township feeds the result back and publicises it; an upheld objection
    fails its candidate."""
    batch = ctx.dossier
    upheld = {int(pk): reason for pk, reason in (upheld or {}).items()}
    ctx.check_date(started_on, _("Publicity start"), batch.concluded_on)
    ends_on = ctx.publicity_ends(started_on, pack.RESULT_PUBLICITY_DAYS, "V3a.7")
    ctx.check_date(decided_on, _("Date of the result"), started_on)
    candidates = {c.pk: c for c in batch.candidates.all()}
    rules.check_result_publicity(ends_on, decided_on, upheld, set(candidates))
    for pk in upheld:
        candidate = candidates[pk]
        candidate.result = Result.FAILED
        candidate.reasons = [*candidate.reasons, "objection"]
        candidate.save(update_fields=["result", "reasons"])
    batch.publicity_started_on, batch.publicity_ends_on = started_on, ends_on
    batch.published_on = decided_on
    return {
        "started_on": started_on,
        "ends_on": ends_on,
        "decided_on": decided_on,
        "upheld": upheld,
        "passed": sorted(pk for pk, c in candidates.items() if c.result == Result.PASSED),
    }


def _candidacy_result(person, village):
    candidacy = selectors.latest_candidacy(person, village)
    if candidacy is None:
        return None, None, False
    return candidacy, candidacy.result, candidacy.batch.published_on is not None


def appoint(*, actor, person, village, post, appointed_on, today=None):
    """Record a village cadre taking a post; refused without a passed joint review (V3a.8)."""
    today = today or _today()
    check_date(appointed_on, today, _("Appointment date"))
    rules.check_post(post, VILLAGE_POSTS)
    with transaction.atomic():
        candidacy, result, final = _candidacy_result(person, village)
        role = flowkit.authorise(
            actor, "review_for_township", village, candidacy.batch.case if candidacy else None
        )
        rules.check_may_serve(result, final)
        case = flowkit.lock_case(candidacy.batch.case)
        check_date(appointed_on, today, _("Appointment date"), candidacy.batch.published_on)
        appointment = Appointment.objects.create(
            person=person,
            organisation=village,
            post=post,
            appointed_on=appointed_on,
            case=case,
            created_by=actor,
        )
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="appoint",
            data={
                "appointment": appointment.pk,
                "person": person.pk,
                "post": post,
                "appointed_on": appointed_on,
            },
        )
    return appointment


def withdraw_batch(*, actor, case, reason):
    """The township withdraws a batch; the department reviews still open end with it."""
    if not reason.strip():
        raise RuleViolation("reason", _("Say why the batch is withdrawn."))
    with transaction.atomic():
        role = flowkit.authorise(actor, "review_for_township", case.organisation, case)
        referral_cases = list(
            Case.objects.select_for_update()
            .filter(pk__in=Referral.objects.filter(batch_id=case.pk).values("case_id"))
            .order_by("pk")
        )
        case = flowkit.lock_case(case)
        if case.status != PROCESS.NEW:
            raise AlreadyDone(_("This case is already closed."), code="already_closed")
        for subject in [*referral_cases, case]:
            if subject.status != PROCESS.NEW:
                continue
            subject.flow_class.instance.cancel(subject)
            close_deadlines(subject, state=DeadlineState.DROPPED)
            flowkit.Change(actor, role, subject).record(Action.CASE_CANCELLED, opinion=reason)
    return case


# --- §3b village secretary filing ----------------------------------------------


def propose_secretary(*, actor, village, person, proposed_on, text, today=None):
    """The township proposes the village's party secretary."""
    today = today or _today()
    check_date(proposed_on, today, _("Proposal date"))
    rules.check_village(_village(village), "V3b.1")
    title = _("Secretary filing: %(name)s, %(village)s") % {
        "name": person.name,
        "village": village.name,
    }
    with flowkit.start(
        actor=actor,
        flow_class=SecretaryFilingFlow,
        organisation=village.township(),
        codename="review_for_township",
        title=title,
        subject=person,
    ) as change:
        SecretaryDossier.objects.create(case=change.case, village=village, proposed_on=proposed_on)
        change.record(
            Action.RECORD_ADDED,
            step="start",
            opinion=text,
            data={"village": village.pk, "person": person.pk, "proposed_on": proposed_on},
        )
    return change.case


def file_with_county(ctx, *, filed_on):
    d = ctx.dossier
    ctx.check_date(filed_on, _("Filing date"), d.proposed_on)
    _candidacy, result, final = _candidacy_result(ctx.case.subject, d.village)
    rules.check_may_serve(result, final, "V3b.1")
    d.filed_on = filed_on
    return {"filed_on": filed_on}


def county_reply(ctx, *, replied_on, agreed, text):
    d = ctx.dossier
    ctx.check_date(replied_on, _("Reply date"))
    rules.check_reply(d.filed_on, replied_on, text)
    d.replied_on = replied_on
    ctx.decide("agreed" if agreed else "refused")
    return {"replied_on": replied_on, "agreed": agreed, "reply": text}


def appoint_secretary(ctx, *, appointed_on):
    d = ctx.dossier
    ctx.check_date(appointed_on, _("Appointment date"))
    rules.check_appointment_after_reply(
        d.replied_on, d.decisions.get("county_reply") == "agreed", appointed_on
    )
    _candidacy, result, final = _candidacy_result(ctx.case.subject, d.village)
    rules.check_may_serve(result, final)
    d.appointed_on = appointed_on
    d.term_ends_on = appointed_on + relativedelta(years=ctx.param(pack.SECRETARY_TERM_YEARS))
    appointment = Appointment.objects.create(
        person=ctx.case.subject,
        organisation=d.village,
        post=Post.SECRETARY,
        appointed_on=appointed_on,
        case=ctx.case,
        created_by=ctx.change.actor,
    )
    return {
        "appointed_on": appointed_on,
        "appointment": appointment.pk,
        "term_ends_on": d.term_ends_on,
    }


def file_result(ctx, *, filed_on):
    d = ctx.dossier
    ctx.check_date(filed_on, _("Filing date"))
    rules.check_result_filing(d.appointed_on, filed_on)
    d.result_filed_on = filed_on
    ctx.deadline(
        "term_audit",
        gettext_noop("Audit of the secretary's term"),
        d.term_ends_on,
        selectors.county_of(ctx.case.organisation),
        rule="V3b.5",
        is_earliest=True,
    )
    return {"filed_on": filed_on}


def term_audit(ctx, *, audited_on, left_office, text):
    d = ctx.dossier
    ctx.check_date(audited_on, _("Audit date"), d.result_filed_on)
    rules.check_term_audit(d.term_ends_on, audited_on, left_office, text)
    d.audited_on = audited_on
    close_deadlines(ctx.case, "term_audit")
    return {"audited_on": audited_on, "left_office": left_office, "conclusion": text}


# --- §3c selection --------------------------------------------------------------


def propose_selection(
    *, actor, committee, person, post, unit, proposed_on, text, with_probation=True, today=None
):
    """The organisation department proposes (动议) a person for a post decided by `committee`."""
    today = today or _today()
    check_date(proposed_on, today, _("Proposal date"))
    rules.check_deciding_body(committee.kind)
    if (
        selectors.department_with(selectors.county_of(committee), DepartmentFunction.DISCIPLINE)
        is None
    ):
        raise RuleViolation(
            "V3c.1", _("The county has no discipline body configured to give its opinion.")
        )
    title = _("Selection: %(name)s for %(post)s") % {"name": person.name, "post": post}
    with flowkit.start(
        actor=actor,
        flow_class=SelectionFlow,
        organisation=committee,
        codename="file_for_county",
        title=title,
        subject=person,
    ) as change:
        SelectionDossier.objects.create(
            case=change.case,
            post=post,
            unit=unit,
            proposed_on=proposed_on,
            with_probation=with_probation,
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            opinion=text,
            data={
                "post": post,
                "unit": unit.pk,
                "proposed_on": proposed_on,
                "with_probation": with_probation,
            },
        )
    return change.case


def _check(kind):
    def handler(ctx, *, checked_on, clear, text):
        d = ctx.dossier
        ctx.check_date(checked_on, _("Date of the check"), d.proposed_on)
        rules.check_check_result(clear, text)
        Check.objects.create(
            case=ctx.case,
            kind=kind,
            checked_on=checked_on,
            clear=clear,
            text=text,
            recorded_by=ctx.change.actor,
        )
        done = dict(Check.objects.filter(case=ctx.case).values_list("kind", "clear"))
        if len(done) == len(rules.FOUR_CHECKS):
            all_clear = all(done.values())
            d.decisions["checks"] = "clear" if all_clear else "stopped"
            if not all_clear:
                d.outcome = SelectionOutcome.CHECK_FAILED
        return {"check": kind, "checked_on": checked_on, "clear": clear, "text": text}

    return handler


def decision_meeting(ctx, *, held_on, decision, expected, present, yes, no, abstain, text=""):
    d = ctx.dossier
    ctx.check_date(held_on, _("Meeting date"), d.proposed_on)
    rules.check_all_checks(dict(Check.objects.filter(case=ctx.case).values_list("kind", "clear")))
    share = rules.attendance_fraction(ctx.param(pack.DECISION_ATTENDANCE))
    rules.check_attendance(expected, present, share)
    rules.check_decision(decision, expected, present, yes, no, abstain)
    ctx.decide(decision)
    if decision == "approve":
        d.decided_on = held_on
    elif decision == "reject":
        d.outcome = SelectionOutcome.NOT_APPROVED
    votes = {"expected": expected, "present": present, "yes": yes, "no": no, "abstain": abstain}
    return {"held_on": held_on, "decision": decision, "votes": votes, "minutes": text}


def start_publicity(ctx, *, started_on):
    d = ctx.dossier
    ctx.check_date(started_on, _("Publicity start"), d.decided_on)
    ends_on = ctx.publicity_ends(started_on, pack.PRE_APPOINTMENT_PUBLICITY_DAYS, "V3c.4")
    d.publicity_started_on, d.publicity_ends_on = started_on, ends_on
    ctx.deadline(
        "publicity",
        gettext_noop("End of the pre-appointment publicity"),
        ends_on,
        ctx.case.organisation,
        rule="V3c.4",
        is_earliest=True,
    )
    return {"started_on": started_on, "ends_on": ends_on}


def close_publicity(ctx, *, closed_on):
    d = ctx.dossier
    ctx.check_date(closed_on, _("Date the publicity is closed"), d.publicity_started_on)
    rules.check_publicity_over(d.publicity_ends_on, closed_on)
    objections = Objection.objects.filter(case=ctx.case)
    rules.check_no_open_objections(objections.filter(resolved_on__isnull=True).count())
    upheld = objections.filter(upheld=True).exists()
    ctx.decide("upheld" if upheld else "clear")
    if upheld:
        d.outcome = SelectionOutcome.OBJECTION_UPHELD
    d.publicity_closed_on = closed_on
    close_deadlines(ctx.case, "publicity")
    return {"closed_on": closed_on, "objections": objections.count(), "upheld": upheld}


def appoint_selected(ctx, *, appointed_on, text=""):
    d = ctx.dossier
    ctx.check_date(appointed_on, _("Appointment date"), d.publicity_closed_on)
    rules.check_publicity_over(d.publicity_ends_on, appointed_on)
    rules.check_no_open_objections(
        Objection.objects.filter(case=ctx.case, resolved_on__isnull=True).count()
    )
    appointment = Appointment.objects.create(
        person=ctx.case.subject,
        organisation=d.unit,
        post=d.post,
        appointed_on=appointed_on,
        case=ctx.case,
        created_by=ctx.change.actor,
    )
    d.appointed_on, d.outcome = appointed_on, SelectionOutcome.APPOINTED
    summary = {"appointed_on": appointed_on, "appointment": appointment.pk, "talk": text}
    if not d.with_probation:
        ctx.decide("none")
        return summary
    ctx.decide("probation")
    d.probation_ends_on = rules.probation_ends(appointed_on)
    ctx.deadline(
        "probation_end",
        gettext_noop("End of probation: confirm or remove"),
        d.probation_ends_on,
        ctx.case.organisation,
        rule="V3c.6",
        is_earliest=True,
    )
    return {**summary, "probation_ends_on": d.probation_ends_on}


def probation_review(ctx, *, reviewed_on, confirm, text):
    d = ctx.dossier
    ctx.check_date(reviewed_on, _("Review date"), d.appointed_on)
    rules.check_probation_review(d.appointed_on, reviewed_on, confirm, text)
    d.outcome = SelectionOutcome.CONFIRMED if confirm else SelectionOutcome.REMOVED
    close_deadlines(ctx.case, "probation_end")
    return {"reviewed_on": reviewed_on, "confirmed": confirm, "assessment": text}


def _open_selection(actor, case):
    """Authorise the organisation department on a selection in publicity, and lock it."""
    county = selectors.county_of(case.organisation)
    role = flowkit.authorise(actor, "file_for_county", county, case)
    case = flowkit.lock_case(case)
    publicity_open = case.task_set.filter(
        flow_task=SelectionFlow.close_publicity, status__in=OPEN
    ).exists()
    if not publicity_open:
        raise RuleViolation("V3c.5", _("Objections are received while the publicity is open."))
    return role, case


def raise_objection(*, actor, case, received_on, text, today=None):
    """Record an objection received during publicity; it suspends the appointment."""
    today = today or _today()
    with transaction.atomic():
        role, case = _open_selection(actor, case)
        d = SelectionDossier.objects.get(case_id=case.pk)
        check_date(received_on, today, _("Date received"))
        rules.check_objection(d.publicity_started_on, received_on, text)
        objection = Objection.objects.create(case=case, received_on=received_on, text=text)
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="objection",
            opinion=text,
            data={"objection": objection.pk, "received_on": received_on},
        )
    return objection


def resolve_objection(*, actor, objection, resolved_on, upheld, text, today=None):
    """Record the verification of an objection: upheld (no appointment) or not."""
    today = today or _today()
    with transaction.atomic():
        role, case = _open_selection(actor, objection.case)
        objection = Objection.objects.get(pk=objection.pk)
        if not objection.is_open:
            raise AlreadyDone(_("This objection is already resolved."), code="already_resolved")
        check_date(resolved_on, today, _("Date resolved"))
        rules.check_resolution(objection.received_on, resolved_on, text)
        objection.resolved_on, objection.upheld, objection.resolution = resolved_on, upheld, text
        objection.save()
        flowkit.Change(actor, role, case).record(
            Action.RECORD_ADDED,
            step="objection",
            opinion=text,
            data={"objection": objection.pk, "resolved_on": resolved_on, "upheld": upheld},
        )
    return objection


# --- §3d reserve cadres -----------------------------------------------------


def nominate_reserve(*, actor, village, person, nominated_on, nomination, text, today=None):
    """The village nominates a reserve cadre (村推)."""
    today = today or _today()
    check_date(nominated_on, today, _("Nomination date"))
    rules.check_village(_village(village), "V3d.2")
    rules.check_nomination(nomination, text)
    title = _("Reserve cadre: %(name)s, %(village)s") % {
        "name": person.name,
        "village": village.name,
    }
    with flowkit.start(
        actor=actor,
        flow_class=ReserveCadreFlow,
        organisation=village,
        codename="act_for_branch",
        title=title,
        subject=person,
    ) as change:
        ReserveDossier.objects.create(
            case=change.case, nominated_on=nominated_on, nomination=nomination
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            opinion=text,
            data={"person": person.pk, "nominated_on": nominated_on, "nomination": nomination},
        )
    return change.case


def shortlist(ctx, *, shortlisted_on, shortlisted, text):
    d = ctx.dossier
    ctx.check_date(shortlisted_on, _("Shortlist date"), d.nominated_on)
    ctx.decide("shortlisted" if shortlisted else "not_shortlisted")
    if shortlisted:
        d.shortlisted_on = shortlisted_on
    return {"shortlisted_on": shortlisted_on, "shortlisted": shortlisted, "assessment": text}


def examine(ctx, *, examined_on, admitted, text):
    d = ctx.dossier
    ctx.check_date(examined_on, _("Examination date"), d.shortlisted_on)
    if admitted:
        _candidacy, result, final = _candidacy_result(ctx.case.subject, ctx.case.organisation)
        rules.check_may_serve(result, final, "V3d.1")
        d.entered_on = examined_on
        _watch_yearly_review(ctx, examined_on)
    ctx.decide("admitted" if admitted else "refused")
    return {"examined_on": examined_on, "admitted": admitted, "assessment": text}


def _watch_yearly_review(ctx, since):
    ctx.deadline(
        "yearly_review",
        gettext_noop("Yearly review of the reserve cadre"),
        since + relativedelta(months=ctx.param(pack.RESERVE_REVIEW_MONTHS)),
        ctx.case.township,
        rule="V3d.3",
        escalate_to=selectors.county_of(ctx.case.organisation),
    )


def yearly_review(ctx, *, reviewed_on, keep, text):
    d = ctx.dossier
    since = d.last_reviewed_on or d.entered_on
    ctx.check_date(reviewed_on, _("Review date"), since)
    rules.check_yearly_review(since, reviewed_on, text)
    d.last_reviewed_on = reviewed_on
    ctx.decide("keep" if keep else "leave")
    if keep:
        _watch_yearly_review(ctx, reviewed_on)
    else:
        d.left_on = reviewed_on
        close_deadlines(ctx.case, "yearly_review", state=DeadlineState.DROPPED)
    return {"reviewed_on": reviewed_on, "keep": keep, "assessment": text}


# --- Doing a step -------------------------------------------------------------

STEP_HANDLERS = {
    JointReviewFlow: (Batch, {"dispatch": dispatch, "conclude": conclude, "publicise": publicise}),
    DepartmentReviewFlow: (Referral, {"review": review}),
    SecretaryFilingFlow: (
        SecretaryDossier,
        {
            "file_with_county": file_with_county,
            "county_reply": county_reply,
            "appoint": appoint_secretary,
            "file_result": file_result,
            "term_audit": term_audit,
        },
    ),
    SelectionFlow: (
        SelectionDossier,
        {
            "check_file": _check("file"),
            "check_personal_matters": _check("personal_matters"),
            "discipline_opinion": _check("discipline"),
            "check_petitions": _check("petitions"),
            "decision_meeting": decision_meeting,
            "start_publicity": start_publicity,
            "close_publicity": close_publicity,
            "appoint": appoint_selected,
            "probation_review": probation_review,
        },
    ),
    ReserveCadreFlow: (
        ReserveDossier,
        {"shortlist": shortlist, "examine": examine, "yearly_review": yearly_review},
    ),
}


def complete(*, actor, task, opinion="", today=None, **fields):
    """Do the vetting step `task` with the step's fields; refused as a whole on any rule."""
    dossier_class, handlers = STEP_HANDLERS.get(task.flow_task.flow_class, (None, {}))
    handler = handlers.get(task.flow_task.name)
    if handler is None:
        raise AlreadyDone(_("This is not a cadre-vetting step."), code="wrong_flow")
    with flowkit.step(actor=actor, task=task) as change:
        dossier = dossier_class.objects.get(case_id=change.case.pk)
        ctx = StepContext(change, dossier, task.flow_task.name, today or _today())
        summary = handler(ctx, **fields)
        dossier.save()
        change.complete(opinion=opinion, data=summary)
    return change.case
