"""§3b village party secretary: proposal, joint review passed, filing with the
county before appointment, written reply, appointment, filing of the result."""

from datetime import date, timedelta

import pytest
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.flowkit.errors import NotPermitted, NotVisible, RuleViolation
from core.flowkit.selectors import OPEN
from tests.workflows.vetting.conftest import TODAY
from workflows.vetting import scenario, services
from workflows.vetting.models import Appointment, Post, SecretaryDossier

PROPOSED = date(2025, 5, 6)
DAY = timedelta(days=1)


@pytest.fixture
def reviewed(actors, village, people):
    """member_a passed a joint review for the Dongcheng village secretary post."""
    return scenario.joint_review(
        actors, village, [people["member_a"]], date(2025, 3, 3), posts=[Post.SECRETARY], today=TODAY
    )


def propose(actors, village, person):
    case = services.propose_secretary(
        actor=actors.township,
        village=village,
        person=person,
        proposed_on=PROPOSED,
        text="镇党委会研究，拟推荐该同志任村党组织书记。",
        today=TODAY,
    )
    return scenario.Walk(case, actors, TODAY)


def open_step(walk):
    task = Task.objects.filter(process=walk.case, status__in=OPEN).first()
    return task.flow_task.name if task else None


def refused(rule, walk, **overrides):
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as info:
        walk.step(**overrides)
    assert info.value.rule == rule
    assert AuditEvent.objects.count() == before


def test_a_secretary_is_filed_with_the_county_before_appointment(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.until(stop_before="term_audit")
    d = SecretaryDossier.objects.get(case=walk.case)
    assert d.proposed_on < d.filed_on < d.replied_on < d.appointed_on < d.result_filed_on
    appointment = Appointment.objects.get(case=walk.case)
    assert (appointment.person, appointment.post) == (people["member_a"], Post.SECRETARY)
    steps = list(
        AuditEvent.objects.filter(case=walk.case, action="task_completed").values_list(
            "step", "actor_role"
        )
    )
    assert steps == [
        ("file_with_county", "township_organiser"),
        ("county_reply", "county_org_staff"),
        ("appoint", "township_organiser"),
        ("file_result", "county_org_staff"),
    ]
    assert open_step(walk) == "term_audit"
    assert verify(chain=f"case:{walk.case.pk}").ok


def test_v3b_5_the_term_is_audited_when_it_ends(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.until(stop_before="term_audit")
    d = SecretaryDossier.objects.get(case=walk.case)
    assert d.term_ends_on == date(d.appointed_on.year + 5, d.appointed_on.month, d.appointed_on.day)
    watched = walk.case.deadlines.get(kind="term_audit", state="open")
    assert (watched.due_on, watched.rule, watched.is_earliest) == (d.term_ends_on, "V3b.5", True)
    later = scenario.Walk(walk.case, actors, d.term_ends_on + 30 * DAY)
    refused("V3b.5", later, audited_on=d.term_ends_on - DAY)
    later.step()
    assert open_step(walk) is None
    d.refresh_from_db()
    assert d.audited_on == d.term_ends_on + 10 * DAY
    assert not walk.case.deadlines.filter(state="open").exists()


def test_v3b_5_a_secretary_leaving_early_is_audited_then(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.until(stop_before="term_audit")
    d = SecretaryDossier.objects.get(case=walk.case)
    walk.step(audited_on=d.result_filed_on + 30 * DAY, left_office=True, text="离任审计：无问题。")
    assert open_step(walk) is None


def test_filing_without_a_passed_joint_review_is_refused(actors, village, people):
    walk = propose(actors, village, people["masses_a"])
    refused("V3b.1", walk)
    assert open_step(walk) == "file_with_county"


def test_the_county_replies_in_writing(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.step()
    refused("V3b.2", walk, text="")


def test_the_county_may_refuse_and_nobody_is_appointed(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.step()
    walk.step(agreed=False, text="该同志群众基础较弱，不同意。")
    assert open_step(walk) is None
    assert not Appointment.objects.exists()


def test_the_appointment_cannot_predate_the_reply(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.until(stop_before="appoint")
    d = SecretaryDossier.objects.get(case=walk.case)
    refused("V3b.3", walk, appointed_on=d.filed_on)


def test_the_result_is_filed_after_the_appointment(reviewed, actors, village, people):
    walk = propose(actors, village, people["member_a"])
    walk.until(stop_before="file_result")
    d = SecretaryDossier.objects.get(case=walk.case)
    refused("V3b.4", walk, filed_on=d.replied_on)


def test_another_township_cannot_propose_or_file(reviewed, actors, village, people, county):
    other = scenario.Actors(county.users["xs_organiser"], actors.county, actors.branch)
    with pytest.raises(NotPermitted):
        propose(other, village, people["member_a"])
    walk = propose(actors, village, people["member_a"])
    with pytest.raises(NotVisible):
        scenario.Walk(walk.case, other, TODAY).step()
