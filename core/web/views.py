"""Pages shared by every procedure. Each page reads through scoped selectors;
anything outside the user's scope is answered 404, as if it did not exist."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.models import Case
from core.cases.selectors import escalated_to, open_deadlines_by_case
from core.flowkit import services
from core.flowkit.selectors import cases_visible_to, inbox
from core.people import services as people
from core.people.models import Person
from core.roles.models import RoleAssignment
from core.roles.scope import has_scope, organisations_in_scope, scope_roots


def _visible_organisations(user):
    return organisations_in_scope(user, "view_cases") | organisations_in_scope(user, "manage_roles")


SOON = timedelta(days=7)


def deadline_mark(deadline, today):
    """The mark of an inbox line: "overdue", "soon" (due within a week) or "".

    An earliest date (the branch may act from then on) is never late or soon.
    """
    if deadline is None or deadline.is_earliest:
        return ""
    if deadline.is_overdue or deadline.due_on < today:
        return "overdue"
    return "soon" if deadline.due_on <= today + SOON else ""


def _procedure_url(flow_class, name, pk):
    """A procedure's own page (its URL namespace is the flow's app label), if it has one."""
    try:
        return reverse(f"{flow_class.instance.app_label}:{name}", args=[pk])
    except NoReverseMatch:
        return None


def _inbox_rows(user, today):
    tasks = list(inbox(user)[:50])
    deadlines = open_deadlines_by_case({task.process_id for task in tasks})
    rows = []
    for task in tasks:
        deadline = deadlines.get(task.process_id)
        url = _procedure_url(task.flow_task.flow_class, "task", task.pk)
        rows.append(
            {
                "task": task,
                "url": url or reverse("case-detail", args=[task.process_id]),
                "deadline": deadline,
                "mark": deadline_mark(deadline, today),
            }
        )
    return rows


def _escalated_rows(user):
    rows = []
    for deadline in escalated_to(user)[:50]:
        case = deadline.case
        url = _procedure_url(case.flow_class, "case", case.pk)
        rows.append({"deadline": deadline, "url": url or reverse("case-detail", args=[case.pk])})
    return rows


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "web/home.html",
        {
            "roles": RoleAssignment.objects.active()
            .filter(person__user=user)
            .select_related("organisation", "scope"),
            "tasks": _inbox_rows(user, today),
            "escalated": _escalated_rows(user),
            "roots": scope_roots(user, "view_cases"),
            "can_audit": scope_roots(user, "read_audit").exists(),
        },
    )


@login_required
def organisation_detail(request, pk):
    org = get_object_or_404(_visible_organisations(request.user), pk=pk)
    return render(
        request,
        "web/organisation_detail.html",
        {
            "org": org,
            "ancestors": org.ancestors(),
            "children": org.children.all(),
            "people": org.people.all(),
            "cases": cases_visible_to(request.user).filter(organisation=org)[:100],
        },
    )


def _visible_person(user, pk):
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    if not has_scope(user, "view_cases", person.organisation):
        raise Http404
    return person


@login_required
def person_detail(request, pk):
    person = _visible_person(request.user, pk)
    return render(
        request,
        "web/person_detail.html",
        {
            "person": person,
            "may_see_id": people.may_see_id_number(request.user, person),
            "cases": cases_visible_to(request.user).filter(subject=person),
        },
    )


@login_required
@require_POST
def person_id_number(request, pk):
    """Show the whole ID number once; the look is recorded in the person's chain."""
    person = _visible_person(request.user, pk)
    number = people.reveal_id_number(actor=request.user, person=person)
    return render(request, "web/person_detail.html", {"person": person, "id_number": number})


@login_required
def case_list(request):
    cases = cases_visible_to(request.user).select_related("organisation", "subject")
    return render(request, "web/case_list.html", {"cases": cases.order_by("-created")[:200]})


@login_required
def case_detail(request, pk):
    case = get_object_or_404(cases_visible_to(request.user), pk=pk)
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "procedure_url": _procedure_url(case.flow_class, "case", case.pk),
            "events": AuditEvent.objects.filter(case=case).select_related("actor_organisation"),
            "tasks": Task.objects.filter(process=case).select_related("owner").order_by("created"),
        },
    )


def _task_action(request, pk, service):
    task = get_object_or_404(Task, pk=pk)
    try:
        service(actor=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("case-detail", pk=task.process_id)


@login_required
@require_POST
def task_take(request, pk):
    return _task_action(request, pk, services.take_task)


@login_required
@require_POST
def task_release(request, pk):
    return _task_action(request, pk, services.release_task)


@login_required
def audit_status(request):
    if not scope_roots(request.user, "read_audit").exists():
        raise Http404
    report = verify() if request.GET.get("verify") else None
    return render(
        request,
        "web/audit_status.html",
        {"report": report, "events": AuditEvent.objects.count(), "cases": Case.objects.count()},
    )
