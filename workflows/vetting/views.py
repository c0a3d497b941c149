"""Browser pages of cadre vetting: each role's index, starting a case, doing a
step, the case page (history, records, deadlines, and a joint review's
verdicts for those who may read them), appointments and objections.

Reads go through casefile.py (a case out of sight is 404). Changes go
through services, whose refusals become the answer: NotVisible 404,
NotPermitted 403, a rule or a step done meanwhile 400 with the form shown
again and the rule's code; nothing is written then, since each service runs
in one transaction.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from core.audit.chain import intact
from core.flowkit import services as flowkit
from core.flowkit.nodes import ScopedView
from core.flowkit.selectors import task_permission
from core.organisations.models import OrganisationKind
from core.roles.scope import has_scope, organisations_in_scope
from core.web.history import open_deadlines
from core.web.refusals import RULE_CODES, refusal
from core.web.steps import step_form
from workflows.vetting import casefile, forms, selectors, services
from workflows.vetting.flows import (
    DepartmentReviewFlow,
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.models import Objection

# --- Each role's view ---------------------------------------------------------------

# Refusals are led by their code: vetting's own V-codes and the party-wide ones.
VETTING_CODES = (*RULE_CODES, "V")


def _starts(user):
    """What the user may start: (url name, label) for each kind of case."""
    township = forms.villages(user, "review_for_township").exists()
    starts = []
    if township:
        starts += [
            ("vetting:start-batch", _("Submit a batch of candidates")),
            ("vetting:start-secretary", _("Propose a village secretary")),
            ("vetting:appoint", _("Record an appointment")),
        ]
    committees = organisations_in_scope(user, "file_for_county").filter(
        kind=OrganisationKind.COMMITTEE
    )
    if committees.exists():
        starts.append(("vetting:start-selection", _("Propose a selection")))
    if forms.villages(user, "act_for_branch").exists():
        starts.append(("vetting:start-reserve", _("Nominate a reserve cadre")))
    return starts


@login_required
def index(request):
    user = request.user
    return render(
        request,
        "vetting/index.html",
        {
            "waiting": casefile.waiting_for(user),
            "sections": [
                (_("Joint qualification reviews"), casefile.case_rows(user, JointReviewFlow)),
                (_("Village secretary filings"), casefile.case_rows(user, SecretaryFilingFlow)),
                (_("Cadre selections"), casefile.case_rows(user, SelectionFlow)),
                (_("Reserve cadres"), casefile.case_rows(user, ReserveCadreFlow)),
            ],
            "referrals": selectors.referrals_for(user).order_by("-sent_on", "-pk")[:200],
            "starts": _starts(user),
        },
    )


# --- Starting a case -----------------------------------------------------------------

STARTS = {
    "batch": (forms.BatchForm, services.submit_batch, _("Submit a batch of candidates")),
    "secretary": (
        forms.SecretaryProposalForm,
        services.propose_secretary,
        _("Propose a village secretary"),
    ),
    "selection": (
        forms.SelectionProposalForm,
        services.propose_selection,
        _("Propose a selection"),
    ),
    "reserve": (
        forms.ReserveNominationForm,
        services.nominate_reserve,
        _("Nominate a reserve cadre"),
    ),
}
GUIDES = {
    "batch": ("V3a.1", _("The township names the candidates for one village's two committees.")),
    "secretary": (
        "V3b.1",
        _("The candidate must have passed the joint review before the filing with the county."),
    ),
    "selection": ("V3c.1", _("Four checks in parallel, then the committee decides.")),
    "reserve": ("V3d.2", _("Self-recommended or recommended by members or villagers.")),
}


def _start(request, kind):
    form_class, service, title = STARTS[kind]
    data = request.POST if request.method == "POST" else None
    form = form_class(data, user=request.user)
    # The first field is where the case starts (a village, or the deciding committee).
    if not form.fields[next(iter(form.fields))].queryset.exists():
        raise PermissionDenied(_("Your roles do not let you start this."))
    error = None
    if data is not None and form.is_valid():
        try:
            case = service(actor=request.user, **form.kwargs())
        except ValidationError as refused:
            error = refusal(refused, VETTING_CODES)
        else:
            messages.success(request, _("The case is started."))
            return redirect("vetting:case", pk=case.pk)
    return render(
        request,
        "vetting/form.html",
        {"title": title, "form": form, "error": error, "guide": GUIDES[kind]},
        status=200 if data is None else 400,
    )


@login_required
def start_batch(request):
    return _start(request, "batch")


@login_required
def start_secretary(request):
    return _start(request, "secretary")


@login_required
def start_selection(request):
    return _start(request, "selection")


@login_required
def start_reserve(request):
    return _start(request, "reserve")


# The rules each step checks, shown above its form.
CHECKS = "V3c.1"
STEP_RULES = {
    JointReviewFlow: {"dispatch": "V3a.2 V3a.3", "conclude": "V3a.6", "publicise": "V3a.7"},
    DepartmentReviewFlow: {"review": "V3a.3 V3a.4 V3a.5"},
    SecretaryFilingFlow: {
        "file_with_county": "V3b.1",
        "county_reply": "V3b.2",
        "appoint": "V3b.3 V3a.8",
        "file_result": "V3b.4",
        "term_audit": "V3b.5",
    },
    SelectionFlow: {
        "check_file": CHECKS,
        "check_personal_matters": CHECKS,
        "discipline_opinion": CHECKS,
        "check_petitions": CHECKS,
        "decision_meeting": "V3c.2 V3c.3",
        "start_publicity": "V3c.4",
        "close_publicity": "V3c.4 V3c.5",
        "appoint": "V3c.4 V3c.5",
        "probation_review": "V3c.6",
    },
    ReserveCadreFlow: {"shortlist": "V3d.2", "examine": "V3d.1", "yearly_review": "V3d.3"},
}


# --- A step --------------------------------------------------------------------------


def _step(user, pk):
    """The task and its case, once the user may do it: 404 if out of sight, 403 if not theirs."""
    task = get_object_or_404(Task, pk=pk, process__flow_class__in=casefile.FLOWS)
    if forms.step_form(task) is None:
        raise Http404
    case = casefile.Case.objects.select_related(*casefile.RELATED).get(pk=task.process_id)
    flowkit.authorise(user, task_permission(task), task.flow_task.target_organisation(case), case)
    return task, case


def _back(request, case):
    """The case page when the user sees the case, else their index (the discipline body
    gives its opinion on a selection it does not otherwise see)."""
    if casefile.visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("vetting:case", pk=case.pk)
    return redirect("vetting:index")


@login_required
def step(request, pk):
    task, case = _step(request.user, pk)
    response, form, error = step_form(
        request,
        task,
        case,
        forms.step_form(task),
        services.complete,
        lambda: _back(request, case),
    )
    if response is not None:
        return response
    return render(
        request,
        "vetting/step.html",
        {
            "task": task,
            "case": case,
            "form": form,
            "rules": STEP_RULES[task.flow_task.flow_class][task.flow_task.name],
            "error": error,
            "deadlines": open_deadlines(case),
            "dates": casefile.dossier_dates(casefile.dossier_of(case)),
        },
        status=200 if request.method != "POST" else 400,
    )


# --- The case page and what is done from it ----------------------------------------


def _case_page(request, case, *, objection_form=None, withdraw_form=None, error=None, status=200):
    user = request.user
    dossier = casefile.dossier_of(case)
    flow_class = case.flow_class
    in_publicity = flow_class is SelectionFlow and any(
        task.flow_task is SelectionFlow.close_publicity for task in casefile.open_tasks(case)
    )
    county = selectors.county_of(case.organisation)
    for_county = _acts_for(user, "file_for_county", county)
    timeline = casefile.timeline(case)
    for_township = (
        flow_class is JointReviewFlow
        and case.status == "NEW"
        and _acts_for(user, "review_for_township", case.organisation)
    )
    context = {
        "case": case,
        "dossier": dossier,
        "kind": flow_class.__name__,
        # Waiting on the departments is nobody's step: shown, with nothing to do.
        "current": [
            (task, isinstance(task.flow_task, ScopedView) and task.flow_task.may_act(user, task))
            for task in casefile.open_tasks(case)
        ],
        "dates": casefile.dossier_dates(dossier),
        "deadlines": open_deadlines(case),
        "timeline": timeline,
        "chain_ok": intact(entry.event for entry in timeline),
        "records": casefile.written_records(case),
        "error": error,
        "objection_form": (objection_form or forms.ObjectionForm())
        if in_publicity and for_county
        else None,
        "resolution_form": forms.ResolutionForm() if in_publicity and for_county else None,
        "withdraw_form": (withdraw_form or forms.WithdrawForm()) if for_township else None,
    }
    if flow_class is JointReviewFlow:
        context["candidates"] = dossier.candidates.select_related("person")
        context["answers"] = casefile.department_answers(user, dossier)
    elif flow_class is DepartmentReviewFlow:
        context["verdicts"] = selectors.department_findings(user, dossier)
        context["candidates"] = dossier.batch.candidates.select_related("person")
    return render(request, "vetting/case.html", context, status=status)


def _acts_for(user, codename, organisation):
    return organisation is not None and has_scope(user, codename, organisation)


@login_required
def case_detail(request, pk):
    return _case_page(request, casefile.visible_case(request.user, pk))


def _case_action(request, case, form, change, done, form_name=None):
    """Do `change(cleaned form)` from the case page: back to the case with `done`, or
    the page again (400) with the form and the refusal."""
    error = None
    if form.is_valid():
        try:
            change(form)
        except ValidationError as refused:
            error = refusal(refused, VETTING_CODES)
        else:
            messages.success(request, done)
            return redirect("vetting:case", pk=case.pk)
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    return _case_page(
        request, case, error=error, status=400, **({form_name: form} if form_name else {})
    )


def _for_county(user, case):
    """Objections are the county's: who may not act for it gets 403 before the form is read."""
    flowkit.authorise(user, "file_for_county", selectors.county_of(case.organisation), case)


