"""The inbox page: what waits for a user across procedures, filtered and paged,
and the steps a township may do for many cases at once.

Every page reads a bounded number of queries whatever the number of tasks:
the page of tasks (with case, organisation and owner joined) carrying their
total and the open deadlines of the page's cases. The organisation to filter
by is typed or picked (core.organisations.picker): listing the organisations
of a county's inbox read the whole inbox once more (46 ms at 1M cases).
"""

from functools import cache, lru_cache
from typing import NamedTuple

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from core.cases.selectors import open_deadlines_by_case
from core.flowkit.selectors import filter_inbox, flows_with_steps, inbox
from core.notifications.links import task_link, url_for
from core.organisations.models import OrganisationKind
from core.organisations.picker import WORK, OrganisationField
from core.web.refusals import refusal
from workflows.recruitment import services as recruitment
from workflows.recruitment.flows import RecruitmentFlow

PAGE_SIZE = 25
SOON_DAYS = 7

# Steps that take only a date and an opinion, so one decision may be applied
# to many cases: the township receiving a branch's filing of an activist or of
# a development object (R1.4, R1.9). Each case is still done by the procedure's
# own service, in its own transaction, with every rule checked.
BULK_STEPS = {
    (RecruitmentFlow, "file_activist"): recruitment.complete,
    (RecruitmentFlow, "file_development_object"): recruitment.complete,
}


def bulk_handler(task):
    return BULK_STEPS.get((task.flow_task.flow_class, task.flow_task.name))


def _step_label(node):
    number = getattr(node, "step_number", None)
    title = node.task_title or node.name
    return f"{number:g}. {title}" if number is not None else title


class Catalogue(NamedTuple):
    """What the filter offers: {key: flow class}, {key: the stage's nodes},
    {key: node}, and the three fields' choices in one language."""

    flows: dict
    stages: dict
    steps: dict
    flow_choices: list
    stage_choices: list
    step_choices: list


@cache
def _catalogue(language):
    """The filter's catalogue with its labels in `language`. Procedures and their
    steps are classes, fixed once the code is loaded: each page walked every
    flow's nodes and looked up each flow's app label, ~130 registry lookups."""
    flows, stages, steps = {}, {}, {}
    step_groups, stage_choices = [], []
    for flow_class, nodes in flows_with_steps():
        label = flow_class.instance.app_label
        flows[label] = flow_class
        # A procedure that names stages (member development's five) can be
        # filtered by stage: the steps whose `stage` is that number.
        for number, title in getattr(flow_class, "stages", {}).items():
            key = f"{label}.{number}"
            stages[key] = [n for n in nodes if getattr(n, "stage", None) == number]
            stage_choices.append((key, f"{flow_class.process_title} · {number}. {title}"))
        choices = []
        for node in nodes:
            key = f"{label}.{node.name}"
            steps[key] = node
            choices.append((key, _step_label(node)))
        step_groups.append((str(flow_class.process_title), choices))
    all_ = [("", _("All"))]
    return Catalogue(
        flows,
        stages,
        steps,
        all_ + [(label, str(flow_class.process_title)) for label, flow_class in flows.items()],
        all_ + stage_choices,
        all_ + step_groups,
    )


@lru_cache(maxsize=1024)
def _select_html(language, name, value, attrs):
    """The HTML of the catalogue's select `name` ("flow", "stage" or "step") with
    `value` chosen, in `language`."""
    choices = getattr(_catalogue(language), f"{name}_choices")
    return forms.Select(choices=choices).render(name, value, dict(attrs))


class CatalogueSelect(forms.Select):
    """A select over one of the catalogue's fixed lists, rendered once per
    language and chosen value: through the widget templates, the step select's
    ~70 options took 6.5 ms of every inbox page (100k set, township organiser).
    A value outside the list (typed into the address) is rendered as usual and
    not kept."""

    def render(self, name, value, attrs=None, renderer=None):
        language = get_language()
        keys = getattr(_catalogue(language), f"{name}s")
        if value is None or value == "" or (isinstance(value, str) and value in keys):
            attrs = tuple(sorted(self.build_attrs(self.attrs, attrs).items()))
            return _select_html(language, name, value, attrs)
        return super().render(name, value, attrs, renderer)


