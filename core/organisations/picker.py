"""Choosing one organisation out of tens of thousands: a text box, not a drop-down.

A province auditor's scope holds ~50,000 organisations; listing them all as
<option>s costs seconds per page. The picker is a text input the server
resolves (`OrganisationField`): the "name（code）" a suggestion fills in, a
code, an exact name, or a part of a name that only one organisation holds.
While one types, organisations/picker.js asks the lookup view
(core.organisations.views.lookup) for the best matches in the same scope and
offers them in a <datalist>; without JavaScript the form works the same.

Whatever the text, only organisations of the field's queryset (the user's
scope) are found: another township's organisation is "not found", not
revealed.
"""

import re

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length, Replace
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.flowkit.selectors import ACTING
from core.organisations.models import Organisation
from core.roles.scope import holds, organisations_in_scope, scope_paths

# Suggestions the lookup returns; candidates an ambiguous text lists.
LOOKUP_LIMIT = 20
CANDIDATES = 5
# "name（code）" or "name (code)": the code is what identifies the organisation.
CODE_AT_END = re.compile(r"[（(]\s*([^（）()]+?)\s*[）)]\s*$")


# Not a permission: the branch a case is transferred to (R1.8) may be any branch
# of the deployment, wherever the person's new unit is, so whoever acts for a
# branch may find every branch by name (as the transfer form always listed
# them all). The names of organisations are all such a search reveals.
RECEIVING = "receiving"
# The organisations under any the user acts for: where their inbox's work is.
WORK = "work"


def choosable(user, scope, kinds=()):
    """The organisations `user` may choose: their `scope` (a permission codename,
    RECEIVING or WORK) and, when given, only of `kinds`."""
    if scope == RECEIVING:
        acts = holds(user, "act_for_branch")
        organisations = Organisation.objects.all() if acts else Organisation.objects.none()
    elif scope == WORK:
        held = scope_paths(user, ACTING).values()
        organisations = Organisation.objects.under_any({path for paths in held for path in paths})
    else:
        organisations = organisations_in_scope(user, scope)
    return organisations.filter(kind__in=kinds) if kinds else organisations


def as_text(org):
    """What the picker writes into the box for `org`, and resolves back to it."""
    return f"{org.name}（{org.code}）"


def matches(organisations, text):
    """`organisations` whose name contains `text` or whose code starts with it:
    exact names and codes first, then names starting with it, higher in the
    tree before lower, then by name."""
    depth = Length("path") - Length(Replace("path", Value("/"), Value("")))
    rank = Case(
        When(Q(name=text) | Q(code=text), then=Value(0)),
        When(name__startswith=text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        organisations.filter(Q(name__icontains=text) | Q(code__istartswith=text))
        .annotate(rank=rank, depth=depth)
        .order_by("rank", "depth", "name", "pk")
    )


def path_labels(organisations, levels=3):
    """{pk: the names of the nearest `levels` organisations above it, highest
    first}: what tells two branches of the same name apart. One query."""
    above = {org.pk: org.ancestor_ids()[:-1][-levels:] for org in organisations}
    wanted = {pk for pks in above.values() for pk in pks}
    names = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return {
        pk: " / ".join(names[a] for a in ancestors if a in names) for pk, ancestors in above.items()
    }


def resolve(organisations, text, messages):
    """The one organisation of `organisations` that `text` names; a
    ValidationError ("unknown" or "ambiguous", listing candidates) otherwise."""
    coded = CODE_AT_END.search(text)
    for code in ([coded.group(1)] if coded else []) + [text]:
        found = organisations.filter(code=code).first()
        if found is not None:
            return found
    found = list(matches(organisations, text)[: CANDIDATES + 1])
    exact = [org for org in found if org.rank == 0]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise forms.ValidationError(messages["unknown"], code="unknown", params={"text": text})
    shown = (exact or found)[:CANDIDATES]
    candidates = "；".join(as_text(org) for org in shown)
    if len(exact or found) > CANDIDATES:
        candidates += "……"
    raise forms.ValidationError(
        messages["ambiguous"], code="ambiguous", params={"text": text, "candidates": candidates}
    )


class OrganisationInput(forms.TextInput):
    """The picker's text box; `data-lookup` tells picker.js where to ask."""

    class Media:
        js = ["organisations/picker.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.scope, self.kinds = "", []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = urlencode({"scope": self.scope, "kind": self.kinds}, doseq=True)
        context["widget"]["attrs"]["data-lookup"] = f"{reverse('organisations:lookup')}?{query}"
        return context


class OrganisationField(forms.Field):
    """One organisation of `queryset`, typed or picked (see the module docstring).

    `scope` and `kinds` say what the lookup suggests; `limit_to(user)` sets the
    queryset to the same organisations. The cleaned value is the Organisation."""

    widget = OrganisationInput
    default_error_messages = {
        "unknown": _("No organisation in your scope is named or coded “%(text)s”."),
        "ambiguous": _(
            "“%(text)s” fits several organisations, for example %(candidates)s. "
            "Choose one of the suggestions or type its code."
        ),
    }

    def __init__(self, *, scope, kinds=(), **kwargs):
        super().__init__(**kwargs)
        self.scope, self.kinds = scope, list(kinds)
        self.widget.scope, self.widget.kinds = self.scope, self.kinds
        self.queryset = Organisation.objects.none()

    def limit_to(self, user):
        self.queryset = choosable(user, self.scope, self.kinds)

    def prepare_value(self, value):
        return as_text(value) if isinstance(value, Organisation) else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        return resolve(self.queryset, text, self.error_messages)
