"""The only writers of member-development cases.

`apply` starts a case; `complete` does any human step through its handler in
STEP_HANDLERS; `add_record` files an evaluation or probation note between
steps; `transfer` moves a case to another branch. Each runs inside
core.flowkit.services (authorise on the organisation, lock the case, check,
write, audit in one transaction); a RuleViolation rolls everything back.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.audit.chain import plain_json
from core.audit.events import Action
from core.cases.deadlines import close_deadlines, open_deadline
from core.cases.models import DeadlineState
from core.flowkit import services as flowkit
from core.flowkit.checks import check_date, file_sha256
from core.flowkit.errors import AlreadyDone, RuleViolation
from core.flowkit.selectors import OPEN
from core.people.choices import PartyStatus
from core.people.models import Person
from core.rulepack.values import value as pack_value
from core.workdays.calendar import UnknownYear, publicity_end
from workflows.recruitment import pack, rules
from workflows.recruitment.flows import RecruitmentFlow
from workflows.recruitment.models import Dossier, Outcome, Record, RecordKind, Recruitment


def _today():
    return timezone.localdate()


def _member(person):
    return rules.Member(person.pk, person.party_status, person.discipline, person.organisation_id)


@dataclass
class StepContext:
    """What a step handler works with: the locked case, its dossier, and helpers."""

    change: flowkit.Change
    dossier: Dossier
    step: str
    today: date = field(default_factory=_today)
    records: list = field(default_factory=list)

    @property
    def case(self):
        return self.change.case

    @property
    def person(self):
        return self.case.subject

    def param(self, parameter):
        return pack_value(parameter.key, self.today)

    def record(self, kind, dated, text="", data=None, file=None):
        record = Record(
            case=self.case,
            kind=kind,
            step=self.step,
            dated=dated,
            text=text,
            data=plain_json(data),
            created_by=self.change.actor,
        )
        if file:
            record.sha256 = file_sha256(file)
            record.file = file
        record.save()
        self.records.append(
            {"record": record.pk, "kind": kind, "dated": dated, "sha256": record.sha256}
        )
        return record

    def decide(self, value):
        self.dossier.decisions[self.step] = value

    def set_status(self, status, **extra):
        person = self.person
        before = person.party_status
        person.party_status = status
        for name, value in extra.items():
            setattr(person, name, value)
        person.save()
        return {"party_status": [before, status]}

    def close(self, outcome):
        """End the case on a negative outcome: deadlines dropped, the person not a member."""
        self.dossier.outcome = outcome
        close_deadlines(self.case, state=DeadlineState.DROPPED)
        return self.set_status(PartyStatus.MASSES)

    def latest_document_date(self):
        return (
            Record.objects.filter(case=self.case)
            .order_by("-dated")
            .values_list("dated", flat=True)
            .first()
        )

    def kinds_present(self):
        return set(Record.objects.filter(case=self.case).values_list("kind", flat=True))

    def full_members_of_branch(self):
        return Person.objects.filter(
            organisation__path__startswith=self.case.organisation.path,
            party_status=PartyStatus.FULL,
        ).count()

    def deadline(self, kind, label, due_on, responsible, *, rule="", escalate_to=None, **kw):
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

    def publicity_ends(self, starts_on):
        try:
            return publicity_end(starts_on, self.param(pack.PUBLICITY_WORKING_DAYS))
        except UnknownYear as error:
            raise RuleViolation("§1.5", str(error)) from error


def _check_date(ctx, day, label, not_before=None):
    return check_date(day, ctx.today, label, not_before)


def _check_in_order(ctx, latest):
    """The step's documents are dated on or after the case's documents so far: the record
    reads in the order things happened, so no period is shortened by back-dating.
    Checked after the step's own rules, so a specific rule names itself first."""
    for written in ctx.records:
        if latest is not None and written["dated"] < latest:
            raise RuleViolation(
                "date",
                _("This step cannot be dated %(day)s, before the case's last document (%(last)s).")
                % {"day": written["dated"], "last": latest},
            )


def _open_case_of(person):
    return Recruitment.objects.filter(
        subject=person, task__status__in=OPEN, flow_class=RecruitmentFlow
    ).exists()


# --- Step 1: the application starts the case ----------------------------------


