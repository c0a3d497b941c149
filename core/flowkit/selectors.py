"""Reads scoped by the organisation tree: what a user may see and is asked to do."""

from datetime import timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.cases.models import Case, Deadline, DeadlineState
from core.organisations.models import Organisation, OrganisationKind
from core.roles.catalogue import PERMISSIONS
from core.roles.scope import has_scope, scope_paths

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


def _under_paths(paths, field):
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def cases_visible_to(user, cases=None):
    cases = Case.objects.all() if cases is None else cases
    paths = scope_paths(user, ["view_cases"]).get("view_cases", [])
    return cases.filter(_under_paths(paths, "org_path"))


def can_view_case(user, case) -> bool:
    return has_scope(user, "view_cases", case.organisation)


def task_permission(task):
    """('organisations', codename) the step needs; every human step names one."""
    app_label, codename = task.owner_permission.split(".", 1)
    return codename


def _departments_under(paths):
    """Primary keys, as Task.owner_permission_obj_pk stores them, of the departments
    in the subtrees at `paths`."""
    return (
        Organisation.objects.filter(_under_paths(paths, "path"), kind=OrganisationKind.DEPARTMENT)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )


CODENAMES = sorted({c for perms in PERMISSIONS.values() for c in perms})
# Permissions that make someone act for an organisation (not only read it):
# the only ones a step asks for (tests/core/flowkit/test_inbox_queries.py).
READ_ONLY = {"view_cases", "read_audit", "manage_roles"}
ACTING = [c for c in CODENAMES if c not in READ_ONLY]


def inbox(user):
    """Open tasks this user may take or has taken, across procedures.

    A task asks for one organisation permission (Task.owner_permission); the
    user sees it when they hold that permission over the case's organisation,
    or over the department the step is addressed to: a county department asked
    for its opinion on a township's case is not above that case in the tree,
    so the task's own permission object (the department) is what places it.

    The tasks are chosen as a UNION of narrow selections, one per way of
    seeing a task, each starting from an index: the user's own tasks, and per
    permission held the open tasks of the cases under its organisations
    (`case_org_path_prefix`, then the open-task index on process) and those
    addressed to departments there. One OR over all of them would make
    PostgreSQL read every open task of the database and filter after the join.
    Two queries in all: the grants with their paths, then the tasks. Only
    the permissions steps ask for are read: every user holds view_cases,
    and two selections for it would only find nothing at a price.
    """
    if not user.is_authenticated:
        return Task.objects.none()
    organisation_type = ContentType.objects.get_for_model(Organisation)
    grants = tuple(
        (codename, tuple(paths)) for codename, paths in scope_paths(user, ACTING).items()
    )
    return (
        Task.objects.filter(pk__in=RawSQL(*_chosen(user.pk, organisation_type.pk, grants)))
        .select_related("process", "process__case", "process__case__organisation", "owner")
        .order_by("created")
    )


@lru_cache(maxsize=4096)
def _chosen(user_pk, organisation_type_pk, grants):
    """SQL and parameters of the UNION choosing a user's inbox tasks, for the user
    and their grants ((codename, paths), ...). Building and compiling these
    querysets took 5.5 of the 9.8 ms a township organiser's inbox query spent
    in the ORM (100k set). The SQL is a function of exactly these arguments,
    so each user's set of grants is compiled once per process."""
    open_tasks = Task.objects.filter(status__in=OPEN).order_by().values("pk")
    chosen = [open_tasks.filter(owner_id=user_pk)]
    for codename, paths in grants:
        asked = open_tasks.filter(owner__isnull=True, owner_permission=f"organisations.{codename}")
        cases = Case.objects.filter(_under_paths(paths, "org_path")).order_by().values("pk")
        chosen.append(asked.filter(process_id__in=cases))
        chosen.append(
            asked.filter(
                owner_permission_content_type_id=organisation_type_pk,
                owner_permission_obj_pk__in=_departments_under(paths),
            )
        )
    seen = chosen[0].union(*chosen[1:]) if len(chosen) > 1 else chosen[0]
    return seen.query.sql_with_params()


# --- Who is asked: recipients of notifications and colleagues for a handover ---

# A step addressed to a whole county or province would reach every holder
# above it; the notices stop at this many people.
MAX_RECIPIENTS = 50


def _grants(codenames, organisation_pks):
    """guardian's grants of one of `codenames` on one of the organisations."""
    return UserObjectPermission.objects.filter(
        permission__codename__in=list(codenames),
        permission__content_type__app_label="organisations",
        content_type=ContentType.objects.get_for_model(Organisation),
        object_pk__in=[str(pk) for pk in organisation_pks],
    )


def holders(codenames, organisation_pks):
    """Active users granted one of `codenames` on one of the organisations (one query)."""
    granted = _grants(codenames, organisation_pks).values("user_id")
    return get_user_model().objects.filter(pk__in=granted, is_active=True).order_by("pk")


def users_who_may_take(task, case=None):
    """Everyone holding the step's permission over its organisation (as `inbox` reads it)."""
    case = case or task.process.coerced
    organisation = task.flow_task.target_organisation(case)
    return holders([task_permission(task)], organisation.ancestor_ids_str())


def officers_by_organisation(organisation_pks):
    """{organisation pk: [users]} of the people who act for each organisation
    itself (a branch's secretary and organising member, a township's secretary
    and organiser), not those above it; two queries for any number."""
    wanted = {pk for pk in organisation_pks if pk is not None}
    grants = set(_grants(ACTING, wanted).values_list("object_pk", "user_id"))
    users = (
        get_user_model()
        .objects.filter(pk__in={user for _, user in grants}, is_active=True)
        .in_bulk()
    )
    found = {}
    for object_pk, user in sorted(grants, key=lambda grant: grant[1]):
        if user in users:
            found.setdefault(int(object_pk), []).append(users[user])
    return found


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


def filter_inbox(
    tasks, *, flow=None, stage=None, step=None, organisation=None, due=None, days=7, today
):
    """Narrow an inbox: `flow` a flow class, `stage` the nodes of a stage, `step` a
    node, `organisation` the case's
    organisation or one above it, `due` "overdue" or "soon" (due within `days`, not yet
    late). Earliest dates (the branch may act from then on) are never due."""
    if flow is not None:
        tasks = tasks.filter(process__flow_class=flow)
    if stage is not None:
        tasks = tasks.filter(flow_task__in=stage)
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
