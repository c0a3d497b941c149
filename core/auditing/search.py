"""Finding cases across procedures: by person, organisation, step, actor and time.

Every search starts from `cases_visible_to(user)`, so nothing outside the
auditor's grant is found. A whole ID number is looked up through its keyed
digest (the number itself is stored only encrypted); partial numbers are not
searched at all.
"""

from datetime import datetime, time, timedelta
from functools import cache

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.flowkit.flows import CaseFlow
from core.flowkit.selectors import OPEN, cases_visible_to
from core.organisations.models import OrganisationKind
from core.organisations.picker import OrganisationField
from core.people import crypto, idnumber
from core.people.names import name_contains


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@cache
def procedures():
    """The procedures' flows (workflows/*/flows.py), in a stable order."""
    autodiscover_modules("flows")
    flows = [f for f in _subclasses(CaseFlow) if f.__module__.startswith("workflows.")]
    return sorted(flows, key=lambda f: f.instance.flow_label)


@cache
def steps():
    """{key: (flow, node)} for every human step of every procedure."""
    found = {}
    for flow in procedures():
        for node in flow.instance.nodes():
            if getattr(node, "task_type", None) == "HUMAN":
                found[f"{flow.instance.flow_label}.{node.name}"] = (flow, node)
    return found


def step_choices():
    return [
        (key, f"{flow.process_title} · {node.task_title}")
        for key, (flow, node) in sorted(
            steps().items(), key=lambda item: (item[1][0].process_title, str(item[1][1].task_title))
        )
    ]


STEP_STATES = {"current": OPEN, "passed": [STATUS.DONE], "": OPEN + [STATUS.DONE]}


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Name contains"), required=False, max_length=64)
    id_number = forms.CharField(label=_("Whole ID number"), required=False, max_length=24)
    # A picker, not a drop-down: a province auditor's scope holds ~50,000 organisations.
    organisation = OrganisationField(
        label=_("Organisation and everything under it"),
        required=False,
        scope="view_cases",
        kinds=[
            OrganisationKind.COMMITTEE,
            OrganisationKind.GENERAL_BRANCH,
            OrganisationKind.BRANCH,
        ],
    )
    step = forms.ChoiceField(label=_("Step"), required=False)
    step_state = forms.ChoiceField(
        label=_("The step is"),
        required=False,
        choices=[("", _("current or passed")), ("current", _("current")), ("passed", _("passed"))],
    )
    actor = forms.CharField(label=_("Acted on by (name or login)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Events from"), required=False)
    date_to = forms.DateField(label=_("Events until"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["organisation"].limit_to(user)
        self.fields["step"].choices = [("", _("any step"))] + step_choices()

    def clean_id_number(self):
        number = idnumber.normalise(self.cleaned_data["id_number"])
        if number and len(number) != 18:
            raise forms.ValidationError(
                _("Give the whole 18-character ID number; parts of numbers are not searched.")
            )
        return number

    def criteria(self):
        """The search as the audit log keeps it: the ID number only masked."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "id_number": idnumber.mask(data["id_number"]) if data["id_number"] else "",
            "organisation": data["organisation"].pk if data["organisation"] else None,
            "step": data["step"],
            "step_state": data["step_state"],
            "actor": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def search(user, data):
    """The visible cases matching the form's cleaned `data`, newest first."""
    cases = cases_visible_to(user).select_related("organisation", "township", "subject")
    if data.get("name"):
        cases = cases.filter(name_contains("subject_name", data["name"]))
    if data.get("id_number"):
        cases = cases.filter(subject__id_number_digest=crypto.digest(data["id_number"]))
    if data.get("organisation"):
        cases = cases.filter(org_path__startswith=data["organisation"].path)
    if data.get("step"):
        _flow, node = steps()[data["step"]]
        tasks = Task.objects.filter(
            flow_task=node, status__in=STEP_STATES[data.get("step_state") or ""]
        )
        cases = cases.filter(pk__in=tasks.values("process_id"))
    # Actor and dates describe one event: who did something on the case in that time.
    events = Q()
    if data.get("actor"):
        events &= Q(actor_name__icontains=data["actor"]) | Q(actor__username=data["actor"])
    if data.get("date_from"):
        events &= Q(created_at__gte=_start_of(data["date_from"]))
    if data.get("date_to"):
        events &= Q(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
    if events:
        matching = AuditEvent.objects.filter(events, case__isnull=False)
        cases = cases.filter(pk__in=matching.values("case_id"))
    return cases.order_by("-created", "-pk")


def current_steps(case_ids):
    """{case pk: [titles of its open steps]} in one query."""
    found = {}
    tasks = Task.objects.filter(process_id__in=list(case_ids), status__in=OPEN).order_by("created")
    for task in tasks.only("process_id", "flow_task"):
        found.setdefault(task.process_id, []).append(str(task.flow_task.task_title))
    return found


def procedure_title(case):
    return str(case.flow_class.process_title)
