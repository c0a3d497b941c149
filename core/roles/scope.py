"""Reading permissions down the organisation tree.

A permission is stored by guardian on the organisation a role acts on; it holds
for that organisation and everything under it. Checking it for organisation X
is one indexed query: is there a grant on X or on one of X's ancestors?
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
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


def _first_grant(user, codename, organisation):
    return (
        grants(user, codename)
        .filter(object_pk__in=organisation.ancestor_ids_str())
        .order_by("pk")
        .values_list("object_pk", flat=True)
    )


def granting_scope(user, codename, organisation):
    """The organisation whose grant lets `user` use `codename` on `organisation`, or None."""
    if not user.is_authenticated or not user.is_active or organisation is None:
        return None
    pk = _first_grant(user, codename, organisation).first()
    return int(pk) if pk is not None else None


def granting_scope_subquery(user, codename, organisation):
    """`granting_scope` as an expression to embed in another query (None when the
    user can hold no grant), so the grant and what it is for are read together."""
    if not user.is_authenticated or not user.is_active or organisation is None:
        return None
    return Cast(Subquery(_first_grant(user, codename, organisation)[:1]), IntegerField())


def has_scope(user, codename, organisation) -> bool:
    return granting_scope(user, codename, organisation) is not None


def scope_roots(user, codename):
    """The organisations on which `user` holds `codename` (their subtrees are the scope)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    pks = grants(user, codename).values_list("object_pk", flat=True)
    return Organisation.objects.filter(pk__in=[int(pk) for pk in pks])


def scope_paths(user, codenames):
    """{codename: [paths of the organisations it is held on]} for every one of
    `codenames` the user holds: one query, where `scope_roots` per codename is one each."""
    if not user.is_authenticated or not user.is_active:
        return {}
    root = Organisation.objects.filter(pk=Cast(OuterRef("object_pk"), IntegerField()))
    rows = (
        UserObjectPermission.objects.filter(
            user=user,
            permission__codename__in=list(codenames),
            permission__content_type__app_label="organisations",
            content_type=ContentType.objects.get_for_model(Organisation),
        )
        .annotate(path=Subquery(root.values("path")))
        .order_by("permission__codename", "path")
        .values_list("permission__codename", "path")
    )
    paths = {}
    for codename, path in rows:
        if path is not None:  # a grant outliving its organisation places nothing
            paths.setdefault(codename, []).append(path)
    return paths


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
