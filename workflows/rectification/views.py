"""Browser pages of 整顿软弱涣散: screening rounds and each organisation's check, the
county's list, the ledger (台账) and its Excel download, and each rectification
case with its forces, plan, problems, acceptances, delisting and look-back.

Reads go through selectors (out of sight is 404). Changes go through
services.py, whose refusals become the answer: NotVisible 404, NotPermitted
403, a rule or a step done meanwhile 400 with the form shown again and the
rule's code; nothing is written then, since each service runs in one
transaction.
"""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from core.audit.chain import intact
from core.flowkit import services as flowkit
from core.flowkit.selectors import task_permission
from core.web import refusals
from core.web.history import open_deadlines
from core.web.steps import step_form
from workflows.recruitment.views import XLSX
from workflows.rectification import ledger, selectors, services
from workflows.rectification.flows import (
    OrganisationCheckFlow,
    RectificationFlow,
    ScreeningRoundFlow,
)
from workflows.rectification.forms import (
    STEP_FORMS,
    LookBackDrawForm,
    OpenRoundForm,
    ProblemCheckForm,
    ProblemReportForm,
    ReferralForm,
)
from workflows.rectification.models import (
    Document,
    OrganisationCheck,
    Problem,
    ProblemState,
    ScreeningRound,
)

# This procedure's rule codes (W1–W10, Z2.3.x), which lead a refusal's message.
CODES = ("W", "Z")


def refusal(error):
    """A refused change as one message, led by its rule's code."""
    return refusals.refusal(error, CODES)


def _current(user, case):
    """(task, may the user do it) for each open step of the case."""
    return [(task, task.flow_task.may_act(user, task)) for task in selectors.open_tasks(case)]


# --- The overview ---------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    return render(
        request,
        "rectification/index.html",
        {
            "waiting": selectors.waiting_for(user),
            "rounds": selectors.visible_rounds(user),
            "can_open": selectors.counties_for(user).exists(),
        },
    )


# --- Screening rounds ---------------------------------------------------------------------


def _county_acted_for(user, pk=None):
    counties = selectors.counties_for(user)
    if not counties.exists():
        raise PermissionDenied(_("Only the county organisation department does this."))
    return counties.first() if pk is None else get_object_or_404(counties, pk=selectors.as_int(pk))


@login_required
def round_open(request):
    county = _county_acted_for(request.user, request.GET.get("county"))
    data = request.POST if request.method == "POST" else None
    form = OpenRoundForm(data, county=county)
    error = None
    if data is not None and form.is_valid():
        try:
            case = services.open_round(actor=request.user, county=county, **form.cleaned_data)
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(request, _("The screening round is open."))
            return redirect("rectification:round", pk=case.pk)
    return render(
        request,
        "rectification/round_open.html",
        {"county": county, "form": form, "error": error},
        status=200 if data is None else 400,
    )


@login_required
def round_detail(request, pk):
    user = request.user
    screening = selectors.visible_round(user, pk)
    round_visible = selectors.visible_cases(user, ScreeningRoundFlow).filter(pk=pk).exists()
    return render(
        request,
        "rectification/round.html",
        {
            "screening": screening,
            "case": screening.case,
            "rows": selectors.check_rows(user, screening),
            "summary": selectors.round_summary(screening),
            "current": _current(user, screening.case) if round_visible else [],
            "listings": ledger.ledger_rows(user, screening),
            "can_refer": selectors.referral_departments(user, screening.county).exists(),
            "timeline": selectors.timeline(screening.case) if round_visible else [],
        },
    )


@login_required
def refer(request, pk):
    user = request.user
    screening = get_object_or_404(ScreeningRound.objects.select_related("county", "case"), pk=pk)
    departments = selectors.departments_to_refer(user, screening)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = ReferralForm(data, files, screening=screening, departments=departments)
    error = None
    if data is not None and form.is_valid():
        try:
            services.refer(actor=user, screening=screening, **form.kwargs())
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(request, _("The referral is recorded."))
            if selectors.visible_rounds(user).filter(pk=pk).exists():
                return redirect("rectification:round", pk=pk)
            return redirect("rectification:index")
    return render(
        request,
        "rectification/refer.html",
        {"screening": screening, "form": form, "error": error},
        status=200 if data is None else 400,
    )


# --- A case: an organisation's check or a rectification ---------------------------------


def _history(case):
    timeline = selectors.timeline(case)
    return {
        "timeline": timeline,
        "chain_ok": intact(entry.event for entry in timeline),
        "deadlines": open_deadlines(case),
    }


def _check_page(request, case):
    check = OrganisationCheck.objects.select_related("round__case").get(case_id=case.pk)
    return render(
        request,
        "rectification/check.html",
        {
            "case": case,
            "check": check,
            "findings": check.findings.select_related("situation", "department", "document"),
            "current": _current(request.user, case),
            "documents": selectors.documents(case),
            **_history(case),
        },
    )