@login_required
@require_POST
def raise_objection(request, pk):
    case = casefile.visible_case(request.user, pk)
    if case.flow_class is not SelectionFlow:
        raise Http404
    _for_county(request.user, case)
    return _case_action(
        request,
        case,
        forms.ObjectionForm(request.POST),
        lambda form: services.raise_objection(actor=request.user, case=case, **form.cleaned_data),
        _("The objection is recorded; the appointment waits."),
        "objection_form",
    )


@login_required
@require_POST
def resolve_objection(request, pk):
    objection = get_object_or_404(Objection, pk=pk)
    case = casefile.visible_case(request.user, objection.case_id)
    _for_county(request.user, case)
    return _case_action(
        request,
        case,
        forms.ResolutionForm(request.POST),
        lambda form: services.resolve_objection(
            actor=request.user, objection=objection, **form.kwargs()
        ),
        _("The objection is resolved."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    case = casefile.visible_case(request.user, pk)
    if case.flow_class is not JointReviewFlow:
        raise Http404
    # Authorised before the form is read: who may not withdraw gets 403 whatever they sent.
    flowkit.authorise(request.user, "review_for_township", case.organisation, case)
    return _case_action(
        request,
        case,
        forms.WithdrawForm(request.POST),
        lambda form: services.withdraw_batch(actor=request.user, case=case, **form.cleaned_data),
        _("The batch is withdrawn."),
        "withdraw_form",
    )


# --- Appointments ---------------------------------------------------------------------


@login_required
def appoint(request):
    data = request.POST if request.method == "POST" else None
    form = forms.AppointmentForm(data, user=request.user)
    if not form.fields["village"].queryset.exists():
        raise PermissionDenied(_("Your roles do not let you record appointments."))
    error = None
    if data is not None and form.is_valid():
        try:
            appointment = services.appoint(actor=request.user, **form.kwargs())
        except ValidationError as refused:
            error = refusal(refused, VETTING_CODES)
        else:
            messages.success(
                request,
                _("%(name)s is appointed.") % {"name": appointment.person.name},
            )
            return redirect("vetting:case", pk=appointment.case_id)
    return render(
        request,
        "vetting/form.html",
        {
            "title": _("Record an appointment"),
            "form": form,
            "error": error,
            "guide": (
                "V3a.8",
                _(
                    "No appointment without the joint review: only a candidate whose latest "
                    "joint review for the village passed, with its result final, may take a post."
                ),
            ),
        },
        status=200 if data is None else 400,
    )