def apply(*, actor, branch, person, applied_on, text="", file=None, relatives=(), today=None):
    """Record an application received by `branch` (step 1) and open the one-month talk."""
    today = today or _today()
    # Who may record it comes first: a refusal on the rules would tell an outsider
    # about the person's case.
    flowkit.authorise(actor, "act_for_branch", branch)
    check_date(applied_on, today, _("Application date"))
    rules.check_may_apply(person.party_status)
    rules.check_where_applied(branch.kind, person.organisation.is_within(branch))
    rules.check_age(person.birth_date, applied_on)
    if person.pk and _open_case_of(person):
        raise RuleViolation("R1.1", _("This person already has a development case in progress."))
    title = _("Member development: %(name)s") % {"name": person.name}
    with transaction.atomic():
        if person.pk is None:  # a newcomer registered with the application
            person.save()
        return _start(actor, branch, person, applied_on, text, file, relatives, today, title)


def _start(actor, branch, person, applied_on, text, file, relatives, today, title):
    with flowkit.start(
        actor=actor,
        flow_class=RecruitmentFlow,
        organisation=branch,
        codename="act_for_branch",
        title=title,
        subject=person,
    ) as change:
        dossier = Dossier.objects.create(case=change.case, applied_on=applied_on)
        dossier.relatives.set(relatives)
        ctx = StepContext(change, dossier, "start", today)
        status = ctx.set_status(PartyStatus.APPLICANT)
        ctx.record(RecordKind.APPLICATION, applied_on, text, {}, file)
        township = change.case.township
        ctx.deadline(
            "talk",
            gettext_noop("Talk with the applicant"),
            rules.talk_due(applied_on),
            branch,
            rule="R1.3",
            escalate_to=township,
        )
        change.record(
            Action.RECORD_ADDED,
            step="start",
            data={"applied_on": applied_on, "records": ctx.records, **status},
        )
    return change.case


# --- The human steps ---------------------------------------------------------


def talk(ctx, *, talked_on, talker, text, late_reason="", file=None):
    d = ctx.dossier
    _check_date(ctx, talked_on, _("Talk date"), d.applied_on)
    rules.check_talk(d.applied_on, talked_on, late_reason)
    d.talked_on = talked_on
    close_deadlines(ctx.case, "talk")
    ctx.record(
        RecordKind.TALK, talked_on, text, {"talker": talker, "late_reason": late_reason}, file
    )
    return {"talked_on": talked_on, "late": talked_on > rules.talk_due(d.applied_on)}


def choose_activist(ctx, *, decision, decided_on, nomination="", text="", file=None):
    d = ctx.dossier
    _check_date(ctx, decided_on, _("Decision date"), d.talked_on)
    ctx.decide(decision)
    ctx.record(RecordKind.RECOMMENDATION, decided_on, text, {"decision": decision}, file)
    if decision == "wait":
        return {"decision": decision}
    if decision == "close":
        return {"decision": decision, **ctx.close(Outcome.NOT_CHOSEN)}
    rules.check_nomination(nomination, decided_by_committee=True)
    d.nomination, d.activist_on, d.last_evaluated_on = nomination, decided_on, decided_on
    branch, township = ctx.case.organisation, ctx.case.township
    ctx.deadline(
        "evaluation",
        gettext_noop("Half-yearly evaluation of the activist"),
        rules.evaluation_due(decided_on),
        branch,
        rule="R1.7",
        escalate_to=township,
    )
    ctx.deadline(
        "cultivation_year",
        gettext_noop("One year of cultivation completed"),
        rules.development_eligible_from(decided_on),
        branch,
        rule="R1.9",
        is_earliest=True,
    )
    return {"decision": decision, "activist_on": decided_on, **ctx.set_status(PartyStatus.ACTIVIST)}


def _filing(what, since):
    """R1.4 / R1.9: the higher committee receives the branch's filing (备案, not approval)."""

    def handler(ctx, *, filed_on, text=""):
        _check_date(ctx, filed_on, _("Filing date"), getattr(ctx.dossier, since))
        ctx.record(RecordKind.FILING, filed_on, text, {"filed": what})
        return {"filed_on": filed_on}

    return handler


def assign_contacts(ctx, *, contacts, assigned_on, text=""):
    d = ctx.dossier
    _check_date(ctx, assigned_on, _("Appointment date"), d.activist_on)
    _check_in_branch(ctx, contacts, "R1.5")
    rules.check_contacts([c.party_status for c in contacts])
    d.contacts.set(contacts)
    ctx.record(RecordKind.RECOMMENDATION, assigned_on, text, {"contacts": [c.pk for c in contacts]})
    return {"contacts": [c.pk for c in contacts]}


