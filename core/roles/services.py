"""The only writers of roles and of the guardian grants derived from them."""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import events
from core.organisations.models import Organisation
from core.roles.catalogue import HELD_IN, PERMISSIONS, Role, scope_of
from core.roles.models import RoleAssignment
from core.roles.scope import grants, has_scope


def check_role_fits(role, organisation):
    kinds, tiers = HELD_IN[Role(role)]
    if (kinds and organisation.kind not in kinds) or (tiers and organisation.tier not in tiers):
        raise ValidationError(
            _("The role %(role)s cannot be held in %(org)s."),
            params={"role": Role(role).label, "org": organisation.name},
        )


def sync_user_permissions(user):
    """Make the user's guardian grants on organisations match their active roles."""
    wanted = set()
    person = getattr(user, "person", None)
    if person is not None and user.is_active:
        for assignment in RoleAssignment.objects.active().filter(person=person):
            for codename in PERMISSIONS[Role(assignment.role)]:
                wanted.add((codename, assignment.scope_id))
    have = set()
    for codename in {c for perms in PERMISSIONS.values() for c in perms}:
        for pk in grants(user, codename).values_list("object_pk", flat=True):
            have.add((codename, int(pk)))
    orgs = Organisation.objects.in_bulk({pk for _c, pk in wanted ^ have})
    for codename, pk in have - wanted:
        remove_perm(f"organisations.{codename}", user, orgs[pk])
    for codename, pk in wanted - have:
        assign_perm(f"organisations.{codename}", user, orgs[pk])


def _require_manager(actor, organisation):
    if not has_scope(actor, "manage_roles", organisation):
        raise PermissionDenied(_("You may not manage roles in this organisation."))


@transaction.atomic
def grant_role(*, actor, person, role, organisation, starts_on=None, ends_on=None):
    """Give `person` a role in `organisation`; `actor` must manage roles over it."""
    if actor is not None:
        _require_manager(actor, organisation)
    check_role_fits(role, organisation)
    starts_on = starts_on or timezone.localdate()
    if ends_on and ends_on < starts_on:
        raise ValidationError(_("A role cannot end before it starts."))
    assignment = RoleAssignment.objects.create(
        person=person,
        role=role,
        organisation=organisation,
        scope=scope_of(Role(role), organisation),
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=actor,
    )
    events.role_changed(actor=actor, assignment=assignment, action="role_granted")
    if person.user_id:
        sync_user_permissions(person.user)
    return assignment


@transaction.atomic
def end_role(*, actor, assignment, ends_on=None):
    if actor is not None:
        _require_manager(actor, assignment.organisation)
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise ValidationError(_("A role cannot end before it starts."))
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    events.role_changed(actor=actor, assignment=assignment, action="role_ended")
    if assignment.person.user_id:
        sync_user_permissions(assignment.person.user)
    return assignment


def sync_all_users():
    """Bring every user with a role or a grant in line (beat task, hourly)."""
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    User = get_user_model()
    org_perms = Permission.objects.filter(content_type__app_label="organisations")
    user_ids = set(
        UserObjectPermission.objects.filter(permission__in=org_perms).values_list(
            "user_id", flat=True
        )
    ) | set(
        RoleAssignment.objects.exclude(person__user=None).values_list("person__user_id", flat=True)
    )
    for user in User.objects.filter(pk__in=user_ids):
        sync_user_permissions(user)
    return len(user_ids)
