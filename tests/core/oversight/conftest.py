"""A township's worth of cases for the oversight figures, and a neighbouring county.

東城 (dongcheng): two admissions approved on the same day in the village branch
(one young graduate, one older person with junior-high schooling), one
application whose talk is overdue and one just received; 西山 (xishan): one
application, which must never show in 东城's figures.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.demo import add_organisation, add_person
from core.organisations.models import Domain, OrganisationKind, Tier
from core.people.choices import Education, PartyStatus
from core.roles import services as roles
from core.roles.catalogue import Role
from workflows.recruitment import scenario
from workflows.recruitment.models import Dossier


@pytest.fixture
def actors(county):
    u = county.users
    return scenario.Actors(
        u["dc_branch_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
    )


def admit(county, actors, person, applied_on):
    case = scenario.start(person, county.orgs["dongcheng_village"], actors.branch, applied_on)
    scenario.Walk(case, actors).until("county_filing")
    return Dossier.objects.get(case=case)


@pytest.fixture
def township(county, actors):
    """东城 with its cases; `township.admitted_on` is the day both admissions were approved."""
    today = timezone.localdate()
    older = add_person(
        county,
        "older",
        "郭大山",
        "dongcheng_village",
        birth=date(1970, 2, 1),
        status=PartyStatus.APPLICANT,
        education=Education.JUNIOR_HIGH_OR_BELOW,
    )
    applied_on = today - timedelta(days=3 * 365)
    dossiers = [
        admit(county, actors, county.people["applicant_a"], applied_on),
        admit(county, actors, older, applied_on),
    ]
    late = add_person(
        county,
        "late",
        "钱晚",
        "dongcheng_village",
        birth=date(2000, 5, 5),
        status=PartyStatus.MASSES,
    )
    fresh = add_person(
        county,
        "fresh",
        "孙新",
        "dongcheng_community_1",
        birth=date(2002, 6, 6),
        status=PartyStatus.MASSES,
    )
    overdue = scenario.start(
        late, county.orgs["dongcheng_village"], actors.branch, today - timedelta(days=60)
    )
    scenario.start(
        fresh,
        county.orgs["dongcheng_community_1"],
        county.users["dc_community_sec"],
        today - timedelta(days=3),
    )
    elsewhere = scenario.start(
        county.people["applicant_b"],
        county.orgs["xishan_village"],
        county.users["xs_branch_sec"],
        today - timedelta(days=90),
    )
    county.cases = {"overdue": overdue, "elsewhere": elsewhere}
    town = county.orgs["dongcheng"]
    town.admitted_on = dossiers[0].approved_on
    assert {d.approved_on for d in dossiers} == {town.admitted_on}
    return town


@pytest.fixture
def neighbour(county):
    """A second county (邻县) with its organisation department (`nb_staff`), a township
    (`nb_organiser`) and a village branch, added to the demo county's dictionaries."""
    C, D, B = OrganisationKind.COMMITTEE, OrganisationKind.DEPARTMENT, OrganisationKind.BRANCH
    shape = [
        ("nb_county", "中共邻县委员会", C, Tier.COUNTY, None, Domain.OTHER),
        ("nb_org_dept", "中共邻县委组织部", D, Tier.COUNTY, "nb_county", Domain.ORGAN),
        ("nb_township", "中共南岭镇委员会", C, Tier.TOWNSHIP, "nb_county", Domain.OTHER),
        ("nb_village", "南岭镇北坡村党支部", B, Tier.GRASSROOTS, "nb_township", Domain.VILLAGE),
    ]
    for key, name, kind, tier, parent, domain in shape:
        add_organisation(county, key, name, kind, tier, parent, domain)
    for username, name, org_key, role in [
        ("nb_staff", "邻县干部", "nb_org_dept", Role.COUNTY_ORG_STAFF),
        ("nb_organiser", "邻县组织委员", "nb_township", Role.TOWNSHIP_ORGANISER),
    ]:
        person = add_person(
            county, username, name, org_key, birth=date(1980, 1, 1), username=username
        )
        roles.grant_role(
            actor=None,
            person=person,
            role=role,
            organisation=county.orgs[org_key],
            starts_on=date(2024, 1, 1),
        )
    return county
