"""The events services write, one function per kind (the chain key is chosen here)."""

from core.audit.chain import append
from core.audit.models import AuditEvent


class Action:
    CASE_STARTED = "case_started"
    TASK_ASSIGNED = "task_assigned"
    TASK_UNASSIGNED = "task_unassigned"
    TASK_HANDED_OVER = "task_handed_over"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    TASK_UNDONE = "task_undone"
    TASK_REVIVED = "task_revived"
    CASE_CANCELLED = "case_cancelled"
    TIMER_FIRED = "timer_fired"
    DEADLINE_REMINDED = "deadline_reminded"
    DEADLINE_OVERDUE = "deadline_overdue"
    RECORD_ADDED = "record_added"
    CASE_TRANSFERRED = "case_transferred"
    ROLE_GRANTED = "role_granted"
    ROLE_ENDED = "role_ended"


def case_chain(case) -> str:
    return f"case:{case.pk}"


def case_event(*, case, action, actor=None, role=None, task=None, step="", opinion="", data=None):
    """An event in a case's history; `role` is the RoleAssignment the actor used."""
    return append(
        chain=case_chain(case),
        case=case,
        action=action,
        actor=actor,
        actor_role=role.role if role else "",
        actor_organisation=role.organisation if role else None,
        task_id=task.pk if task else None,
        step=step or (task.flow_task.name if task is not None else ""),
        opinion=opinion,
        data=data or {},
    )


def system_case_event(*, case, action, step, data) -> AuditEvent:
    """An event no person caused (the deadline sweep), unsaved: for `append_many`.
    Its fields are those `case_event` writes without an actor."""
    return AuditEvent(chain=case_chain(case), case=case, action=action, step=step, data=data)


def role_changed(*, actor, assignment, action):
    return append(
        chain=f"person:{assignment.person_id}",
        action=action,
        actor=actor,
        data={
            "assignment": assignment.pk,
            "role": assignment.role,
            "organisation": assignment.organisation_id,
            "scope": assignment.scope_id,
            "starts_on": assignment.starts_on,
            "ends_on": assignment.ends_on,
        },
    )
