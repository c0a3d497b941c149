import pytest
from django.utils import translation

from core.flowkit import services
from tests.probe.flows import ProbeFlow


@pytest.fixture
def start_probe(county):
    """Start a probe case (the township reviews it) at a branch, as that branch."""

    def start(org="dongcheng_village", actor="dc_branch_sec", subject="applicant_a"):
        with services.start(
            actor=county.users[actor],
            flow_class=ProbeFlow,
            organisation=county.orgs[org],
            codename="act_for_branch",
            title=f"probe at {org}",
            subject=county.people[subject],
        ) as change:
            return change.case

    return start


@pytest.fixture(autouse=True)
def _keep_language():
    """LocaleMiddleware leaves a request's language active in the thread after it."""
    with translation.override(translation.get_language()):
        yield
