import pytest

from core.cases.deadlines import open_deadline
from tests.probe.cases import start_probe_case


@pytest.fixture
def probe_case(county):
    """A probe case of the Dongcheng village branch, waiting for the township's review."""
    return start_probe_case(county)


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
