from datetime import date

import pytest

from workflows.vetting import scenario
from workflows.vetting.demo import add_departments

# Every date the tests use lies before this "today" (and in years the
# working-day calendar knows).
TODAY = date(2026, 11, 1)


@pytest.fixture
def departments(county):
    """The twelve reviewing departments of the demo county and their reviewers."""
    return add_departments(county)


@pytest.fixture
def actors(county, departments):
    u = county.users
    return scenario.Actors(
        township=u["dc_organiser"],
        county=u["county_staff"],
        branch=u["dc_branch_sec"],
        reviewers=departments.reviewers,
    )


@pytest.fixture
def village(county):
    return county.orgs["dongcheng_village"]


@pytest.fixture
def people(county):
    return county.people