def _check_in_branch(ctx, people, rule):
    branch = ctx.case.organisation
    for member in people:
        if not member.organisation.is_within(branch):
            raise RuleViolation(
                rule,
                _("%(name)s is not a member of %(branch)s.")
                % {"name": member.name, "branch": branch},
            )


def _evaluation_dates(ctx):
    return list(
        Record.objects.filter(case=ctx.case, kind=RecordKind.EVALUATION).values_list(
            "dated", flat=True
        )
    )


def cultivate(ctx, *, completed_on, text):
    d = ctx.dossier
    _check_date(ctx, completed_on, _("Date"), d.activist_on)
    rules.check_evaluations(d.activist_on, _evaluation_dates(ctx), completed_on)
    ctx.record(RecordKind.EVALUATION, completed_on, text, {"summary": True})
    d.last_evaluated_on = completed_on
    return {"completed_on": completed_on}


def choose_development_object(ctx, *, decision, decided_on, text):
    d = ctx.dossier
    _check_date(ctx, decided_on, _("Decision date"), d.activist_on)
    ctx.decide(decision)
    if decision != "chosen":
        ctx.record(RecordKind.RECOMMENDATION, decided_on, text, {"decision": decision})
        return {"decision": decision}
    if not text.strip():
        raise RuleViolation(
            "R1.9",
            _("Record the opinions of the party group, contacts, members and the masses."),
        )
    rules.check_development_object(d.activist_on, decided_on)
    rules.check_evaluations(d.activist_on, _evaluation_dates(ctx), decided_on)
    d.development_object_on = decided_on
    close_deadlines(ctx.case, "evaluation", "cultivation_year")
    ctx.record(RecordKind.RECOMMENDATION, decided_on, text, {"decision": decision})
    status = ctx.set_status(PartyStatus.DEVELOPMENT_OBJECT)
    return {"decision": decision, "development_object_on": decided_on, **status}


def assign_sponsors(ctx, *, sponsors, assigned_on, text=""):
    d = ctx.dossier
    _check_date(ctx, assigned_on, _("Appointment date"), d.development_object_on)
    rules.check_sponsors(
        [_member(s) for s in sponsors],
        ctx.person.pk,
        set(d.relatives.values_list("pk", flat=True)),
        ctx.param(pack.NEAR_RELATIVES_BARRED),
    )
    d.sponsors.set(sponsors)
    ctx.record(RecordKind.RECOMMENDATION, assigned_on, text, {"sponsors": [s.pk for s in sponsors]})
    return {"sponsors": [s.pk for s in sponsors]}


def political_review(ctx, *, concluded_on, conclusion, passed, file=None):
    d = ctx.dossier
    _check_date(ctx, concluded_on, _("Conclusion date"), d.development_object_on)
    rules.check_political_review(conclusion)
    ctx.decide("passed" if passed else "failed")
    ctx.record(RecordKind.POLITICAL_REVIEW, concluded_on, conclusion, {"passed": passed}, file)
    if not passed:
        return {"passed": False, **ctx.close(Outcome.REVIEW_FAILED)}
    d.political_review_on = concluded_on
    return {"passed": True}


def training(ctx, *, started_on, finished_on, days, hours, special_reason="", text="", file=None):
    d = ctx.dossier
    _check_date(ctx, started_on, _("Training start"))
    _check_date(ctx, finished_on, _("Training end"), started_on)
    rules.check_training(float(days), float(hours), special_reason)
    d.trained_on = finished_on
    data = {"days": str(days), "hours": str(hours), "special_reason": special_reason}
    ctx.record(RecordKind.TRAINING, finished_on, text, data, file)
    return {"trained_on": finished_on, **data}


def _publicity(outcome_if_upheld):
    def handler(ctx, *, started_on, decided_on, objections="", upheld=False):
        _check_date(ctx, started_on, _("Publicity start"))
        ends_on = ctx.publicity_ends(started_on)
        _check_date(ctx, decided_on, _("Date of the result"), started_on)
        clear = rules.check_publicity_over(ends_on, decided_on, upheld)
        ctx.decide("clear" if clear else "upheld")
        data = {"started_on": started_on, "ends_on": ends_on, "upheld": upheld}
        ctx.record(RecordKind.PUBLICITY, decided_on, objections, data)
        if not clear and outcome_if_upheld:
            return {**data, **ctx.close(outcome_if_upheld)}
        return data

    return handler


