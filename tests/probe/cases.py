"""Starting a probe case the way every test of the shared pieces does."""

from core.flowkit import services
from tests.probe.flows import ProbeFlow


def start_probe_case(county, title):
    """A probe case of the Dongcheng village branch, waiting for the township's review."""
    with services.start(
        actor=county.users["dc_branch_sec"],
        flow_class=ProbeFlow,
        organisation=county.orgs["dongcheng_village"],
        codename="act_for_branch",
        title=title,
    ) as change:
        return change.case
