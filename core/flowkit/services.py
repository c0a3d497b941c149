"""The one path every change of case state takes.

    view / API / command / celery task
      -> authorise the actor on THIS case's organisation (404 if it is out of
         their sight, 403 if they see it but may not act)
      -> lock the case row (SELECT ... FOR UPDATE on PostgreSQL)
      -> the procedure's rule checks (pure functions; RuleViolation)
      -> viewflow activation
      -> audit event, in the same transaction
      -> side effects with transaction.on_commit

Procedure services use `step(...)` and `start(...)` as context managers and
do their own writes and rule checks inside them.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from core.audit.events import Action, case_event
from core.cases.deadlines import close_deadlines
from core.cases.models import Case, DeadlineState
from core.database import prepared_statements
from core.flowkit.errors import AlreadyDone, NotPermitted, NotVisible, RuleViolation
from core.flowkit.nodes import ScopedView
from core.flowkit.selectors import OPEN, can_view_case, task_permission
from core.notifications import announce
from core.roles.catalogue import roles_with
from core.roles.models import RoleAssignment
from core.roles.scope import granting_scope_subquery, has_scope


def acting_role(actor, codename, organisation):
    """The actor's active role that gives `codename` over `organisation`, or None.

    The role held at the scope of the actor's first grant of `codename` on
    `organisation` or above it (one query: the grant is a subquery)."""
    scope = granting_scope_subquery(actor, codename, organisation)
    if scope is None:
        return None
    return (
        RoleAssignment.objects.active()
        .filter(person__user=actor, scope_id=scope, role__in=roles_with(codename))
        .select_related("organisation")
        .first()
    )


def authorise(actor, codename, organisation, case=None):
    role = acting_role(actor, codename, organisation)
    if role is None:
        if case is not None and not can_view_case(actor, case):
            raise NotVisible(_("No such case."))
        raise NotPermitted(
            _("Your roles do not allow this step for %(org)s.") % {"org": organisation}
        )
    return role


class Change:
    """What a procedure's service may do inside `step` or `start`."""

    def __init__(self, actor, role, case, task=None):
        self.actor, self.role, self.case, self.task = actor, role, case, task
        self.recorded = False

    def record(self, action, *, opinion="", data=None, step=""):
        self.recorded = True
        return case_event(
            case=self.case,
            action=action,
            actor=self.actor,
            role=self.role,
            task=self.task,
            step=step,
            opinion=opinion,
            data=data,
        )

    def complete(self, *, opinion="", data=None):
        """Finish the task (taking it first if nobody had) and move the flow on."""
        activation = activation_of(self.task)
        waiting = set(self.open_task_ids())
        if self.task.status == STATUS.NEW:
            activation.assign(self.actor)
        activation.start(None)
        activation.execute()
        event = self.record(Action.TASK_COMPLETED, opinion=opinion, data=data)
        self.announce_new_steps(waiting)
        return event

    def open_task_ids(self):
        return Task.objects.filter(process_id=self.case.pk, status__in=OPEN).values_list(
            "pk", flat=True
        )

    def announce_new_steps(self, waiting=()):
        """Notify who may take each human step opened since `waiting` (the open task ids
        before the change), in this transaction: no notice for a change rolled back."""
        new = Task.objects.filter(pk__in=self.open_task_ids()).exclude(pk__in=list(waiting))
        steps = [task for task in new.order_by("pk") if isinstance(task.flow_task, ScopedView)]
        announce.new_tasks(self.case, steps)

    def on_commit(self, func):
        transaction.on_commit(func)


def activation_of(task):
    """The task's activation, for a caller that already holds the case lock."""
    return task.flow_task.activation_class(task)


def _check_recorded(change):
    if not change.recorded:
        raise RuntimeError("a state change left no audit event")


@contextmanager
def start(*, actor, flow_class, organisation, codename, title, subject=None):
    """Start a case of `flow_class` at `organisation`; the body fills the case's records."""
    role = authorise(actor, codename, organisation)
    with prepared_statements(), transaction.atomic():
        case = flow_class.instance.start.run(
            organisation=organisation, title=title, subject=subject
        )
        case = Case.objects.select_for_update().get(pk=case.pk)
        change = Change(actor, role, case)
        change.record(Action.CASE_STARTED, data={"flow": flow_class.instance.flow_label})
        yield change
        _check_recorded(change)
        change.announce_new_steps()


def _locked(model, pk):
    """The case row locked (with its viewflow process row), as `model`, its organisation
    and township read in the same query but not locked."""
    return (
        model.objects.select_for_update(of=("self", "process_ptr"))
        .select_related("organisation", "township")
        .get(pk=pk)
    )


