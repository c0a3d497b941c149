"""The vetting case file as the pages and the API read it.

Who sees a case: whoever sees its organisation (view_cases down the tree),
and, for a department's review, that department's own reviewers, who see
nothing else. A department's verdicts are shown on the joint review only to
those `selectors.may_read_findings` allows, case by case; the township sees
each candidate's result and the item codes, never the evidence.
"""

import json
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from viewflow.workflow.models import Task

from core.cases.models import Case
from core.cases.selectors import open_deadlines_by_case
from core.flowkit.selectors import OPEN, cases_visible_to, inbox
from core.roles.scope import organisations_in_scope
from core.web import history
from core.web.views import deadline_mark
from workflows.vetting import selectors
from workflows.vetting.flows import (
    DepartmentReviewFlow,
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.forms import STEP_FORMS
from workflows.vetting.models import (
    Appointment,
    Batch,
    Check,
    Objection,
    Referral,
    ReserveDossier,
    SecretaryDossier,
    SelectionDossier,
)

FLOWS = (
    JointReviewFlow,
    DepartmentReviewFlow,
    SecretaryFilingFlow,
    SelectionFlow,
    ReserveCadreFlow,
)
DOSSIERS = {
    JointReviewFlow: Batch,
    DepartmentReviewFlow: Referral,
    SecretaryFilingFlow: SecretaryDossier,
    SelectionFlow: SelectionDossier,
    ReserveCadreFlow: ReserveDossier,
}
RELATED = ("organisation", "township", "subject")


def visible_cases(user):
    """Vetting cases in the user's sight: by the tree, plus their departments' reviews."""
    cases = Case.objects.filter(flow_class__in=FLOWS)
    in_sight = cases_visible_to(user, cases).values("pk")
    own_departments = organisations_in_scope(user, "review_for_department").values("pk")
    return cases.filter(
        models.Q(pk__in=in_sight)
        | models.Q(flow_class=DepartmentReviewFlow, organisation__in=own_departments)
    ).select_related(*RELATED)


def visible_case(user, pk):
    """The case if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(visible_cases(user), pk=pk)


def dossier_of(case):
    return DOSSIERS[case.flow_class].objects.get(case_id=case.pk)


def dossier_dates(dossier):
    """(label, date) for each date of the dossier already set."""
    return [
        (f.verbose_name, getattr(dossier, f.name))
        for f in type(dossier)._meta.get_fields()
        if isinstance(f, models.DateField) and getattr(dossier, f.name)
    ]


def open_tasks(case):
    return list(Task.objects.filter(process_id=case.pk, status__in=OPEN).order_by("created"))


def step_title(flow_class, name):
    node = getattr(flow_class.instance, name, None) if name else None
    return str(node.task_title) if node is not None else name


@cache
def _labels():
    """A label for each key the services write: dossier fields first, then form fields."""
    forms = (form for steps in STEP_FORMS.values() for form in steps.values())
    return history.field_labels(DOSSIERS.values(), forms)


def _value(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _shown(data):
    return "; ".join(
        f"{_labels().get(key, key)}: {_value(value)}"
        for key, value in (data or {}).items()
        if value not in (None, "", [], {})
    )


def timeline(case):
    return history.timeline(
        history.case_events(case),
        lambda step: step_title(case.flow_class, step),
        _shown,
    )


# --- What each kind of case shows ----------------------------------------------------


@dataclass
class DepartmentAnswer:
    """One department's part in a joint review, with its verdicts when the user may read them."""

    referral: Referral
    verdicts: list | None  # None: the user may not read this department's findings


def department_answers(user, batch):
    answers = []
    for referral in batch.referrals.select_related("case", "department__organisation").order_by(
        "department__order", "pk"
    ):
        readable = selectors.may_read_findings(user, referral.case)
        verdicts = list(selectors.department_findings(user, referral)) if readable else None
        answers.append(DepartmentAnswer(referral, verdicts))
    return answers


def written_records(case):
    """The written records of a case beside its history: checks, objections, appointments."""
    return {
        "checks": Check.objects.filter(case=case).order_by("kind"),
        "objections": Objection.objects.filter(case=case),
        "appointments": Appointment.objects.filter(case=case).select_related(
            "person", "organisation"
        ),
    }


# --- Lists ----------------------------------------------------------------------------


@dataclass
class Row:
    case: Case
    task: Task | None
    deadline: object
    mark: str


def _rows(cases, tasks_by_case, today):
    deadlines = open_deadlines_by_case([case.pk for case in cases])
    return [
        Row(
            case,
            tasks_by_case.get(case.pk),
            deadlines.get(case.pk),
            deadline_mark(deadlines.get(case.pk), today),
        )
        for case in cases
    ]


def case_rows(user, flow_class, today=None, limit=200):
    """The user's cases of one procedure, newest first, with their open step and deadline."""
    today = today or timezone.localdate()
    cases = list(
        visible_cases(user).filter(flow_class=flow_class).order_by("-created", "-pk")[:limit]
    )
    tasks = {}
    for task in Task.objects.filter(process_id__in=[c.pk for c in cases], status__in=OPEN).order_by(
        "created"
    ):
        tasks.setdefault(task.process_id, task)
    return _rows(cases, tasks, today)


def waiting_for(user, today=None):
    """The user's open vetting steps, with each case's earliest deadline."""
    today = today or timezone.localdate()
    tasks = list(inbox(user).filter(process__flow_class__in=FLOWS)[:100])
    return [
        Row(task.process.case, task, row.deadline, row.mark)
        for task, row in zip(
            tasks, _rows([task.process.case for task in tasks], {}, today), strict=True
        )
    ]
