"""A department's answer to a joint review, clicked through in chromium: the court's
reviewer finds the referral waiting, records a finding against one candidate, and
the county organisation department sees it on the batch."""

from datetime import date

import pytest
from viewflow.workflow.status import STATUS

from workflows.vetting import services
from workflows.vetting.demo import add_departments
from workflows.vetting.flows import JointReviewFlow
from workflows.vetting.models import Candidate, DepartmentFunction, Post, Referral, Verdict

EVIDENCE = "（2026）示执字第7号，列入失信被执行人名单，至今未履行。"


@pytest.fixture
def dispatched(county):
    """A Dongcheng batch of two candidates, sent to the twelve departments."""
    add_departments(county)
    people = county.people
    case = services.submit_batch(
        actor=county.users["dc_organiser"],
        village=county.orgs["dongcheng_village"],
        purpose="election",
        candidates=[(people["member_a"], Post.SECRETARY), (people["member_b"], Post.DIRECTOR)],
        submitted_on=date(2026, 9, 1),
    )
    services.complete(
        actor=county.users["county_staff"],
        task=case.task_set.get(flow_task=JointReviewFlow.dispatch, status=STATUS.NEW),
        dispatched_on=date(2026, 9, 3),
    )
    return case


def test_the_court_records_a_finding_and_the_county_sees_it(page_as, dispatched, county):
    referral = Referral.objects.get(
        batch__case=dispatched, department__function=DepartmentFunction.COURT
    )
    task = referral.case.task_set.get(status=STATUS.NEW)
    failed = Candidate.objects.get(batch__case=dispatched, person=county.people["member_b"])
    passed = Candidate.objects.get(batch__case=dispatched, person=county.people["member_a"])

    court = page_as("court_officer")
    court.goto("/vetting/")
    court.click(f"a[href='/vetting/tasks/{task.pk}/']")
    court.wait_for_url(f"**/vetting/tasks/{task.pk}/")
    court.fill("#id_answered_on", "2026-09-08")
    court.select_option(f"#id_c{passed.pk}_item", "clear")
    court.select_option(f"#id_c{failed.pk}_item", "N9c")
    court.fill(f"#id_c{failed.pk}_evidence", EVIDENCE)
    court.click("form.step button")
    court.wait_for_url(f"**/vetting/cases/{referral.case_id}/")
    verdict = Verdict.objects.get(referral=referral, candidate=failed)
    assert (verdict.item.code, verdict.evidence) == ("N9c", EVIDENCE)

    staff = page_as("county_staff")
    staff.goto(f"/vetting/cases/{dispatched.pk}/")
    assert EVIDENCE in staff.content()
    assert "N9c" in staff.content()
