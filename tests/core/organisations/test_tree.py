import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.organisations.models import Organisation, OrganisationKind, Tier


@pytest.mark.django_db
def test_subtree_is_one_prefix_query_and_includes_the_root(county, django_assert_num_queries):
    dongcheng = county.orgs["dongcheng"]
    with django_assert_num_queries(1):
        codes = set(Organisation.objects.subtree(dongcheng).values_list("code", flat=True))
    assert codes == {
        "dongcheng",
        "dongcheng_village",
        "dongcheng_village_group1",
        "dongcheng_community",
        "dongcheng_community_1",
        "dongcheng_school",
        "dongcheng_enterprise",
    }


@pytest.mark.django_db
def test_ancestry_and_township_of_a_branch_under_a_general_branch(county):
    branch = county.orgs["dongcheng_community_1"]
    assert [o.code for o in branch.ancestors()] == [
        "county",
        "dongcheng",
        "dongcheng_community",
        "dongcheng_community_1",
    ]
    assert branch.township() == county.orgs["dongcheng"]
    assert branch.approving_committee() == county.orgs["dongcheng"]
    assert branch.is_within(county.orgs["dongcheng"])
    assert not branch.is_within(county.orgs["xishan"])


@pytest.mark.django_db
def test_r1_20_a_committee_may_hold_approval_authority(county):
    committee = county.orgs["dongcheng"]
    committee.full_clean()
    assert committee.can_approve_members


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [OrganisationKind.GENERAL_BRANCH, OrganisationKind.BRANCH])
def test_r1_20_a_general_branch_or_branch_may_not_approve(county, kind):
    org = Organisation(
        name="某党总支",
        code="x",
        kind=kind,
        tier=Tier.GRASSROOTS,
        parent=county.orgs["dongcheng"],
        can_approve_members=True,
    )
    with pytest.raises(ValidationError, match="R1.20"):
        org.full_clean()
    with pytest.raises(IntegrityError):
        org.save()


@pytest.mark.django_db
def test_r1_20_a_temporary_committee_may_not_approve(county):
    org = Organisation(
        name="临时党委",
        code="tmp",
        kind=OrganisationKind.COMMITTEE,
        tier=Tier.TOWNSHIP,
        parent=county.orgs["county"],
        can_approve_members=True,
        is_temporary=True,
    )
    with pytest.raises(ValidationError, match="R1.20"):
        org.full_clean()
