"""Pages shared by every procedure. Each page reads through scoped selectors;
anything outside the user's scope is answered 404, as if it did not exist."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.models import Case
from core.cases.selectors import most_overdue
from core.flowkit import services
from core.flowkit.nodes import ScopedView
from core.flowkit.selectors import cases_visible_to, task_permission, users_who_may_take
from core.notifications.links import case_link, procedure_url
from core.people import services as people
from core.people.models import Person
from core.roles.models import RoleAssignment
from core.roles.scope import codenames_held, has_scope, holds, organisations_in_scope
from core.web import inbox


def _visible_organisations(user):
    return organisations_in_scope(user, "view_cases") | organisations_in_scope(user, "manage_roles")


SOON = timedelta(days=7)
# The missed dates of the user's area shown under the inbox, most overdue first.
ESCALATED_SHOWN = 50


def deadline_mark(deadline, today):
    """The mark of an inbox line: "overdue", "soon" (due within a week) or "".

    An earliest date (the branch may act from then on) is never late or soon.
    """
    if deadline is None or deadline.is_earliest:
        return ""
    if deadline.is_overdue or deadline.due_on < today:
        return "overdue"
    return "soon" if deadline.due_on <= today + SOON else ""


def _escalated_rows(user):
    return [
        {"deadline": deadline, "url": case_link(deadline.case)}
        for deadline in most_overdue(user, ESCALATED_SHOWN)
    ]


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    filters, page, rows = inbox.inbox_page(user, request.GET, today, deadline_mark)
    held = codenames_held(user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/home.html",
        {
            "roles": RoleAssignment.objects.active()
            .filter(person__user=user)
            .select_related("organisation", "scope"),
            "filters": filters,
            "page": page,
            "tasks": rows,
            "query": query.urlencode(),
            "bulk_form": inbox.BulkFilingForm() if any(r["bulk"] for r in rows) else None,
            "escalated": _escalated_rows(user),
            "may_view_cases": "view_cases" in held,
            "can_audit": "read_audit" in held,
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
            "procedure_url": procedure_url(case.flow_class, "case", case.pk),
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
@require_POST
def tasks_file_many(request):
    """A township receives many filings at once: one date and opinion, each case done
    by its own service call; the page reports what was done and what was refused."""
    form = inbox.BulkFilingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("home")
    done, refused = inbox.file_many(
        request.user,
        form.cleaned_data["task"],
        filed_on=form.cleaned_data["filed_on"],
        opinion=form.cleaned_data["opinion"],
    )
    if done:
        messages.success(
            request,
            _("Filings received (%(count)s): %(cases)s")
            % {"count": len(done), "cases": ", ".join(done)},
        )
    for what, why in refused:
        messages.error(request, _("Refused: %(what)s: %(why)s") % {"what": what, "why": why})
    return redirect("home")


class HandOverForm(forms.Form):
    to_user = forms.ModelChoiceField(label=gettext_lazy("Colleague"), queryset=None)
    opinion = forms.CharField(
        label=gettext_lazy("Note for the colleague"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data, *, task, case, actor):
        super().__init__(data)
        field = self.fields["to_user"]
        field.queryset = users_who_may_take(task, case).exclude(pk=actor.pk)
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()


def _task_to_hand_over(user, pk):
    """The step and its case once `user` may do it: 404 out of sight, 403 not theirs."""
    task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk)
    if not isinstance(task.flow_task, ScopedView):
        raise Http404
    case = task.process.coerced
    services.authorise(user, task_permission(task), task.flow_task.target_organisation(case), case)
    return task, case


@login_required
def task_hand_over(request, pk):
    task, case = _task_to_hand_over(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = HandOverForm(data, task=task, case=case, actor=request.user)
    error = None
    if data is not None and form.is_valid():
        try:
            services.hand_over(
                actor=request.user,
                task=task,
                to_user=form.cleaned_data["to_user"],
                opinion=form.cleaned_data["opinion"],
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            to_user = form.cleaned_data["to_user"]
            messages.success(
                request,
                _("Handed over to %(name)s.")
                % {"name": to_user.get_full_name() or to_user.get_username()},
            )
            return redirect("home")
    return render(
        request,
        "web/hand_over.html",
        {"task": task, "case": case, "form": form, "error": error},
        status=400 if data is not None else 200,
    )


@login_required
def audit_status(request):
    if not holds(request.user, "read_audit"):
        raise Http404
    report = verify() if request.GET.get("verify") else None
    return render(
        request,
        "web/audit_status.html",
        {"report": report, "events": AuditEvent.objects.count(), "cases": Case.objects.count()},
    )
