"""Browser pages of member development: record an application, do a step,
file an evaluation or a probation note, transfer a case, and see a case whole
(history, documents, deadlines, flow chart, full record).

Reads go through selectors (a case out of sight is 404). Changes go through
services, whose refusals become the answer: NotVisible 404, NotPermitted 403,
a rule or a step done meanwhile 400 with the form shown again; nothing is
written then, since each service runs in one transaction.
"""

import os
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow import chart
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from core.audit.chain import intact
from core.flowkit import services as flowkit
from core.flowkit.selectors import task_permission
from core.organisations.models import Organisation, OrganisationKind
from core.people.forms import PersonForm
from core.roles.scope import has_scope, organisations_in_scope
from core.web.history import open_deadlines
from core.web.refusals import refusal
from core.web.steps import step_form
from workflows.recruitment import export, selectors, services
from workflows.recruitment.flows import STAGES, RecruitmentFlow
from workflows.recruitment.forms import (
    STEP_FORMS,
    ApplicationForm,
    CaseFilterForm,
    RecordForm,
    TransferPageForm,
)
from workflows.recruitment.models import Record, RecordKind, Recruitment

BRANCH_KINDS = [OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value):
    return int(value) if value and value.isdigit() else None


# --- The township's view -----------------------------------------------------


def _branches_acted_for(user):
    return (
        organisations_in_scope(user, "act_for_branch")
        .filter(kind__in=BRANCH_KINDS)
        .order_by("path")
    )


@login_required
def index(request):
    user = request.user
    stage = _int(request.GET.get("stage"))
    stage = stage if stage in STAGES else None
    filters = CaseFilterForm(request.GET, user=user)
    branch = filters.chosen_branch()
    page = Paginator(selectors.case_list(user, stage, branch), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/index.html",
        {
            "waiting": selectors.waiting_for(user),
            "rows": selectors.case_rows(page.object_list),
            "page": page,
            "stages": STAGES,
            "stage": stage,
            "filters": filters,
            "can_start": _branches_acted_for(user).exists(),
        },
    )


# --- Step 1: the application -------------------------------------------------


def _new_person_form(data, branch):
    form = PersonForm(data, prefix="new", initial={"organisation": branch})
    form.fields["organisation"].queryset = Organisation.objects.subtree(branch)
    return form


@login_required
def start(request):
    branches = _branches_acted_for(request.user)
    if not branches.exists():
        raise PermissionDenied(_("Your roles do not let you record applications."))
    pk = request.GET.get("branch")
    if pk is None and branches.count() > 1:
        return render(request, "recruitment/start_branch.html", {"branches": branches})
    branch = branches.first() if pk is None else get_object_or_404(branches, pk=_int(pk))

    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ApplicationForm(data, files, branch=branch)
    new = (data or {}).get("applicant") == "new" or (
        data is None and not form.fields["person"].queryset.exists()
    )
    person_form = _new_person_form(data if new else None, branch)
    form.fields["person"].required = not new
    error = None
    if data is not None:
        valid = [form.is_valid(), not new or person_form.is_valid()]
        if all(valid):
            person = person_form.save(commit=False) if new else form.cleaned_data["person"]
            try:
                case = services.apply(
                    actor=request.user,
                    branch=branch,
                    person=person,
                    applied_on=form.cleaned_data["applied_on"],
                    text=form.cleaned_data["text"],
                    file=form.cleaned_data["file"],
                )
            except ValidationError as refused:
                error = refusal(refused)
            else:
                messages.success(request, _("The application is recorded."))
                return redirect("recruitment:case", pk=case.pk)
    return render(
        request,
        "recruitment/start.html",
        {
            "branch": branch,
            "step": selectors.step_named("start"),
            "form": form,
            "person_form": person_form,
            "new": new,
            "error": error,
        },
        status=200 if data is None else 400,
    )


# --- A step ------------------------------------------------------------------


def _step(user, pk):
    """The task and its case, once the user may do it: 404 if out of sight, 403 if not theirs."""
    task = get_object_or_404(Task, pk=pk, process__flow_class=RecruitmentFlow)
    if task.flow_task.name not in STEP_FORMS:
        raise Http404
    case = Recruitment.objects.select_related("organisation", "township", "subject", "dossier").get(
        pk=task.process_id
    )
    organisation = task.flow_task.target_organisation(case)
    flowkit.authorise(user, task_permission(task), organisation, case)
    return task, case


