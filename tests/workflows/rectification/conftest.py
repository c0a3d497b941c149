from datetime import date

import pytest

from core.rulepack.models import RulePack
from tests.workflows.rectification.helpers import OPENED, W4_BY_TOWNSHIP
from workflows.rectification import services
from workflows.rectification.demo import staff_branches
from workflows.rectification.models import RoundKind
from workflows.rectification.scenario import CaseWalk, ScreeningWalk


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staffed(county):
    """The demo county with someone to do every organisation's self-check, and the
    Dongcheng school branch without a secretary since 2023-10-01."""
    staff_branches(county)
    return county


@pytest.fixture
def rule_pack():
    """Set rule-pack values in force from 2000 on."""
    versions = iter(range(1, 100))

    def set_values(**values):
        return RulePack.objects.create(
            version=next(versions), effective_from=date(2000, 1, 1), values=values, note="test"
        )

    return set_values


@pytest.fixture
def open_dynamic(county):
    """Open a dynamic round on 2024-03-01 over the organisations named by key."""

    def open_round(*keys, opened_on=OPENED):
        return services.open_round(
            actor=county.users["county_staff"],
            county=county.orgs["county"],
            kind=RoundKind.DYNAMIC,
            opened_on=opened_on,
            organisations=[county.orgs[key] for key in keys],
        )

    return open_round


@pytest.fixture
def listed(county, open_dynamic):
    """The Dongcheng village branch listed on 2024-04-10, after a dynamic round in which
    PartyFlow proposed W5 and the township added W4."""
    village = county.orgs["dongcheng_village"]
    walk = ScreeningWalk(open_dynamic("dongcheng_village"), targets={village.pk: [W4_BY_TOWNSHIP]})
    walk.verify_all()
    (case,) = walk.decide()
    return case


@pytest.fixture
def case_walk(listed):
    return CaseWalk(listed)