OBJECT_MATERIAL = (RecordKind.POLITICAL_REVIEW, RecordKind.TRAINING, RecordKind.PUBLICITY)


def branch_review(ctx, *, reviewed_on, text, leaves_unit_on=None):
    d = ctx.dossier
    _check_date(ctx, reviewed_on, _("Review date"), d.trained_on)
    rules.check_prerequisites(ctx.kinds_present(), OBJECT_MATERIAL)
    if not text.strip():
        raise RuleViolation("R1.15", _("Write the branch committee's review."))
    d.leaves_unit_on = leaves_unit_on
    ctx.record(RecordKind.BRANCH_REVIEW, reviewed_on, text, {"leaves_unit_on": leaves_unit_on})
    return {"reviewed_on": reviewed_on}


def prereview(ctx, *, decision, reviewed_on, text):
    d = ctx.dossier
    _check_date(ctx, reviewed_on, _("Pre-review date"))
    committee = ctx.case.organisation.approving_committee()
    rules.check_approval_authority(True, committee is not None, False)
    if not text.strip():
        raise RuleViolation("R1.15", _("The pre-review result is given in writing."))
    if decision == "passed":
        rules.check_not_leaving(d.leaves_unit_on, reviewed_on, ctx.param(pack.LEAVING_MONTHS))
    ctx.decide(decision)
    ctx.record(RecordKind.PREREVIEW, reviewed_on, text, {"decision": decision})
    if decision == "refused":
        return {"decision": decision, **ctx.close(Outcome.PREREVIEW_REFUSED)}
    return {"decision": decision}


def volunteer_form(ctx, *, filled_on, text, file=None):
    _check_date(ctx, filled_on, _("Date filled in"))
    ctx.record(RecordKind.VOLUNTEER_FORM, filled_on, text, {}, file)
    return {"filled_on": filled_on}


def _meeting(ctx, held_on, votes, secretary, text, **motion):
    """The general meeting's resolution on `motion` (what was put to the vote), on record."""
    rules.check_branch_can_meet(ctx.full_members_of_branch(), ctx.param(pack.SMALL_BRANCH_MINIMUM))
    if not secretary.strip():
        raise RuleViolation("R1.17", _("The resolution is signed by the branch secretary."))
    passed = rules.count_votes(votes, ctx.full_members_of_branch())
    data = {
        **votes.__dict__,
        **motion,
        "passed": passed,
        "secretary": secretary,
        "held_on": held_on,
    }
    ctx.record(RecordKind.RESOLUTION, held_on, text, data)
    return passed, data


def admission_meeting(ctx, *, held_on, votes, secretary, text, if_failed="retry"):
    d = ctx.dossier
    rules.check_prerequisites(ctx.kinds_present(), (RecordKind.VOLUNTEER_FORM,))
    # Probation (R1.22) and the approval period (R1.19) count from this date.
    form = Record.objects.filter(case=ctx.case, kind=RecordKind.VOLUNTEER_FORM).last()
    _check_date(ctx, held_on, _("Meeting date"), form.dated)
    rules.check_not_leaving(d.leaves_unit_on, held_on, ctx.param(pack.LEAVING_MONTHS))
    passed, data = _meeting(ctx, held_on, votes, secretary, text)
    if not passed:
        ctx.decide("retry" if if_failed == "retry" else "failed")
        if if_failed != "retry":
            return {**data, **ctx.close(Outcome.NOT_ADMITTED)}
        return data
    ctx.decide("passed")
    d.admission_meeting_on = held_on
    committee = ctx.case.organisation.approving_committee()
    ctx.deadline(
        "approval",
        gettext_noop("Committee approval of the admission"),
        rules.add_months(held_on, ctx.param(pack.APPROVAL_MONTHS)),
        committee,
        rule="R1.19",
        escalate_to=committee.parent,
    )
    return data


def committee_talk(ctx, *, talked_on, talker, text):
    _check_date(ctx, talked_on, _("Talk date"), ctx.dossier.admission_meeting_on)
    ctx.record(RecordKind.COMMITTEE_TALK, talked_on, text, {"talker": talker})
    return {"talked_on": talked_on}


