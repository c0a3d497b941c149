"""Starting a probe case the way every test of the shared pieces does."""

from viewflow.workflow.models import Task

from core.flowkit import services
from tests.probe.flows import ProbeFlow

# The demo county's secretary of each branch a probe case is started at.
SECRETARY_OF = {
    "dongcheng_village": "dc_branch_sec",
    "dongcheng_community_1": "dc_community_sec",
    "xishan_village": "xs_branch_sec",
}


def start_probe_case(county, org="dongcheng_village", actor=None, subject=None, title=None):
    """A probe case of a branch, started by its secretary, waiting for the township's review.

    `actor` a user or a username, to start it as someone else; `subject` the key
    of the demo person the case is about.
    """
    actor = actor or SECRETARY_OF[org]
    with services.start(
        actor=county.users[actor] if isinstance(actor, str) else actor,
        flow_class=ProbeFlow,
        organisation=county.orgs[org],
        codename="act_for_branch",
        title=title or f"probe at {org}",
        subject=county.people[subject] if subject else None,
    ) as change:
        return change.case


def review_of(case):
    """The township's review step a probe case waits at."""
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)
