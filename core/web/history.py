"""A case's history as every procedure's pages show it: what was done, at which
step, by whom in which role, and with what data."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit.events import Action
from core.audit.models import AuditEvent
from core.cases.models import DeadlineState
from core.roles.catalogue import Role
from core.web.views import deadline_mark

ACTIONS = {
    Action.CASE_STARTED: _("Case started"),
    Action.TASK_ASSIGNED: _("Step taken"),
    Action.TASK_UNASSIGNED: _("Step released"),
    Action.TASK_HANDED_OVER: _("Step handed over"),
    Action.TASK_COMPLETED: _("Step done"),
    Action.TASK_CANCELLED: _("Step cancelled"),
    Action.TASK_UNDONE: _("Step undone"),
    Action.TASK_REVIVED: _("Step revived"),
    Action.CASE_CANCELLED: _("Case cancelled"),
    Action.TIMER_FIRED: _("Timer fired"),
    Action.DEADLINE_REMINDED: _("Deadline reminder"),
    Action.DEADLINE_OVERDUE: _("Deadline missed"),
    Action.RECORD_ADDED: _("Document filed"),
    Action.CASE_TRANSFERRED: _("Case transferred"),
}


def role_label(code):
    return Role(code).label if code in Role.values else code


@dataclass
class Entry:
    """One line of a case's history, with the labels the pages show."""

    event: AuditEvent
    action: str
    step: str
    role: str
    data: str


def case_events(case):
    """The case's audit events, in the order they were written."""
    return (
        AuditEvent.objects.filter(chain=f"case:{case.pk}")
        .select_related("actor_organisation")
        .order_by("seq")
    )


def timeline(events, step_title, data_line):
    """An Entry for each event; each procedure names its steps and reads its data."""
    return [
        Entry(
            event,
            ACTIONS.get(event.action, event.action),
            step_title(event.step),
            role_label(event.actor_role),
            data_line(event.data),
        )
        for event in events
    ]


def open_deadlines(case, today=None):
    """(deadline, mark) for each open deadline of the case, soonest first."""
    today = today or timezone.localdate()
    rows = case.deadlines.filter(state=DeadlineState.OPEN).select_related("responsible")
    return [(row, deadline_mark(row, today)) for row in rows.order_by("due_on")]


def field_labels(models, forms):
    """A label for each key the services write to an event's data: the models'
    field names first, then the forms' (the first label found wins)."""
    labels = {}
    for model in models:
        for f in model._meta.get_fields():
            if hasattr(f, "verbose_name"):
                labels.setdefault(f.name, f.verbose_name)
    for form in forms:
        for name, f in form.base_fields.items():
            labels.setdefault(name, f.label)
    return labels