def approval(ctx, *, decision, approved_on, text, members_present, votes_for, extension_reason=""):
    d = ctx.dossier
    _check_date(ctx, approved_on, _("Approval date"), d.admission_meeting_on)
    talked = Record.objects.filter(case=ctx.case, kind=RecordKind.COMMITTEE_TALK).last()
    rules.check_committee_talk_before(talked.dated if talked else None, approved_on)
    if votes_for > members_present or members_present < 1:
        raise RuleViolation("R1.19", _("The committee's vote numbers do not add up."))
    extended = rules.check_approval_in_time(
        d.admission_meeting_on,
        approved_on,
        ctx.param(pack.APPROVAL_MONTHS),
        ctx.param(pack.APPROVAL_EXTENDED_MONTHS),
        extension_reason,
    )
    if decision == "approved" and votes_for * 2 <= members_present:
        raise RuleViolation(
            "R1.19", _("Approval needs the votes of more than half of the members present.")
        )
    ctx.decide(decision)
    close_deadlines(ctx.case, "approval")
    data = {
        "decision": decision,
        "members_present": members_present,
        "votes_for": votes_for,
        "extended": extended,
        "extension_reason": extension_reason,
    }
    if decision != "approved":
        ctx.record(RecordKind.APPROVAL, approved_on, text, data)
        return {**data, **ctx.close(Outcome.NOT_APPROVED)}
    d.approval_extended, d.approved_on = extended, approved_on
    d.probation_ends_on = rules.probation_ends(d.admission_meeting_on)
    data.update(probation_from=d.admission_meeting_on, probation_ends_on=d.probation_ends_on)
    ctx.record(RecordKind.APPROVAL, approved_on, text, data)
    _watch_probation(ctx)
    return {**data, **ctx.set_status(PartyStatus.PROBATIONARY)}


def _watch_probation(ctx):
    ctx.deadline(
        "probation_end",
        gettext_noop("End of probation: the branch discusses the conversion"),
        ctx.dossier.probation_ends_on,
        ctx.case.organisation,
        rule="R1.22",
        is_earliest=True,
    )


def county_filing(ctx, *, filed_on, text=""):
    _check_date(ctx, filed_on, _("Filing date"), ctx.dossier.approved_on)
    ctx.record(RecordKind.FILING, filed_on, text, {"filed": "county"})
    return {"filed_on": filed_on}


def placement(ctx, *, placed_on, group=None, text=""):
    _check_date(ctx, placed_on, _("Date"), ctx.dossier.approved_on)
    if group is not None and (group.kind != "group" or group.parent_id != ctx.case.organisation_id):
        raise RuleViolation("R1.21", _("Choose a party group of this branch."))
    ctx.record(RecordKind.PLACEMENT, placed_on, text, {"group": group.pk if group else None})
    return {"group": group.pk if group else None}


def oath(ctx, *, oath_on, text=""):
    _check_date(ctx, oath_on, _("Oath date"))
    rules.check_oath(ctx.dossier.approved_on, oath_on)
    ctx.record(RecordKind.OATH, oath_on, text)
    return {"oath_on": oath_on}


def probation(ctx, *, completed_on, text):
    _check_date(ctx, completed_on, _("Date"), ctx.dossier.approved_on)
    ctx.record(RecordKind.PROBATION_NOTE, completed_on, text, {"summary": True})
    return {"completed_on": completed_on}


def conversion_application(ctx, *, applied_on, text, file=None):
    _check_date(ctx, applied_on, _("Application date"), ctx.dossier.approved_on)
    ctx.record(RecordKind.CONVERSION_APPLICATION, applied_on, text, {}, file)
    return {"applied_on": applied_on}


CONVERSION_PROPOSALS = ("convert", "extend", "cancel")


def conversion_meeting(ctx, *, held_on, proposal, votes, secretary, text, extension_months=None):
    d = ctx.dossier
    _check_date(ctx, held_on, _("Meeting date"))
    rules.check_conversion_meeting(d.probation_ends_on, held_on, d.conversion_postponed_to)
    if proposal not in CONVERSION_PROPOSALS:
        raise RuleViolation("R1.23", _("Choose conversion, extension or cancellation."))
    if proposal == "extend":
        rules.check_extension(extension_months, d.probation_extended)
    passed, data = _meeting(
        ctx, held_on, votes, secretary, text, proposal=proposal, extension_months=extension_months
    )
    if not passed:
        # The failed vote is on record; the step stays open for the next proposal.
        ctx.change.record(Action.RECORD_ADDED, data={**data, "records": ctx.records})
        return None
    d.conversion_meeting_on, d.conversion_decision = held_on, proposal
    d.decisions["conversion_extension_months"] = extension_months
    close_deadlines(ctx.case, "probation_end")
    committee = ctx.case.organisation.approving_committee()
    ctx.deadline(
        "conversion_approval",
        gettext_noop("Committee decision on the conversion"),
        rules.add_months(held_on, rules.CONVERSION_APPROVAL_MONTHS),
        committee,
        rule="R1.25",
        escalate_to=committee.parent,
    )
    return data