@login_required
def step(request, pk):
    task, case = _step(request.user, pk)
    name = task.flow_task.name
    response, form, error = step_form(
        request,
        task,
        case,
        STEP_FORMS[name],
        services.complete,
        lambda: redirect("recruitment:case", pk=case.pk),
    )
    if response is not None:
        return response
    # The opinion closes the form, after the facts it is about.
    form.order_fields([*(field for field in form.fields if field != "opinion"), "opinion"])
    return render(
        request,
        "recruitment/step.html",
        {
            "task": task,
            "case": case,
            "step": selectors.step_named(name),
            "form": form,
            "error": error,
            "deadlines": open_deadlines(case),
            "dates": selectors.dossier_dates(case.dossier),
        },
        status=200 if request.method != "POST" else 400,
    )


# --- The case page and what is done from it ----------------------------------


@cache
def chart_size():
    grid = chart.calc_layout_data(RecruitmentFlow)
    return grid.width, grid.height


def _case_page(request, case, *, record_form=None, transfer_form=None, error=None, status=200):
    user = request.user
    tasks = selectors.open_tasks(case)
    open_names = {task.flow_task.name for task in tasks}
    for_branch = case.status == PROCESS.NEW and has_scope(user, "act_for_branch", case.organisation)
    records_open = any(open_names & set(steps) for steps in services.RECORDS_DURING.values())
    width, height = chart_size()
    timeline = selectors.timeline(case)
    kinds = dict(RecordKind.choices)
    return render(
        request,
        "recruitment/case.html",
        {
            "case": case,
            "dossier": case.dossier,
            "current": [
                (
                    task,
                    selectors.step_named(task.flow_task.name),
                    task.flow_task.may_act(user, task),
                )
                for task in tasks
            ],
            "dates": selectors.dossier_dates(case.dossier),
            # Labels from one mapping: get_kind_display() translated all twenty
            # kinds' labels for each document it named.
            "documents": [
                (record, kinds.get(record.kind, record.kind), selectors.step_title(record.step))
                for record in selectors.documents(case)
            ],
            "deadlines": open_deadlines(case),
            "timeline": timeline,
            "chain_ok": intact(entry.event for entry in timeline),
            "progress": selectors.progress(case),
            "chart_width": width,
            "chart_height": height,
            "record_form": (record_form or RecordForm()) if for_branch and records_open else None,
            "transfer_form": (transfer_form or TransferPageForm(user=request.user))
            if for_branch
            else None,
            "error": error,
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    return _case_page(request, selectors.visible_case(request.user, pk))


def _branch_case(request, pk):
    """The case, once the user may act for its branch (404 out of sight, 403 otherwise)."""
    case = selectors.visible_case(request.user, pk)
    flowkit.authorise(request.user, "act_for_branch", case.organisation, case)
    return case


@login_required
@require_POST
def add_record(request, pk):
    case = _branch_case(request, pk)
    form = RecordForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            services.add_record(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(request, _("The document is filed."))
            return redirect("recruitment:case", pk=case.pk)
    return _case_page(request, case, record_form=form, error=error, status=400)


@login_required
@require_POST
def transfer(request, pk):
    case = _branch_case(request, pk)
    form = TransferPageForm(request.POST, user=request.user)
    error = None
    if form.is_valid():
        try:
            services.transfer(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(
                request,
                _("The case is transferred to %(branch)s.")
                % {"branch": form.cleaned_data["to_branch"]},
            )
            if selectors.visible_cases(request.user).filter(pk=case.pk).exists():
                return redirect("recruitment:case", pk=case.pk)
            return redirect("recruitment:index")
    return _case_page(request, case, transfer_form=form, error=error, status=400)


@login_required
def chart_svg(request, pk):
    case = selectors.visible_case(request.user, pk)
    grid = chart.calc_layout_data(RecruitmentFlow)
    chart.calc_cell_status(RecruitmentFlow, grid, case.pk)
    response = HttpResponse(chart.grid_to_svg(grid), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def full_record(request, pk):
    case = selectors.visible_case(request.user, pk)
    response = HttpResponse(export.full_record(case), content_type=XLSX)
    filename = _("Member development record %(name)s %(case)s.xlsx") % {
        "name": case.subject.name,
        "case": case.pk,
    }
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document(request, pk):
    record = get_object_or_404(Record, pk=pk)
    selectors.visible_case(request.user, record.case_id)
    if not record.file:
        raise Http404
    return FileResponse(
        record.file.open("rb"), as_attachment=True, filename=os.path.basename(record.file.name)
    )
