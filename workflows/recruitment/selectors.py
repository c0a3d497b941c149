"""Reads for the member-development pages and the full-record export.

Every read of a case starts from `visible_cases(user)`, so a page never shows
a case the user may not see; the step titles, stages and guidance come from
the flow, so the pages, the chart and the export name steps the same way.
"""

import json
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases.models import Deadline
from core.cases.selectors import open_deadlines_by_case
from core.flowkit.selectors import OPEN, cases_visible_to, inbox
from core.organisations.models import Organisation
from core.people.choices import PartyStatus
from core.people.models import Person
from core.web import history
from core.web.history import case_events, role_label
from core.web.views import deadline_mark
from workflows.recruitment.flows import STAGES, RecruitmentFlow, human_steps
from workflows.recruitment.forms import STEP_FORMS
from workflows.recruitment.models import Dossier, Record, RecordKind, Recruitment

# What each step must satisfy, in a sentence for the person doing it.
GUIDE = {
    "start": (
        "R1.1 R1.2",
        _(
            "The branch of the applicant's unit or residence records the written application "
            "of a person aged 18 or over who is not a member. The talk is due within one month."
        ),
    ),
    "talk": (
        "R1.3",
        _(
            "Within one month of receiving the application the branch sends someone to talk "
            "with the applicant; a later talk needs the reason on record."
        ),
    ),
    "choose_activist": (
        "R1.4",
        _(
            "An activist is nominated by party members or by a mass organisation and decided "
            "by the branch committee (the general meeting where there is no committee)."
        ),
    ),
    "file_activist": (
        "R1.4",
        _("The higher committee receives the branch's filing of the activist (not an approval)."),
    ),
    "assign_contacts": (
        "R1.5",
        _("The branch names one or two full members of the branch as cultivation contacts."),
    ),
    "cultivate": (
        "R1.6 R1.7",
        _(
            "The branch evaluates the activist every six months: file each evaluation from the "
            "case page, then summarise the cultivation here."
        ),
    ),
    "choose_development_object": (
        "R1.9",
        _(
            "After at least one year as an activist, having heard the party group, the contacts, "
            "members and the masses, the branch committee may list a development object."
        ),
    ),
    "file_development_object": (
        "R1.9",
        _("The higher committee receives the branch's filing of the development object."),
    ),
    "assign_sponsors": (
        "R1.10",
        _(
            "Two full members sponsor the development object; a member under probation within "
            "the party cannot sponsor."
        ),
    ),
    "political_review": (
        "R1.12",
        _(
            "The political review ends in a written conclusion; nobody is admitted without "
            "passing it."
        ),
    ),
    "training": (
        "R1.13",
        _(
            "Concentrated training of at least three days or 24 class hours; shorter only in a "
            "special case with the reason on record."
        ),
    ),
    "publicise_object": (
        "§1.5",
        _(
            "The development object is publicised for the working days the rule pack sets; "
            "record the result after the period."
        ),
    ),
    "branch_review": (
        "R1.15 R1.17",
        _(
            "The branch committee reviews the political review, training and publicity and "
            "sends the case for pre-review."
        ),
    ),
    "prereview": (
        "R1.15 R1.20",
        _(
            "The committee with approval authority pre-reviews in writing and issues the "
            "application form; no admission if the person leaves the unit within three months."
        ),
    ),
    "volunteer_form": (
        "R1.17",
        _("The development object fills in the application form with the sponsors' opinions."),
    ),
    "admission_meeting": (
        "R1.16 R1.17",
        _(
            "More than half of the voters expected must be present; the resolution passes when "
            "yes votes, written ones included, exceed half of those expected."
        ),
    ),
    "committee_talk": (
        "R1.18",
        _("A committee member or organiser talks with the person before the approval."),
    ),
    "approval": (
        "R1.19 R1.20",
        _(
            "The committee votes within three months of the branch meeting, or up to six with "
            "the special circumstances written down."
        ),
    ),
    "county_filing": (
        "R1.19",
        _("The county organisation department receives the filing of the approval."),
    ),
    "placement": ("R1.21", _("The probationary member joins a branch and a party group.")),
    "oath": ("R1.21", _("The probationary member takes the oath after the approval.")),
    "probation": (
        "R1.21 R1.22",
        _(
            "Probation lasts one year from the admission meeting: file probation notes from the "
            "case page, then summarise them here."
        ),
    ),
    "conversion_application": (
        "R1.24",
        _("The probationary member applies in writing for full membership."),
    ),
    "publicise_conversion": (
        "§1.5",
        _("The member to be converted is publicised; record the result after the period."),
    ),
    "conversion_meeting": (
        "R1.23 R1.24",
        _(
            "Not before probation ends, the general meeting votes on conversion, one extension "
            "of 6 to 12 months, or cancellation, with the same quorum as for admission."
        ),
    ),
    "conversion_approval": (
        "R1.25",
        _("The committee decides within three months; party age counts from the end of probation."),
    ),
    "archive": (
        "R1.27",
        _(
            "The application form, application, political review, conversion application and "
            "evaluations go to the personnel file."
        ),
    ),
}


