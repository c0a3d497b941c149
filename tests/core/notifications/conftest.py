import pytest

from core.cases.deadlines import open_deadline
from core.flowkit import services
from tests.probe.flows import ProbeFlow


@pytest.fixture
def probe_case(county):
    """A probe case of the Dongcheng village branch, waiting for the township's review."""
    with services.start(
        actor=county.users["dc_branch_sec"],
        flow_class=ProbeFlow,
        organisation=county.orgs["dongcheng_village"],
        codename="act_for_branch",
        title="probe",
    ) as change:
        return change.case


@pytest.fixture
def watch():
    """A deadline answered by the case's branch and escalated to its township."""

    def watch(case, due_on):
        return open_deadline(
            case,
            kind="reply",
            label="Talk with the applicant",
            rule="R0",
            due_on=due_on,
            responsible=case.organisation,
            escalate_to=case.township,
        )

    return watch
