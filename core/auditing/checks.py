"""Compliance checks over recorded history (the auditor's A-codes).

The services refuse most breaches when a step is done; these checks read what
was recorded afterwards, to find what got through anyway (data entered
around the services, a rule-pack change, an extension reason that does not
hold) or was entered late. Each check is a pure function of one case's
`History` (core.auditing.history), the rule-pack reader and today's date, and
returns `Finding`s naming its A-code and the R-code it watches.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import DateField
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS

from core.audit.events import Action
from core.auditing import pack as auditing_pack
from core.auditing.history import documents_of
from core.cases.models import DeadlineState
from core.flowkit.checks import add_months
from workflows.recruitment import pack as recruitment_pack
from workflows.recruitment import rules
from workflows.recruitment.models import RecordKind


@dataclass(frozen=True)
class Finding:
    code: str  # the check (A1 …)
    rule: str  # the rule it watches (R1.3 …)
    case: object
    dated: date  # when the breach happened or became one
    message: str


def _open(case):
    return case.status == PROCESS.NEW


def _local_day(moment):
    return timezone.localtime(moment).date()


def talk_late(history, param, today):
    """A1 (R1.3): the talk more than one month after the application, or still not held."""
    d = history.dossier
    if d is None:
        return []
    due = rules.talk_due(d.applied_on)
    if d.talked_on is not None and d.talked_on > due:
        return [
            Finding(
                "A1",
                "R1.3",
                history.case,
                d.talked_on,
                _("The talk was held on %(day)s; it was due by %(due)s.")
                % {"day": d.talked_on, "due": due},
            )
        ]
    if d.talked_on is None and _open(history.case) and today > due:
        return [
            Finding(
                "A1",
                "R1.3",
                history.case,
                due,
                _("No talk is recorded; it was due by %(due)s.") % {"due": due},
            )
        ]
    return []


def _approval_decided_on(history):
    for record in history.records:
        if record.kind == RecordKind.APPROVAL and record.step == "approval":
            return record.dated
    return history.dossier.approved_on


def approval_late(history, param, today):
    """A2 (R1.19): the committee decided later than the pack's months after the branch
    meeting (3), or than the extended limit (6) where an extension was recorded."""
    d = history.dossier
    if d is None or d.admission_meeting_on is None:
        return []
    meeting = d.admission_meeting_on
    months = param(recruitment_pack.APPROVAL_MONTHS, meeting)
    extended = param(recruitment_pack.APPROVAL_EXTENDED_MONTHS, meeting)
    limit = add_months(meeting, extended if d.approval_extended else months)
    decided = _approval_decided_on(history)
    if decided is None:
        if _open(history.case) and today > limit:
            message = _("The branch meeting of %(day)s is still not decided by the committee.")
            return [Finding("A2", "R1.19", history.case, limit, message % {"day": meeting})]
        return []
    if decided > limit:
        return [
            Finding(
                "A2",
                "R1.19",
                history.case,
                decided,
                _(
                    "The committee decided on %(day)s, after %(limit)s, the limit counted from "
                    "the branch meeting of %(meeting)s."
                )
                % {"day": decided, "limit": limit, "meeting": meeting},
            )
        ]
    return []


def evaluation_gaps(history, param, today):
    """A3 (R1.7): more than six months without an evaluation of the activist, every gap."""
    d = history.dossier
    if d is None or d.activist_on is None:
        return []
    evaluated = sorted(r.dated for r in history.records if r.kind == RecordKind.EVALUATION)
    until = d.development_object_on
    if until is None and _open(history.case):
        until = today
    findings, previous = [], d.activist_on
    for day in evaluated + ([until] if until else []):
        due = rules.evaluation_due(previous)
        if day > due:
            findings.append(
                Finding(
                    "A3",
                    "R1.7",
                    history.case,
                    due,
                    _("No evaluation between %(start)s and %(day)s; one was due by %(due)s.")
                    % {"start": previous, "day": day, "due": due},
                )
            )
        previous = max(previous, day)
    return findings


# The acts of a branch member in a case: recommending, examining and voting.
ACTS = (Action.TASK_COMPLETED, Action.RECORD_ADDED)


def near_relatives(history, param, today):
    """A4 (§1.5 近亲属, R1.10): where the pack bars it, a near relative named at the application
    sponsored the candidate, was a cultivation contact, or did a step of the case."""
    d = history.dossier
    if d is None or not history.relatives:
        return []
    findings = []

    def barred(on):
        return param(recruitment_pack.NEAR_RELATIVES_BARRED, on)

    named = (
        (_("sponsor"), history.sponsors, d.development_object_on or d.applied_on),
        (_("contact"), history.contacts, d.activist_on or d.applied_on),
    )
    for role, people, on in named:
        for pk in sorted(people & set(history.relatives)):
            if barred(on):
                findings.append(
                    Finding(
                        "A4",
                        "§1.5",
                        history.case,
                        on,
                        _("%(name)s, a near relative, is named as %(role)s.")
                        % {"name": history.relatives[pk], "role": role},
                    )
                )
    for event in history.events:
        person = history.actor_people.get(event.actor_id)
        if event.action in ACTS and person in history.relatives:
            day = _local_day(event.created_at)
            if barred(day):
                findings.append(
                    Finding(
                        "A4",
                        "§1.5",
                        history.case,
                        day,
                        _("%(name)s, a near relative, did the step %(step)s.")
                        % {"name": history.relatives[person], "step": event.step},
                    )
                )
    return findings


def _stated(document):
    value = document.get("dated")
    return DateField().to_python(value) if value else None


def late_recording(history, param, today):
    """A5 (date order): a step entered more days after its stated date than the pack allows."""
    findings = []
    for event in history.events:
        stated = [day for day in map(_stated, documents_of(event)) if day]
        if not stated:
            continue
        entered = _local_day(event.created_at)
        earliest = min(stated)
        allowed = param(auditing_pack.LATE_RECORDING_DAYS, entered)
        if (entered - earliest).days > allowed:
            findings.append(
                Finding(
                    "A5",
                    "date",
                    history.case,
                    entered,
                    _(
                        "The step %(step)s dated %(day)s was entered on %(entered)s, "
                        "%(days)s days later (allowed: %(allowed)s)."
                    )
                    % {
                        "step": event.step,
                        "day": earliest,
                        "entered": entered,
                        "days": (entered - earliest).days,
                        "allowed": allowed,
                    },
                )
            )
    return findings


def overdue_deadlines(history, param, today):
    """A6 (the deadline's own rule): a date that was missed, whether the beat marked it
    overdue or it is still open past its day (an earliest date is never missed)."""
    findings = []
    for deadline in history.deadlines:
        if deadline.is_earliest:
            continue
        missed = deadline.overdue_at is not None or (
            deadline.state == DeadlineState.OPEN and deadline.due_on < today and _open(history.case)
        )
        if missed:
            findings.append(
                Finding(
                    "A6",
                    deadline.rule or "deadline",
                    history.case,
                    deadline.due_on,
                    _("%(what)s was due by %(due)s and went overdue.")
                    % {"what": deadline.title, "due": deadline.due_on},
                )
            )
    return findings


CHECKS = (
    talk_late,
    approval_late,
    evaluation_gaps,
    near_relatives,
    late_recording,
    overdue_deadlines,
)


def run(histories, param, today=None) -> list[Finding]:
    today = today or timezone.localdate()
    findings = [
        f for history in histories for check in CHECKS for f in check(history, param, today)
    ]
    return sorted(findings, key=lambda f: (f.case.pk, f.code, f.dated))