@dataclass(frozen=True)
class Step:
    name: str
    number: float
    stage: int
    title: str
    rules: str
    guide: str

    @property
    def label(self):
        """The 细则's number; the two publicity steps it does not number have none."""
        return str(int(self.number)) if float(self.number).is_integer() else ""

    @property
    def stage_title(self):
        return STAGES[self.stage]


@cache
def steps():
    """The 27 steps in order: the application, then the flow's human steps."""
    first = Step("start", 1, 1, _("Submit the application"), *GUIDE["start"])
    return [first] + [
        Step(node.name, node.step_number, node.stage, node.task_title, *GUIDE[node.name])
        for node in human_steps()
    ]


@cache
def _steps_by_name():
    return {step.name: step for step in steps()}


def step_named(name):
    return _steps_by_name().get(name)


def step_title(name):
    """A step's title, or the document filed between steps, or the raw name."""
    step = step_named(name)
    if step is not None:
        return step.title
    if name in RecordKind.values:
        return RecordKind(name).label
    return name


# Keys of event data that hold people or organisations, shown by name.
PERSON_KEYS = {"contacts", "sponsors"}
ORGANISATION_KEYS = {"responsible", "escalated_to", "from", "to", "group"}
# Internal references the reader has no use for.
HIDDEN_KEYS = {"records", "deadline", "flow"}


def _ids(value):
    return value if isinstance(value, list) else [value]


def names_in(datas):
    """{("person" | "organisation", pk): name} for every reference in the events' data."""
    wanted = {"person": set(), "organisation": set()}
    for data in datas:
        for key, value in (data or {}).items():
            kind = (
                "person"
                if key in PERSON_KEYS
                else "organisation"
                if key in ORGANISATION_KEYS
                else None
            )
            if kind and value is not None:
                wanted[kind].update(pk for pk in _ids(value) if isinstance(pk, int))
    found = {}
    for pk, name in Person.objects.filter(pk__in=wanted["person"]).values_list("pk", "name"):
        found["person", pk] = name
    for pk, name in Organisation.objects.filter(pk__in=wanted["organisation"]).values_list(
        "pk", "name"
    ):
        found["organisation", pk] = name
    return found


@cache
def _labels():
    """A label for each key the services write: model fields first, then step form fields."""
    return history.field_labels((Dossier, Person, Deadline), STEP_FORMS.values())


def _label(key):
    return str(_labels().get(key, key))


def _shown(key, value, names):
    if key in PERSON_KEYS or key in ORGANISATION_KEYS:
        kind = "person" if key in PERSON_KEYS else "organisation"
        return "、".join(names.get((kind, pk), str(pk)) for pk in _ids(value))
    if key == "party_status" and isinstance(value, list):
        return " → ".join(
            str(PartyStatus(v).label) if v in PartyStatus.values else v for v in value
        )
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def key_data(data, names=None):
    """The event's data as one readable line (its documents are listed elsewhere)."""
    names = names_in([data]) if names is None else names
    return "; ".join(
        f"{_label(key)}: {_shown(key, value, names)}"
        for key, value in (data or {}).items()
        if key not in HIDDEN_KEYS and value not in (None, "", [], {})
    )


# --- Cases -------------------------------------------------------------------


def visible_cases(user):
    return cases_visible_to(user, Recruitment.objects.filter(flow_class=RecruitmentFlow))


