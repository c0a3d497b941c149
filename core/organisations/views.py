"""The organisation picker's lookup: the best matches of a text in the user's scope, as JSON."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.organisations import picker
from core.organisations.models import Organisation, OrganisationKind

SCOPES = {codename for codename, _label in Organisation._meta.permissions} | {
    picker.RECEIVING,
    picker.WORK,
}


@never_cache
@login_required
@require_GET
def lookup(request):
    """`?q=<text>&scope=<codename>[&kind=<kind>…]` -> {"results": [{id, name, code,
    path, value}]}, at most picker.LOOKUP_LIMIT, only organisations in the
    requesting user's scope (none when they hold no such scope)."""
    scope = request.GET.get("scope", "")
    kinds = request.GET.getlist("kind")
    if scope not in SCOPES or not set(kinds) <= set(OrganisationKind.values):
        return JsonResponse({"detail": _("Unknown scope or kind of organisation.")}, status=400)
    text = request.GET.get("q", "").strip()
    found = []
    if text:
        organisations = picker.choosable(request.user, scope, kinds)
        found = list(picker.matches(organisations, text)[: picker.LOOKUP_LIMIT])
    paths = picker.path_labels(found)
    return JsonResponse(
        {
            "results": [
                {
                    "id": org.pk,
                    "name": org.name,
                    "code": org.code,
                    "path": paths[org.pk],
                    "value": picker.as_text(org),
                }
                for org in found
            ]
        }
    )
