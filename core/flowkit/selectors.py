"""Reads scoped by the organisation tree: what a user may see and is asked to do."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.cases.models import Case, Deadline, DeadlineState
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


# --- Who is asked: recipients of notifications and colleagues for a handover ---

# Permissions that make someone act for an organisation (not only read it).
READ_ONLY = {"view_cases", "read_audit", "manage_roles"}
ACTING = sorted({c for perms in PERMISSIONS.values() for c in perms} - READ_ONLY)
# A step addressed to a whole county or province would reach every holder
# above it; the notices stop at this many people.
MAX_RECIPIENTS = 50


def holders(codenames, organisation_pks):
    """Active users granted one of `codenames` on one of the organisations (one query)."""
    granted = UserObjectPermission.objects.filter(
        permission__codename__in=list(codenames),
        permission__content_type__app_label="organisations",
        content_type=ContentType.objects.get_for_model(Organisation),
        object_pk__in=[str(pk) for pk in organisation_pks],
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=granted, is_active=True).order_by("pk")


def users_who_may_take(task, case=None):
    """Everyone holding the step's permission over its organisation (as `inbox` reads it)."""
    case = case or task.process.coerced
    organisation = task.flow_task.target_organisation(case)
    return holders([task_permission(task)], organisation.ancestor_ids_str())


def officers_of(organisation_pks):
    """The people who act for these organisations themselves (a branch's secretary and
    organising member, a township's secretary and organiser), not those above them."""
    return holders(ACTING, [pk for pk in organisation_pks if pk is not None])


# --- The inbox page: its filters ---------------------------------------------


def flows_with_steps():
    """Every procedure (a CaseFlow subclass) and its human steps, in step order."""
    # flows and nodes import this module; imported here to keep the cycle open.
    from core.flowkit.flows import CaseFlow
    from core.flowkit.nodes import ScopedView

    found, pending = [], list(CaseFlow.__subclasses__())
    while pending:
        flow_class = pending.pop(0)
        pending.extend(flow_class.__subclasses__())
        steps = [n for n in flow_class.instance.nodes() if isinstance(n, ScopedView)]
        found.append((flow_class, sorted(steps, key=lambda n: getattr(n, "step_number", 0))))
    return sorted(found, key=lambda pair: pair[0].instance.app_label)


def _open_deadline(due):
    return Exists(
        Deadline.objects.filter(
            case_id=OuterRef("process_id"), state=DeadlineState.OPEN, is_earliest=False
        ).filter(due)
    )


def filter_inbox(tasks, *, flow=None, step=None, organisation=None, due=None, days=7, today):
    """Narrow an inbox: `flow` a flow class, `step` a node, `organisation` the case's
    organisation or one above it, `due` "overdue" or "soon" (due within `days`, not yet
    late). Earliest dates (the branch may act from then on) are never due."""
    if flow is not None:
        tasks = tasks.filter(process__flow_class=flow)
    if step is not None:
        tasks = tasks.filter(flow_task=step)
    if organisation is not None:
        tasks = tasks.filter(process__case__org_path__startswith=organisation.path)
    if due == "overdue":
        tasks = tasks.filter(_open_deadline(Q(due_on__lt=today) | Q(overdue_at__isnull=False)))
    elif due == "soon":
        soon = Q(due_on__gte=today, due_on__lte=today + timedelta(days=days))
        tasks = tasks.filter(_open_deadline(soon & Q(overdue_at__isnull=True)))
    return tasks


def inbox_organisations(tasks, limit=500):
    """The organisations the inbox's cases belong to, to filter by (one query)."""
    pks = tasks.order_by().values("process__case__organisation").distinct()
    return Organisation.objects.filter(pk__in=pks).order_by("path")[:limit]
