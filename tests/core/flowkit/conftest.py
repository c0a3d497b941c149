import pytest

from core.flowkit import services
from tests.probe.flows import ProbeFlow


@pytest.fixture
def start_probe(county):
    def start(actor=None, org="dongcheng_village"):
        with services.start(
            actor=actor or county.users["dc_branch_sec"],
            flow_class=ProbeFlow,
            organisation=county.orgs[org],
            codename="act_for_branch",
            title="probe",
        ) as change:
            return change.case

    return start
