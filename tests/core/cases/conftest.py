from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.cases.deadlines import open_deadline
from core.flowkit import services
from tests.probe.flows import ProbeFlow
from workflows.recruitment import scenario


@pytest.fixture
def start_probe(county):
    """A probe case at the Dongcheng village branch: deadlines without a procedure's own;
    `subject` the key of a demo person the case is about."""

    def start(org="dongcheng_village", subject=None):
        with services.start(
            actor=county.users["dc_branch_sec"],
            flow_class=ProbeFlow,
            organisation=county.orgs[org],
            codename="act_for_branch",
            title="probe",
            subject=county.people[subject] if subject else None,
        ) as change:
            return change.case

    return start


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
