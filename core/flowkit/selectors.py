"""Reads scoped by the organisation tree: what a user may see and is asked to do."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.cases.models import Case
from core.organisations.models import Organisation, OrganisationKind
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


def _departments_under(roots):
    """Primary keys, as Task.owner_permission_obj_pk stores them, of the departments
    in the roots' subtrees."""
    return (
        Organisation.objects.filter(_under(roots, "path"), kind=OrganisationKind.DEPARTMENT)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )


def inbox(user):
    """Open tasks this user may take or has taken, across procedures.

    A task asks for one organisation permission (Task.owner_permission); the
    user sees it when they hold that permission over the case's organisation,
    or over the department the step is addressed to: a county department asked
    for its opinion on a township's case is not above that case in the tree,
    so the task's own permission object (the department) is what places it.
    """
    if not user.is_authenticated:
        return Task.objects.none()
    query = Q(owner=user)
    codenames = {c for perms in PERMISSIONS.values() for c in perms}
    organisation_type = ContentType.objects.get_for_model(Organisation)
    for codename in codenames:
        roots = list(scope_roots(user, codename))
        if roots:
            addressed = Q(
                owner_permission_content_type=organisation_type,
                owner_permission_obj_pk__in=_departments_under(roots),
            )
            query |= Q(owner__isnull=True, owner_permission=f"organisations.{codename}") & (
                _under(roots, "process__case__org_path") | addressed
            )
    return (
        Task.objects.filter(status__in=OPEN)
        .filter(query)
        .select_related("process", "process__case", "process__case__organisation", "owner")
        .order_by("created")
    )