class InboxFilter(forms.Form):
    flow = forms.ChoiceField(
        label=gettext_lazy("Procedure"), required=False, widget=CatalogueSelect
    )
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False, widget=CatalogueSelect)
    step = forms.ChoiceField(label=gettext_lazy("Step"), required=False, widget=CatalogueSelect)
    organisation = OrganisationField(
        label=gettext_lazy("Organisation"),
        required=False,
        scope=WORK,
        kinds=[
            OrganisationKind.COMMITTEE,
            OrganisationKind.GENERAL_BRANCH,
            OrganisationKind.BRANCH,
        ],
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Due"),
        required=False,
        choices=[
            ("", "—"),
            ("overdue", gettext_lazy("Overdue")),
            ("soon", gettext_lazy("Due within the days below")),
        ],
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days"), min_value=1, max_value=366, required=False
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["organisation"].limit_to(user)
        catalogue = _catalogue(get_language())
        self.flows, self.stages, self.steps = catalogue.flows, catalogue.stages, catalogue.steps
        self.fields["flow"].choices = catalogue.flow_choices
        self.fields["stage"].choices = catalogue.stage_choices
        self.fields["step"].choices = catalogue.step_choices

    def narrow(self, tasks, today):
        """The tasks the valid filters keep; an invalid filter is shown, not applied."""
        self.is_valid()
        wanted = self.cleaned_data
        return filter_inbox(
            tasks,
            flow=self.flows.get(wanted.get("flow")),
            stage=self.stages.get(wanted.get("stage")),
            step=self.steps.get(wanted.get("step")),
            organisation=wanted.get("organisation"),
            due=wanted.get("due") or None,
            days=wanted.get("days") or SOON_DAYS,
            today=today,
        )


def inbox_page(user, params, today, mark):
    """The filter form, the page and its rows for `params` (request.GET); `mark` gives
    a row's overdue/soon mark from its deadline."""
    tasks = inbox(user)
    form = InboxFilter(params, user=user)
    page = _page(form.narrow(tasks, today), params.get("page"))
    deadlines = open_deadlines_by_case({task.process_id for task in page})
    rows = []
    for task in page:
        deadline = deadlines.get(task.process_id)
        node = task.flow_task
        rows.append(
            {
                "task": task,
                "step": node.task_title or str(node),
                # Links written from the cached patterns (links.url_for), not by
                # {% url %}, which walks the resolver twice for every row.
                "url": task_link(task),
                "case_url": url_for("case-detail", task.process_id),
                "hand_over_url": (
                    url_for("task-hand-over", task.pk) if task.owner_id in (None, user.pk) else None
                ),
                "deadline": deadline,
                "mark": mark(deadline, today),
                "bulk": bulk_handler(task) is not None,
            }
        )
    return form, page, rows


def _page(tasks, number):
    """The page `number` of `tasks` (the last one past the end, the first for
    nonsense) with its total read in the same query, as a window count: the
    inbox's UNION is evaluated once for both, not once for the count and
    again for the rows. A count alone is read only past the end."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    counted = tasks.annotate(total=Window(Count("pk")))
    rows = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    paginator = Paginator(tasks, PAGE_SIZE)
    # Paginator.count is a cached property: set, it is not queried again.
    paginator.count = rows[0].total if rows else tasks.count()
    if not rows and paginator.count:
        number = paginator.num_pages
        rows = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    return Page(rows, number if rows else 1, paginator)


# --- Bulk filing ---------------------------------------------------------------


class BulkFilingForm(forms.Form):
    filed_on = forms.DateField(
        label=gettext_lazy("Filing received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.TypedMultipleChoiceField(label=gettext_lazy("Steps"), coerce=int)

    def __init__(self, data=None):
        super().__init__(data)
        # Any id is accepted here; each one is checked by the service below.
        ids = data.getlist("task") if data is not None else []
        self.fields["task"].choices = [(pk, pk) for pk in ids if pk.isdigit()]


def file_many(actor, pks, *, filed_on, opinion):
    """Do each bulk step with the same date and opinion; returns (done, refused) where
    refused holds (what, why) pairs. A refusal leaves the others done."""
    done, refused = [], []
    tasks = Task.objects.filter(pk__in=pks).select_related("process", "process__case")
    found = {task.pk: task for task in tasks}
    for pk in pks:
        task = found.get(pk)
        handler = bulk_handler(task) if task else None
        what = _("Step %(pk)s") % {"pk": pk}
        if handler is None:
            refused.append((what, _("This step cannot be done for many cases at once.")))
            continue
        try:
            handler(actor=actor, task=task, opinion=opinion, filed_on=filed_on)
        except Http404:
            refused.append((what, _("No such step.")))
        except (PermissionDenied, ValidationError) as error:
            reason = refusal(error) if isinstance(error, ValidationError) else str(error)
            refused.append((task.process.case.title, reason))
        else:
            done.append(task.process.case.title)
    return done, refused