def conversion_approval(ctx, *, decision, approved_on, text):
    d = ctx.dossier
    _check_date(ctx, approved_on, _("Approval date"), d.conversion_meeting_on)
    rules.check_conversion_approval_in_time(d.conversion_meeting_on, approved_on)
    if decision not in ("approved", "returned"):
        raise RuleViolation("R1.23", _("Approve the branch's resolution or return it."))
    close_deadlines(ctx.case, "conversion_approval")
    outcome = d.conversion_decision if decision == "approved" else "returned"
    ctx.decide(outcome)
    data = {"decision": decision, "resolution": d.conversion_decision}
    ctx.record(RecordKind.APPROVAL, approved_on, text, data)
    if outcome == "convert":
        # R1.25: 党龄 from the day probation ends, not from the approval.
        d.full_member_on = d.probation_ends_on
        status = ctx.set_status(PartyStatus.FULL, membership_started_on=d.full_member_on)
        return {**data, "full_member_on": d.full_member_on, **status}
    if outcome == "extend":
        months = d.decisions["conversion_extension_months"]
        d.probation_extended = True
        d.probation_ends_on = rules.add_months(d.probation_ends_on, months)
        d.conversion_postponed_to = None
        _watch_probation(ctx)
        return {**data, "probation_ends_on": d.probation_ends_on}
    if outcome == "cancel":
        return {**data, **ctx.close(Outcome.CANCELLED)}
    return data


def archive(ctx, *, archived_on, text=""):
    d = ctx.dossier
    _check_date(ctx, archived_on, _("Archiving date"), d.full_member_on)
    rules.check_archive(ctx.kinds_present())
    d.archived_on, d.outcome = archived_on, Outcome.FULL_MEMBER
    ctx.record(RecordKind.ARCHIVE, archived_on, text)
    return {"archived_on": archived_on}


STEP_HANDLERS = {
    "talk": talk,
    "choose_activist": choose_activist,
    "file_activist": _filing("activist", "activist_on"),
    "assign_contacts": assign_contacts,
    "cultivate": cultivate,
    "choose_development_object": choose_development_object,
    "file_development_object": _filing("development_object", "development_object_on"),
    "assign_sponsors": assign_sponsors,
    "political_review": political_review,
    "training": training,
    "publicise_object": _publicity(Outcome.PUBLICITY_OBJECTION),
    "branch_review": branch_review,
    "prereview": prereview,
    "volunteer_form": volunteer_form,
    "admission_meeting": admission_meeting,
    "committee_talk": committee_talk,
    "approval": approval,
    "county_filing": county_filing,
    "placement": placement,
    "oath": oath,
    "probation": probation,
    "conversion_application": conversion_application,
    "publicise_conversion": _publicity(None),
    "conversion_meeting": conversion_meeting,
    "conversion_approval": conversion_approval,
    "archive": archive,
}


def complete(*, actor, task, opinion="", today=None, **fields):
    """Do the step `task` with the step's fields; refused as a whole on any rule."""
    name = task.flow_task.name
    handler = STEP_HANDLERS.get(name)
    if handler is None or task.flow_task.flow_class is not RecruitmentFlow:
        raise AlreadyDone(_("This is not a member-development step."), code="wrong_flow")
    with flowkit.step(actor=actor, task=task) as change:
        dossier = Dossier.objects.get(case_id=change.case.pk)
        ctx = StepContext(change, dossier, name, today or _today())
        latest = ctx.latest_document_date()
        summary = handler(ctx, **fields)
        _check_in_order(ctx, latest)
        dossier.save()
        if summary is not None:
            change.complete(opinion=opinion, data={**summary, "records": ctx.records})
    return change.case


# --- Between steps -----------------------------------------------------------

