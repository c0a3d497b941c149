from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.cases.deadlines import open_deadline
from workflows.recruitment import scenario


@pytest.fixture
def watch(county):
    """Open a deadline on `case` answered by its branch, escalated to its township."""

    def watch(case, due_on, kind="reply", **kw):
        return open_deadline(
            case,
            kind=kind,
            label="Reply",
            rule="R0",
            due_on=due_on,
            responsible=case.organisation,
            escalate_to=case.township,
            **kw,
        )

    return watch


@pytest.fixture
def actors(county):
    u = county.users
    return scenario.Actors(
        u["dc_branch_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
    )


@pytest.fixture
def walk(county, actors):
    """applicant_a's development case at the Dongcheng village branch, applied 2023-06-01."""
    case = scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        actors.branch,
        date(2023, 6, 1),
    )
    return scenario.Walk(case, actors)


@pytest.fixture
def late_talk(county, actors):
    """An application received 45 days ago with no talk yet: the talk is overdue."""
    applied_on = timezone.localdate() - timedelta(days=45)
    return scenario.start(
        county.people["applicant_a"], county.orgs["dongcheng_village"], actors.branch, applied_on
    )
