from datetime import date

import pytest

from workflows.recruitment import scenario


@pytest.fixture
def actors(county):
    u = county.users
    return scenario.Actors(
        u["dc_branch_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
    )


@pytest.fixture
def case(county, actors):
    """applicant_a's application, received by the Dongcheng village branch on 2023-06-01."""
    return scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        actors.branch,
        date(2023, 6, 1),
    )


@pytest.fixture
def walk(case, actors):
    return scenario.Walk(case, actors)
