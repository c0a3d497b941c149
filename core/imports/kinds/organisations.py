"""Organisations: one per row, validated by the model's own rules (R1.20, unique code)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports.rows import bad, boolean, choice_value, form_problems
from core.imports.sheets import Column
from core.organisations.models import Domain, Organisation, OrganisationKind, Tier

NAME, CODE, KIND, TIER, DOMAIN, PARENT, APPROVES, TEMPORARY = (
    "组织名称",
    "组织代码",
    "组织类型",
    "层级",
    "领域",
    "上级组织代码",
    "有接收预备党员审批权",
    "临时党组织",
)

COLUMNS = [
    Column(NAME, gettext_lazy("The organisation's full name."), True, "中共东城镇新村党支部"),
    Column(CODE, gettext_lazy("A code no other organisation has."), True, "dc_xincun"),
    Column(
        KIND,
        gettext_lazy("Party committee, general branch, branch, party group or department."),
        True,
        "党支部",
    ),
    Column(TIER, gettext_lazy("County, township or grassroots."), True, "基层"),
    Column(
        DOMAIN, gettext_lazy("Village, community, school, enterprise … (optional)."), False, "农村"
    ),
    Column(
        PARENT,
        gettext_lazy(
            "The code of the organisation directly above, recorded already or earlier in this sheet."
        ),
        True,
        "dongcheng",
    ),
    Column(
        APPROVES,
        gettext_lazy("是 only for a party committee holding approval authority (R1.20)."),
        False,
        "否",
    ),
    Column(TEMPORARY, gettext_lazy("是 for a temporary party organisation."), False, "否"),
]

# The import's permission: county organisation-department staff, over the parent.
PERMISSIONS = ("manage_roles",)


class OrganisationForm(forms.ModelForm):
    """The model's validation (choices, unique code, R1.20 in clean()) on one row."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "code",
            "kind",
            "tier",
            "domain",
            "parent",
            "can_approve_members",
            "is_temporary",
        ]


FIELD_COLUMNS = {
    "name": NAME,
    "code": CODE,
    "kind": KIND,
    "tier": TIER,
    "domain": DOMAIN,
    "parent": PARENT,
    "can_approve_members": APPROVES,
    "is_temporary": TEMPORARY,
}


def import_row(ctx, row):
    parent = ctx.organisation(PARENT, row.get(PARENT))
    data = {
        "name": row.get(NAME),
        "code": row.get(CODE),
        "kind": choice_value(OrganisationKind, row.get(KIND)),
        "tier": choice_value(Tier, row.get(TIER)),
        "domain": choice_value(Domain, row.get(DOMAIN)) or Domain.OTHER,
        "parent": parent.pk,
        "can_approve_members": boolean(APPROVES, row.get(APPROVES)),
        "is_temporary": boolean(TEMPORARY, row.get(TEMPORARY)),
    }
    form = OrganisationForm(data)
    if not form.is_valid():
        raise form_problems(form, FIELD_COLUMNS, row)
    if parent.kind == OrganisationKind.GROUP:
        raise bad(PARENT, row.get(PARENT), _("A party group has no organisations under it."))
    form.save()
    ctx.forget(data["code"])
