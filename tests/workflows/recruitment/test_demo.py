"""The demo's member-development cases: one waiting at each main step, some late."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from viewflow.workflow.models import Task

from core.audit.chain import verify
from core.cases.models import Deadline, DeadlineState
from core.people.choices import PartyStatus
from workflows.recruitment import rules
from workflows.recruitment.demo import STORIES, load_recruitment_demo, whereabouts
from workflows.recruitment.flows import RecruitmentFlow
from workflows.recruitment.models import Dossier, Outcome, Recruitment

pytestmark = pytest.mark.django_db

WAITING_AT = {
    "talk",
    "choose_activist",
    "cultivate",
    "choose_development_object",
    "political_review",
    "publicise_object",
    "prereview",
    "admission_meeting",
    "approval",
    "probation",
    "conversion_meeting",
}


def where(case):
    """The open step's name, or the end the case reached."""
    return Task.objects.filter(process_id=case.pk).order_by("pk").last().flow_task.name


# A month's end, when month arithmetic clamps days, a few months after Spring Festival.
@pytest.mark.parametrize("today", [date(2026, 3, 31), date(2025, 10, 9)])
def test_the_demo_has_a_case_waiting_at_each_main_step(county, today):
    loaded = load_recruitment_demo(county, today)
    assert loaded.stalled == []
    places = {where(case): case for case in loaded.cases}
    assert set(places) == WAITING_AT | {"end", "closed"}
    assert len(loaded.cases) == len(places)
    assert {case.township.code for case in loaded.cases} == {"dongcheng", "xishan"}

    for case in loaded.cases:
        person, dossier = case.subject, Dossier.objects.get(case=case)
        assert person.organisation == case.organisation
        assert rules.age_on(person.birth_date, dossier.applied_on) >= rules.ADULT_AGE
        assert dossier.applied_on <= today

    overdue = Deadline.objects.filter(state=DeadlineState.OPEN, overdue_at__isnull=False)
    assert {(d.case_id, d.kind) for d in overdue} == {
        (places["talk"].pk, "talk"),
        (places["cultivate"].pk, "evaluation"),
        (places["approval"].pk, "approval"),
    }
    assert Dossier.objects.get(case=places["closed"]).outcome == Outcome.NOT_CHOSEN
    assert Dossier.objects.get(case=places["end"]).outcome == Outcome.FULL_MEMBER
    places["end"].subject.refresh_from_db()
    assert places["end"].subject.party_status == PartyStatus.FULL
    assert [cases for _, cases, _ in whereabouts(loaded.cases)] == [1] * 13
    assert sum(late for _, _, late in whereabouts()) == 3
    report = verify()
    assert report.ok, report.breaks


def test_load_demo_loads_once_and_prints_the_cases_by_step():
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    first = out.getvalue()
    assert "dc_branch_sec" in first
    assert "Member development cases by step" in first
    assert Recruitment.objects.filter(flow_class=RecruitmentFlow).count() == len(STORIES)
    assert Deadline.objects.filter(overdue_at__isnull=False).exists()

    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    assert "demo data already loaded" in out.getvalue()
    assert Recruitment.objects.filter(flow_class=RecruitmentFlow).count() == len(STORIES)
    assert verify().ok
