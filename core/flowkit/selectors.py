"""Reads scoped by the organisation tree: what a user may see and is asked to do."""

from django.db.models import Q
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.cases.models import Case
from core.roles.catalogue import PERMISSIONS
from core.roles.scope import has_scope, scope_roots

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


def _under(roots, field):
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(**{f"{field}__startswith": root.path})
    return query


def cases_visible_to(user, cases=None):
    cases = Case.objects.all() if cases is None else cases
    return cases.filter(_under(scope_roots(user, "view_cases"), "org_path"))


def can_view_case(user, case) -> bool:
    return has_scope(user, "view_cases", case.organisation)


def task_permission(task):
    """('organisations', codename) the step needs; every human step names one."""
    app_label, codename = task.owner_permission.split(".", 1)
    return codename


def inbox(user):
    """Open tasks this user may take or has taken, across procedures.

    A task asks for one organisation permission (Task.owner_permission); the
    user sees it when they hold that permission over the case's organisation.
    """
    if not user.is_authenticated:
        return Task.objects.none()
    query = Q(owner=user)
    codenames = {c for perms in PERMISSIONS.values() for c in perms}
    for codename in codenames:
        roots = list(scope_roots(user, codename))
        if roots:
            query |= Q(owner__isnull=True, owner_permission=f"organisations.{codename}") & _under(
                roots, "process__case__org_path"
            )
    return (
        Task.objects.filter(status__in=OPEN)
        .filter(query)
        .select_related("process", "process__case", "process__case__organisation", "owner")
        .order_by("created")
    )
