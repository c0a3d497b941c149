"""§3d reserve cadres: village nomination, township shortlist, county
examination through the joint review, the pool, the yearly review."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from core.audit.models import AuditEvent
from core.cases.models import Deadline, DeadlineState
from core.flowkit.errors import RuleViolation
from tests.workflows.vetting.conftest import TODAY
from workflows.vetting import scenario, services
from workflows.vetting.models import Purpose, ReserveDossier

NOMINATED = date(2025, 1, 6)


@pytest.fixture
def walk(actors, village, people):
    case = services.nominate_reserve(
        actor=actors.branch,
        village=village,
        person=people["member_b"],
        nominated_on=NOMINATED,
        nomination="members",
        text="党员推荐，村党支部研究同意。",
        today=TODAY,
    )
    return scenario.Walk(case, actors, TODAY)


def refused(rule, walk, **overrides):
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as info:
        walk.step(**overrides)
    assert info.value.rule == rule
    assert AuditEvent.objects.count() == before


def test_the_county_examines_only_after_the_joint_review(walk, actors, village, people):
    walk.until(stop_before="examine")
    refused("V3d.1", walk)
    scenario.joint_review(
        actors,
        village,
        [people["member_b"]],
        date(2025, 1, 13),
        purpose=Purpose.RESERVE,
        today=TODAY,
    )
    walk.step()
    d = ReserveDossier.objects.get(case=walk.case)
    assert d.entered_on == d.shortlisted_on + relativedelta(days=20)
    deadline = Deadline.objects.get(case=walk.case, kind="yearly_review", state=DeadlineState.OPEN)
    assert deadline.due_on == d.entered_on + relativedelta(months=12)
    assert deadline.responsible == walk.case.township


def test_a_reserve_cadre_is_reviewed_every_year_until_leaving_the_pool(
    walk, actors, village, people
):
    scenario.joint_review(
        actors,
        village,
        [people["member_b"]],
        date(2024, 12, 2),
        purpose=Purpose.RESERVE,
        today=TODAY,
    )
    walk.until(stop_before="yearly_review")
    refused("V3d.3", walk, text="")
    walk.step()
    assert walk.open_task().flow_task.name == "yearly_review"
    walk.step(keep=False, reviewed_on=date(2026, 6, 1), text="已当选村委会委员，出库。")
    d = ReserveDossier.objects.get(case=walk.case)
    assert d.left_on == d.last_reviewed_on
    assert walk.open_task() is None
    assert not Deadline.objects.filter(case=walk.case, state=DeadlineState.OPEN).exists()


def test_a_nomination_says_who_recommended(actors, village, people):
    with pytest.raises(RuleViolation) as info:
        services.nominate_reserve(
            actor=actors.branch,
            village=village,
            person=people["member_b"],
            nominated_on=NOMINATED,
            nomination="township",
            text="镇里指定。",
            today=TODAY,
        )
    assert info.value.rule == "V3d.2"
    assert not ReserveDossier.objects.exists()


def test_a_township_may_leave_a_nominee_off_the_shortlist(walk):
    walk.step(shortlisted=False, text="民主测评未达到要求。")
    assert walk.open_task() is None
