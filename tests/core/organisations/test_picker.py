"""The organisation picker: the lookup suggests only what is in the user's scope,
and the field resolves what was typed or picked, within its queryset only."""

import pytest
from django import forms
from django.urls import reverse

from core.audit.models import AuditEvent
from core.organisations.models import Organisation, OrganisationKind, Tier
from core.organisations.picker import LOOKUP_LIMIT, OrganisationField, as_text

LOOKUP = reverse("organisations:lookup")
SEARCHABLE = [OrganisationKind.COMMITTEE, OrganisationKind.GENERAL_BRANCH, OrganisationKind.BRANCH]

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_branches(county):
    """Two branches both called 第一党支部, one in each township."""
    made = {}
    for township in ("dongcheng", "xishan"):
        made[township] = Organisation.objects.create(
            name="第一党支部",
            code=f"{township}_first",
            kind=OrganisationKind.BRANCH,
            tier=Tier.GRASSROOTS,
            parent=county.orgs[f"{township}_community"],
        )
    return made


def _lookup(client, q, scope="view_cases", kinds=()):
    response = client.get(LOOKUP, {"q": q, "scope": scope, "kind": list(kinds)})
    assert response.status_code == 200, response.content
    return response.json()["results"]


class Form(forms.Form):
    organisation = OrganisationField(scope="view_cases", kinds=SEARCHABLE, required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["organisation"].limit_to(user)


def _clean(user, text):
    form = Form({"organisation": text}, user=user)
    form.is_valid()
    return form


# --- The lookup ------------------------------------------------------------------


def test_lookup_offers_matches_in_scope_best_first(county, client_as):
    found = _lookup(client_as(county.users["auditor"]), "东城镇")
    # Names starting with the text before those only containing it, higher in
    # the tree first, then by name.
    assert [row["code"] for row in found] == [
        "dongcheng_village",
        "dongcheng_school",
        "dongcheng_community",
        "dongcheng_enterprise",
        "dongcheng_community_1",
        "dongcheng_village_group1",
        "dongcheng",
    ]
    village = next(row for row in found if row["code"] == "dongcheng_village")
    assert village == {
        "id": county.orgs["dongcheng_village"].pk,
        "name": "东城镇东村党支部",
        "code": "dongcheng_village",
        "path": "中共示范县委员会 / 中共东城镇委员会",
        "value": "东城镇东村党支部（dongcheng_village）",
    }


def test_lookup_puts_the_higher_organisations_first(county, client_as):
    found = _lookup(client_as(county.users["auditor"]), "和平社区")
    assert [row["code"] for row in found] == [
        "dongcheng_community",
        "xishan_community",
        "dongcheng_community_1",
        "xishan_community_1",
    ]


def test_lookup_by_the_start_of_a_code(county, client_as):
    found = _lookup(client_as(county.users["auditor"]), "xishan_sch")
    assert [row["code"] for row in found] == ["xishan_school"]


def test_lookup_keeps_to_the_kinds_asked(county, client_as):
    found = _lookup(client_as(county.users["auditor"]), "第一党小组", kinds=SEARCHABLE)
    assert found == []
    assert _lookup(client_as(county.users["auditor"]), "第一党小组") != []


def test_lookup_returns_at_most_the_limit(county, client_as):
    for n in range(LOOKUP_LIMIT + 5):
        Organisation.objects.create(
            name=f"东城镇新建第{n}党支部",
            code=f"new_{n}",
            kind=OrganisationKind.BRANCH,
            tier=Tier.GRASSROOTS,
            parent=county.orgs["dongcheng"],
        )
    assert len(_lookup(client_as(county.users["auditor"]), "新建")) == LOOKUP_LIMIT


def test_another_townships_user_is_offered_nothing_of_ours(county, client_as):
    client = client_as(county.users["xs_organiser"])
    assert _lookup(client, "东城镇") == []
    assert _lookup(client, "dongcheng") == []
    assert [row["code"] for row in _lookup(client, "石门村")] == ["xishan_village"]
    # Its ancestors' names come with it, its neighbours' never.
    assert all("东城" not in str(row) for row in _lookup(client, "党"))


def test_a_user_without_the_scope_is_offered_nothing(county, client_as):
    client = client_as(county.users["discipline_officer"])
    assert _lookup(client, "东城镇") == []
    assert _lookup(client, "示范县", scope="review_for_department") != []


def test_lookup_refuses_an_unknown_scope_or_kind(county, client_as):
    client = client_as(county.users["auditor"])
    assert client.get(LOOKUP, {"q": "东", "scope": "delete_everything"}).status_code == 400
    assert client.get(LOOKUP, {"q": "东", "scope": "view_cases", "kind": "x"}).status_code == 400


def test_an_empty_text_is_offered_nothing(county, client_as):
    assert _lookup(client_as(county.users["auditor"]), "  ") == []


def test_anonymous_is_sent_to_login(county, client):
    response = client.get(LOOKUP, {"q": "东城", "scope": "view_cases"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_lookup_is_a_few_queries_and_writes_nothing(
    county, client_as, django_assert_max_num_queries
):
    client = client_as(county.users["auditor"])
    client.get(LOOKUP, {"q": "党", "scope": "view_cases"})  # session, content types
    events = AuditEvent.objects.count()
    with django_assert_max_num_queries(6):
        assert len(_lookup(client, "党")) == 12
    assert AuditEvent.objects.count() == events


# --- The field ----------------------------------------------------------------


def test_field_resolves_the_pickers_text_by_its_code(county, first_branches):
    picked = first_branches["xishan"]
    form = _clean(county.users["auditor"], as_text(picked))
    assert form.cleaned_data["organisation"] == picked


def test_field_resolves_a_code_an_exact_name_or_a_unique_part(county):
    auditor = county.users["auditor"]
    village = county.orgs["dongcheng_village"]
    for text in (
        "dongcheng_village",
        "东城镇东村党支部",
        " 东村 ",
        "东城镇东村党支部 (dongcheng_village)",
    ):
        assert _clean(auditor, text).cleaned_data["organisation"] == village, text


def test_field_prefers_the_one_exact_name_to_names_containing_it(county):
    form = _clean(county.users["auditor"], "东城镇和平社区党总支")
    assert form.cleaned_data["organisation"] == county.orgs["dongcheng_community"]


def test_an_ambiguous_text_is_an_error_listing_candidates(county, first_branches):
    form = _clean(county.users["auditor"], "第一党支部")
    assert not form.is_valid()
    (error,) = form.errors.as_data()["organisation"]
    assert error.code == "ambiguous"
    message = form.errors["organisation"][0]
    assert "第一党支部（dongcheng_first）" in message
    assert "第一党支部（xishan_first）" in message
    # Only the exact names are candidates, not 和平社区第一党支部 that contains it.
    assert "community_1" not in message


def test_an_unknown_text_is_an_error(county):
    form = _clean(county.users["auditor"], "无此组织")
    assert form.errors.as_data()["organisation"][0].code == "unknown"
    assert "无此组织" in form.errors["organisation"][0]


def test_another_townships_organisation_is_not_found(county, first_branches):
    """By name, by code, or as the picker writes it: to 西山's organiser,
    东城's organisations do not exist; 西山's own 第一党支部 is not ambiguous."""
    organiser = county.users["xs_organiser"]
    theirs = county.orgs["dongcheng_village"]
    for text in (theirs.name, theirs.code, as_text(theirs), as_text(first_branches["dongcheng"])):
        form = _clean(organiser, text)
        assert form.errors.as_data()["organisation"][0].code == "unknown", text
    assert _clean(organiser, "第一党支部").cleaned_data["organisation"] == first_branches["xishan"]


def test_an_organisation_outside_the_kinds_is_not_found(county):
    form = _clean(county.users["auditor"], "dongcheng_village_group1")
    assert form.errors.as_data()["organisation"][0].code == "unknown"


def test_an_empty_field_is_no_organisation(county):
    assert _clean(county.users["auditor"], "  ").cleaned_data["organisation"] is None


def test_the_box_asks_the_lookup_for_its_scope_and_kinds(county):
    html = str(Form(None, user=county.users["auditor"])["organisation"])
    assert 'autocomplete="off"' in html
    assert (
        'data-lookup="/organisations/lookup/?scope=view_cases&amp;kind=committee'
        "&amp;kind=general_branch&amp;kind=branch"
    ) in html
    assert "organisations/picker.js" in str(Form(None, user=county.users["auditor"]).media)


def test_an_organisation_given_as_initial_shows_as_the_picker_writes_it(county):
    village = county.orgs["dongcheng_village"]
    field = OrganisationField(scope="view_cases")
    assert field.prepare_value(village) == "东城镇东村党支部（dongcheng_village）"
