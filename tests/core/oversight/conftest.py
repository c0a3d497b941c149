"""A township's worth of cases for the oversight figures.

東城 (dongcheng): two admissions approved on the same day in the village branch
(one young graduate, one older person with junior-high schooling), one
application whose talk is overdue and one just received; 西山 (xishan): one
application, which must never show in 东城's figures.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.demo import add_person
from core.people.choices import Education, PartyStatus
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