# Which documents may be added while which step is open (R1.7, R1.21).
RECORDS_DURING = {
    RecordKind.EVALUATION: ("cultivate", "choose_development_object"),
    RecordKind.PROBATION_NOTE: ("probation",),
}


def add_record(*, actor, case, kind, dated, text, file=None, today=None):
    """File a half-yearly evaluation (R1.7) or a probation note while that stage is open."""
    if kind not in RECORDS_DURING:
        raise RuleViolation("R1.7", _("This document is filed with its step."))
    with transaction.atomic():
        role = flowkit.authorise(actor, "act_for_branch", case.organisation, case)
        case = flowkit.lock_case(case)
        open_steps = {t.flow_task.name for t in case.task_set.filter(status__in=OPEN)}
        if not open_steps & set(RECORDS_DURING[kind]):
            raise RuleViolation(
                "R1.7", _("This document can only be filed while its stage is in progress.")
            )
        dossier = Dossier.objects.get(case_id=case.pk)
        change = flowkit.Change(actor, role, case)
        ctx = StepContext(change, dossier, kind, today or _today())
        since = dossier.activist_on if kind == RecordKind.EVALUATION else dossier.approved_on
        # Evaluations are often written up after the fact: only the stage bounds them.
        check_date(dated, ctx.today, _("Date"), since)
        ctx.record(kind, dated, text, {}, file)
        if kind == RecordKind.EVALUATION:
            dossier.last_evaluated_on = max(dossier.last_evaluated_on or dated, dated)
            dossier.save()
            ctx.deadline(
                "evaluation",
                gettext_noop("Half-yearly evaluation of the activist"),
                rules.evaluation_due(dossier.last_evaluated_on),
                case.organisation,
                rule="R1.7",
                escalate_to=case.township,
            )
        change.record(Action.RECORD_ADDED, step=kind, data={"records": ctx.records})
    return case


def transfer(*, actor, case, to_branch, transferred_on, reason, postpone_to=None, today=None):
    """R1.8 / R1.26: move the case with the person to the branch of their new unit.

    The history, dates and documents go with it; the open step is released to
    the new branch's queue. A receiving branch may postpone a probationary
    member's conversion discussion by up to six months (R1.26).
    """
    today = today or _today()
    check_date(transferred_on, today, _("Transfer date"))
    if not reason.strip():
        raise RuleViolation("R1.8", _("Say why the case is transferred."))
    with transaction.atomic():
        role = flowkit.authorise(actor, "act_for_branch", case.organisation, case)
        case = flowkit.lock_case(case)
        person = case.subject
        rules.check_transfer(person.party_status, to_branch.kind)
        if to_branch.pk == case.organisation_id:
            raise RuleViolation("R1.8", _("The case is already at this branch."))
        dossier = Dossier.objects.get(case_id=case.pk)
        if postpone_to is not None:
            if person.party_status != PartyStatus.PROBATIONARY:
                raise RuleViolation(
                    "R1.26", _("Only a probationary member's conversion is postponed.")
                )
            rules.check_postponement(
                dossier.probation_ends_on,
                postpone_to,
                pack_value(pack.TRANSFER_POSTPONE_MONTHS.key, today),
            )
            dossier.conversion_postponed_to = postpone_to
        # R1.15's leaving date was about the unit the person has now left.
        dossier.leaves_unit_on = None
        dossier.save()
        source = case.organisation
        case.place_in(to_branch)
        case.save(update_fields=["organisation", "org_path", "township"])
        person.organisation = to_branch
        person.save(update_fields=["organisation"])
        released = case.task_set.filter(status__in=OPEN).exclude(owner=None)
        for task in released:
            flowkit.activation_of(task).unassign()
        waiting = case.deadlines.filter(state=DeadlineState.OPEN)
        waiting.filter(responsible=source).update(
            responsible=to_branch, escalate_to=to_branch.township()
        )
        # An approval still due goes to the committee that now does the step (R1.20).
        committee = to_branch.approving_committee()
        waiting.filter(responsible=source.approving_committee()).update(
            responsible=committee, escalate_to=committee.parent
        )
        change = flowkit.Change(actor, role, case)
        change.record(
            Action.CASE_TRANSFERRED,
            opinion=reason,
            data={
                "from": source.pk,
                "to": to_branch.pk,
                "transferred_on": transferred_on,
                "postpone_to": postpone_to,
            },
        )
    return case
