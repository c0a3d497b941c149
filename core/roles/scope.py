"""Reading permissions down the organisation tree.

A permission is stored by guardian on the organisation a role acts on; it holds
for that organisation and everything under it. Checking it for organisation X
is one indexed query: is there a grant on X or on one of X's ancestors?

Within a web request the user's grants are read once (`grants_per_request`):
a page asked for them up to six times (the menu, the inbox, the escalated
deadlines, the links it offers), each a join over guardian's tables. Any
grant saved or deleted meanwhile empties the memo. Permission checks on a
step (`has_scope`) always read the database.
"""

from contextvars import ContextVar

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from core.organisations.models import Organisation


def _permission(codename):
    return Permission.objects.get_by_natural_key(codename, "organisations", "organisation")


def _all_grants(user):
    """guardian's grants to `user` of organisation permissions on organisations."""
    return UserObjectPermission.objects.filter(
        user=user,
        permission__content_type__app_label="organisations",
        content_type=ContentType.objects.get_for_model(Organisation),
    )


def grants(user, codename):
    return _all_grants(user).filter(permission__codename=codename)


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


# {user pk: [(codename, organisation pk, path)]} while a request is served.
_memo: ContextVar[dict | None] = ContextVar("grants_in_request", default=None)


def grants_per_request(get_response):
    """Middleware: one read of each user's grants per request."""

    def middleware(request):
        token = _memo.set({})
        try:
            return get_response(request)
        finally:
            _memo.reset(token)

    return middleware


def forget_grants(**kwargs):
    """A grant changed: what this request read of grants is no longer true."""
    memo = _memo.get()
    if memo:
        memo.clear()


def _grant_rows(user, codenames=None):
    """(codename, organisation pk, path) of the user's grants on organisations;
    a grant outliving its organisation has no path."""
    root = Organisation.objects.filter(pk=Cast(OuterRef("object_pk"), IntegerField()))
    rows = _all_grants(user)
    if codenames is not None:
        rows = rows.filter(permission__codename__in=list(codenames))
    return (
        rows.annotate(path=Subquery(root.values("path")))
        .order_by("permission__codename", "path")
        .values_list("permission__codename", "object_pk", "path")
    )


def _held(user, codenames=None):
    """{codename: [(organisation pk, path)]} of `codenames` (all if None) that
    `user` holds, in path order; from the request's memo when one is open."""
    if not user.is_authenticated or not user.is_active:
        return {}
    memo = _memo.get()
    if memo is None:
        rows = _grant_rows(user, codenames)
    else:
        if user.pk not in memo:
            memo[user.pk] = list(_grant_rows(user))
        rows = [row for row in memo[user.pk] if codenames is None or row[0] in codenames]
    held = {}
    for codename, pk, path in rows:
        if path is not None:  # a grant outliving its organisation places nothing
            held.setdefault(codename, []).append((int(pk), path))
    return held


def scope_roots(user, codename):
    """The organisations on which `user` holds `codename` (their subtrees are the scope)."""
    pks = [pk for pk, _ in _held(user, [codename]).get(codename, [])]
    return Organisation.objects.filter(pk__in=pks)


def scope_paths(user, codenames):
    """{codename: [paths of the organisations it is held on]} for every one of
    `codenames` the user holds: one query, where `scope_roots` per codename is one each."""
    return {
        codename: [path for _, path in held] for codename, held in _held(user, codenames).items()
    }


def holds(user, codename) -> bool:
    """Whether `user` holds `codename` on some organisation (no query once the
    request's grants are read)."""
    return codename in _held(user, [codename])


def organisations_in_scope(user, codename):
    return Organisation.objects.under_any(scope_paths(user, [codename]).get(codename, []))


def codenames_held(user):
    """Every permission `user` holds on some organisation: one query, for menus."""
    return set(_held(user))