def _case_page(request, case, *, forms=None, error=None, status=200):
    """The rectification case; `forms` holds a refused problem form to show again."""
    user = request.user
    forms = forms or {}
    tasks = selectors.open_tasks(case)
    rectifying = any(task.flow_task.name == "rectify" for task in tasks)
    may_report = rectifying and flowkit.acting_role(user, "act_for_branch", case.organisation)
    may_check = rectifying and flowkit.acting_role(user, "review_for_township", case.township)
    problems = []
    for problem in selectors.problems(case):
        form = None
        if may_report and problem.state == ProblemState.OPEN:
            form = forms.get(("report", problem.pk)) or ProblemReportForm(prefix=f"p{problem.pk}")
        elif may_check and problem.state == ProblemState.REPORTED:
            form = forms.get(("check", problem.pk)) or ProblemCheckForm(prefix=f"p{problem.pk}")
        problems.append((problem, form))
    listing = selectors.listing_of(case)
    return render(
        request,
        "rectification/case.html",
        {
            "case": case,
            "listing": listing,
            "forces": selectors.forces(case),
            "problems": problems,
            "acceptances": selectors.acceptances(case),
            "later": selectors.later_listings(case),
            "current": _current(user, case),
            "documents": selectors.documents(case),
            "error": error,
            **_history(case),
        },
        status=status,
    )


@login_required
def case_detail(request, pk):
    case = selectors.visible_case(request.user, pk)
    if case.flow_class is ScreeningRoundFlow:
        return redirect("rectification:round", pk=pk)
    if case.flow_class is OrganisationCheckFlow:
        return _check_page(request, case)
    return _case_page(request, case)


def _problem(request, pk, codename):
    """The problem and its case, once the user may act on it: 404 out of sight, 403 otherwise."""
    problem = get_object_or_404(Problem, pk=pk)
    case = selectors.visible_case(request.user, problem.case_id, RectificationFlow)
    target = case.organisation if codename == "act_for_branch" else case.township
    flowkit.authorise(request.user, codename, target, case)
    return problem, case


def _problem_action(request, pk, codename, form_class, key, service, done):
    problem, case = _problem(request, pk, codename)
    form = form_class(request.POST, request.FILES, prefix=f"p{problem.pk}")
    error = None
    if form.is_valid():
        try:
            service(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(request, done)
            return redirect("rectification:case", pk=case.pk)
    return _case_page(request, case, forms={(key, problem.pk): form}, error=error, status=400)


@login_required
@require_POST
def report_problem(request, pk):
    return _problem_action(
        request,
        pk,
        "act_for_branch",
        ProblemReportForm,
        "report",
        services.report_problem,
        _("The problem is reported rectified; the township checks it."),
    )


@login_required
@require_POST
def check_problem(request, pk):
    return _problem_action(
        request,
        pk,
        "review_for_township",
        ProblemCheckForm,
        "check",
        services.check_problem,
        _("The township's check is recorded."),
    )


# --- A step ---------------------------------------------------------------------------


def _step(user, pk):
    """The task and its case, once the user may do it: 404 if out of sight, 403 if not theirs."""
    task = get_object_or_404(Task, pk=pk, process__flow_class__in=selectors.FLOWS)
    if task.flow_task.name not in STEP_FORMS:
        raise Http404
    case = task.process.coerced
    flowkit.authorise(user, task_permission(task), task.flow_task.target_organisation(case), case)
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
        lambda: redirect("rectification:case", pk=case.pk),
        CODES,
    )
    if response is not None:
        return response
    codes, text = selectors.guide(name)
    return render(
        request,
        "rectification/step.html",
        {
            "task": task,
            "case": case,
            "title": task.flow_task.task_title,
            "codes": codes,
            "guide": text,
            "form": form,
            "error": error,
            "deadlines": open_deadlines(case),
            "problems": selectors.problems(case) if case.flow_class is RectificationFlow else [],
        },
        status=200 if request.method != "POST" else 400,
    )


# --- The ledger ------------------------------------------------------------------------


def _ledger_page(request, *, draw_form=None, error=None, status=200):
    user = request.user
    filters, townships = selectors.ledger_filters(user, request.GET)
    may_draw = selectors.counties_for(user).exists()
    return render(
        request,
        "rectification/ledger.html",
        {
            "columns": ledger.columns(),
            "rows": ledger.ledger_rows(user, **filters),
            "filters": filters,
            "townships": townships,
            "rounds": selectors.visible_rounds(user),
            "stages": ledger.STAGES,
            "closed": ledger.CLOSED,
            "draw_form": (draw_form or LookBackDrawForm(initial={"on": timezone.localdate()}))
            if may_draw
            else None,
            "error": error,
        },
        status=status,
    )


@login_required
def ledger_page(request):
    return _ledger_page(request)


@login_required
def ledger_xlsx(request):
    filters, _townships = selectors.ledger_filters(request.user, request.GET)
    response = HttpResponse(ledger.export_ledger(request.user, **filters), content_type=XLSX)
    filename = _("Rectification ledger %(day)s.xlsx") % {"day": timezone.localdate()}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def look_back_draw(request):
    county = _county_acted_for(request.user, request.POST.get("county"))
    form = LookBackDrawForm(request.POST)
    error = None
    if form.is_valid():
        try:
            sampled, left_out = services.select_for_look_back(
                actor=request.user, county=county, **form.cleaned_data
            )
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(
                request,
                _("Look-back sample drawn: %(s)s in the sample, %(n)s not sampled.")
                % {"s": len(sampled), "n": len(left_out)},
            )
            return redirect("rectification:ledger")
    return _ledger_page(request, draw_form=form, error=error, status=400)


@login_required
def document(request, pk):
    record = get_object_or_404(Document, pk=pk)
    selectors.visible_case(request.user, record.case_id)
    if not record.file:
        raise Http404
    return FileResponse(
        record.file.open("rb"), as_attachment=True, filename=os.path.basename(record.file.name)
    )
