"""Reading permissions down the organisation tree.

A permission is stored by guardian on the organisation a role acts on; it holds
for that organisation and everything under it. Checking it for organisation X
is one indexed query: is there a grant on X or on one of X's ancestors?
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from guardian.models import UserObjectPermission

from core.organisations.models import Organisation


def _permission(codename):
    return Permission.objects.get_by_natural_key(codename, "organisations", "organisation")


def grants(user, codename):
    return UserObjectPermission.objects.filter(
        user=user,
        permission__codename=codename,
        permission__content_type__app_label="organisations",
        content_type=ContentType.objects.get_for_model(Organisation),
    )


def granting_scope(user, codename, organisation):
    """The organisation whose grant lets `user` use `codename` on `organisation`, or None."""
    if not user.is_authenticated or not user.is_active or organisation is None:
        return None
    pk = (
        grants(user, codename)
        .filter(object_pk__in=organisation.ancestor_ids_str())
        .values_list("object_pk", flat=True)
        .first()
    )
    return int(pk) if pk is not None else None


def has_scope(user, codename, organisation) -> bool:
    return granting_scope(user, codename, organisation) is not None


def scope_roots(user, codename):
    """The organisations on which `user` holds `codename` (their subtrees are the scope)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    pks = grants(user, codename).values_list("object_pk", flat=True)
    return Organisation.objects.filter(pk__in=[int(pk) for pk in pks])


def organisations_in_scope(user, codename):
    return Organisation.objects.subtree_of_any(list(scope_roots(user, codename)))


def codenames_held(user):
    """Every permission `user` holds on some organisation: one query, for menus."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        UserObjectPermission.objects.filter(
            user=user, content_type=ContentType.objects.get_for_model(Organisation)
        ).values_list("permission__codename", flat=True)
    )