def lock_case(case):
    """Lock the case row and return it fresh, as the procedure's own proxy class."""
    return _locked(type(case), case.pk)


def _case_model(task):
    return task.flow_task.flow_class.process_class


def lock_task(task):
    """Lock the case and re-read the task: it may have moved since the page was shown."""
    case = _locked(_case_model(task), task.process_id)
    task.refresh_from_db()
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        raise AlreadyDone(_("This step has already been done or cancelled."), code="already_done")
    # The activation reads task.process: let it be the row just locked, not a new read.
    task.process = case
    return case


def _open_task(actor, task):
    """Authorise `actor` for the step's permission on its organisation, then lock.

    Call inside a transaction; returns the acting role and the locked case.
    """
    case = (
        _case_model(task).objects.select_related("organisation", "township").get(pk=task.process_id)
    )
    organisation = task.flow_task.target_organisation(case)
    role = authorise(actor, task_permission(task), organisation, case)
    return role, lock_task(task)


@contextmanager
def step(*, actor, task):
    """Do the human step `task`; the body checks rules, writes, then calls complete()."""
    with prepared_statements(), transaction.atomic():
        role, case = _open_task(actor, task)
        _check_not_taken_by_another(actor, task)
        change = Change(actor, role, case, task)
        yield change
        _check_recorded(change)


def _check_not_taken_by_another(actor, task):
    if task.owner_id and task.owner_id != actor.pk:
        raise NotPermitted(
            _("This step is taken by %(name)s; ask them to release it.")
            % {"name": task.owner.get_full_name() or task.owner.get_username()}
        )


def _task_action(*, actor, task, action, opinion="", apply):
    with transaction.atomic():
        role, case = _open_task(actor, task)
        apply(activation_of(task))
        change = Change(actor, role, case, task)
        change.record(action, opinion=opinion)
    return task


def take_task(*, actor, task):
    """Claim an open step so colleagues see who is on it."""

    def apply(activation):
        if task.owner_id:
            raise AlreadyDone(_("This step is already taken."), code="already_taken")
        activation.assign(actor)

    return _task_action(actor=actor, task=task, action=Action.TASK_ASSIGNED, apply=apply)


def release_task(*, actor, task, opinion=""):
    """Give a claimed step back to the organisation's queue (owner or colleague in scope)."""

    def apply(activation):
        if not task.owner_id:
            raise AlreadyDone(_("Nobody has taken this step."), code="not_taken")
        activation.unassign()

    return _task_action(
        actor=actor, task=task, action=Action.TASK_UNASSIGNED, opinion=opinion, apply=apply
    )


def hand_over(*, actor, task, to_user, opinion=""):
    """Pass a step the actor holds (or may take) to a colleague who may take it too.

    The colleague must hold the step's permission over its organisation, as
    the actor does; the handover is recorded and the colleague is told.
    """
    with transaction.atomic():
        role, case = _open_task(actor, task)
        _check_not_taken_by_another(actor, task)
        name = to_user.get_full_name() or to_user.get_username()
        if to_user.pk == actor.pk:
            raise ValidationError(_("Choose a colleague, not yourself."), code="same_user")
        organisation = task.flow_task.target_organisation(task.process.coerced)
        if not has_scope(to_user, task_permission(task), organisation):
            raise ValidationError(
                _("%(name)s may not do this step for %(org)s.")
                % {"name": name, "org": organisation},
                code="not_a_colleague",
            )
        activation = activation_of(task)
        previous = task.owner_id
        if previous:
            activation.reassign(to_user)
        else:
            activation.assign(to_user)
        Change(actor, role, case, task).record(
            Action.TASK_HANDED_OVER, opinion=opinion, data={"from": previous, "to": to_user.pk}
        )
        announce.handed_over(task, case, actor, to_user)
    return task


def cancel_case(*, actor, case, reason):
    """Stop a case for good, with the reason on record (the township decides)."""
    if not reason.strip():
        raise RuleViolation("reason", _("Say why the case is cancelled."))
    with transaction.atomic():
        role = authorise(actor, "review_for_township", case.organisation, case)
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != PROCESS.NEW:
            raise AlreadyDone(_("This case is already closed."), code="already_closed")
        open_steps = [t.flow_task.name for t in case.task_set.filter(status__in=OPEN)]
        case.flow_class.instance.cancel(case)
        close_deadlines(case, state=DeadlineState.DROPPED)
        Change(actor, role, case).record(
            Action.CASE_CANCELLED, opinion=reason, data={"open_steps": open_steps}
        )
    return case