def visible_case(user, pk):
    """The case if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        visible_cases(user).select_related("organisation", "township", "subject", "dossier"),
        pk=pk,
    )


def open_tasks(case):
    return list(Task.objects.filter(process_id=case.pk, status__in=OPEN).order_by("created"))


def progress(case):
    """[(stage number, stage title, [(step, mark)])]; mark is done, current or pending."""
    marks = {"start": "done"}
    for task in Task.objects.filter(process_id=case.pk).only("flow_task", "status"):
        name = task.flow_task.name
        if task.status in OPEN:
            marks[name] = "current"
        elif task.status == STATUS.DONE:
            marks.setdefault(name, "done")
    stages = []
    for number, title in STAGES.items():
        rows = [(step, marks.get(step.name, "pending")) for step in steps() if step.stage == number]
        stages.append((number, title, rows))
    return stages


def dossier_dates(dossier):
    """(label, date) for each date of the dossier already set."""
    return [
        (f.verbose_name, getattr(dossier, f.name))
        for f in Dossier._meta.get_fields()
        if isinstance(f, models.DateField) and getattr(dossier, f.name)
    ]


def documents(case):
    return Record.objects.filter(case=case).select_related("created_by")


def timeline(case):
    events = list(case_events(case))
    names = names_in(event.data for event in events)
    return history.timeline(
        events,
        lambda step: step_title(step) if step else "",
        lambda data: key_data(data, names),
    )


@dataclass
class DoneStep:
    """A step as the full record lists it: when it happened, who did it, what was decided."""

    step: Step
    dated: object
    event: AuditEvent
    role: str
    data: str


def _dated(event):
    data = event.data or {}
    records = data.get("records") or []
    day = data.get("applied_on") or (records[0].get("dated") if records else None)
    if day:
        return models.DateField().to_python(day)
    return timezone.localtime(event.created_at).date()


def done_steps(case):
    """Every step done, in the order done (a step repeated by a loop appears each time)."""
    events = AuditEvent.objects.filter(chain=f"case:{case.pk}").filter(
        models.Q(action=Action.TASK_COMPLETED) | models.Q(action=Action.RECORD_ADDED, step="start")
    )
    events = list(events.select_related("actor_organisation").order_by("seq"))
    names = names_in(event.data for event in events)
    return [
        DoneStep(
            step_named(event.step),
            _dated(event),
            event,
            role_label(event.actor_role),
            key_data(event.data, names),
        )
        for event in events
        if step_named(event.step) is not None
    ]


# --- Admissions --------------------------------------------------------------


def admissions():
    """Dossiers whose admission the committee approved (R1.19): the new members.

    An admission counts on `approved_on`, the committee's approval, not on the
    branch meeting: a meeting's resolution may still be refused, and only the
    approval makes the person a probationary member on record. Rectification's
    W5 (no member developed) and the township's plan and structure figures both
    read admissions here, so they always agree on who was admitted and when.
    """
    return Dossier.objects.filter(approved_on__isnull=False)


def admissions_under(path):
    """Admissions in cases of the subtree at `path`: an organisation's path, or
    OuterRef("path") inside a query over organisations."""
    return admissions().filter(case__org_path__startswith=path)


# --- Lists -------------------------------------------------------------------


def stage_nodes(stage):
    flow = RecruitmentFlow.instance
    return [
        getattr(flow, step.name) for step in steps() if step.stage == stage and step.name != "start"
    ]


def case_list(user, stage=None, branch=None):
    """Visible cases, newest first; `stage` keeps those with an open step in that stage."""
    cases = visible_cases(user).select_related("organisation", "township", "subject", "dossier")
    if branch is not None:
        cases = cases.filter(org_path__startswith=branch.path)
    if stage is not None:
        open_in_stage = Task.objects.filter(
            status__in=OPEN, flow_task__in=stage_nodes(stage)
        ).values("process_id")
        cases = cases.filter(pk__in=open_in_stage)
    return cases.order_by("-created", "-pk")


@dataclass
class CaseRow:
    case: Recruitment
    task: Task | None
    step: Step | None
    deadline: object
    mark: str


def case_rows(cases, today=None):
    """The page's cases with their open step and earliest open deadline (two queries)."""
    today = today or timezone.localdate()
    cases = list(cases)
    ids = [case.pk for case in cases]
    tasks = {}
    for task in Task.objects.filter(process_id__in=ids, status__in=OPEN).order_by("created"):
        tasks.setdefault(task.process_id, task)
    deadlines = open_deadlines_by_case(ids)
    rows = []
    for case in cases:
        task = tasks.get(case.pk)
        deadline = deadlines.get(case.pk)
        rows.append(
            CaseRow(
                case,
                task,
                step_named(task.flow_task.name) if task else None,
                deadline,
                deadline_mark(deadline, today),
            )
        )
    return rows


def waiting_for(user, today=None):
    """The user's open member-development steps, with each case's earliest deadline."""
    today = today or timezone.localdate()
    tasks = list(inbox(user).filter(process__flow_class=RecruitmentFlow)[:100])
    deadlines = open_deadlines_by_case({task.process_id for task in tasks})
    return [
        CaseRow(
            task.process.case,
            task,
            step_named(task.flow_task.name),
            deadlines.get(task.process_id),
            deadline_mark(deadlines.get(task.process_id), today),
        )
        for task in tasks
    ]
