"""The cadre-vetting API: same forms, same services, same refusals as the pages
(400 {rule, detail} or {errors}, 403, 404, 409), and nothing written on any."""

from datetime import date

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.flowkit.selectors import OPEN
from tests.workflows.vetting.conftest import TODAY
from workflows.vetting import scenario, services
from workflows.vetting.models import (
    Appointment,
    Batch,
    Candidate,
    DepartmentFunction,
    Objection,
    Post,
    Referral,
    Verdict,
)

F = DepartmentFunction
EVIDENCE = "（2025）示执字第9号，列入失信被执行人名单。"


def writes():
    return (
        AuditEvent.objects.count(),
        Appointment.objects.count(),
        Verdict.objects.count(),
        Batch.objects.count(),
        Objection.objects.count(),
    )


def refused(client, url, body, status, rule=None):
    before = writes()
    response = client.post(url, body, format="json")
    assert response.status_code == status, response.content
    if rule:
        assert response.json()["rule"] == rule
    assert writes() == before
    return response


@pytest.fixture
def concluded(actors, village, people):
    """member_a passed; the court found against member_b."""
    findings = {(F.COURT, people["member_b"].pk): {"item": "N9c", "evidence": EVIDENCE}}
    walk = scenario.joint_review(
        actors,
        village,
        [people["member_a"], people["member_b"]],
        date(2025, 3, 3),
        posts=[Post.SECRETARY, Post.DIRECTOR],
        findings=findings,
    )
    return walk.case


def submitted(actors, village, people):
    return services.submit_batch(
        actor=actors.township,
        village=village,
        purpose="election",
        candidates=[(people["member_a"], Post.SECRETARY), (people["member_b"], Post.DIRECTOR)],
        submitted_on=date(2026, 9, 1),
    )


def complete_url(task):
    return reverse("api-vetting-complete", args=[task.pk])


def test_each_user_lists_the_cases_in_their_sight(api_as, concluded, county, departments):
    url = reverse("api-vetting-cases")
    court_review = Referral.objects.get(department__function=F.COURT).case_id
    staff = {c["id"] for c in api_as(county.users["county_staff"]).get(url).json()["results"]}
    assert {concluded.pk, court_review} <= staff
    township = {c["id"] for c in api_as(county.users["dc_organiser"]).get(url).json()["results"]}
    assert township == {concluded.pk}
    court = {c["id"] for c in api_as(departments.reviewers[F.COURT]).get(url).json()["results"]}
    assert court == {court_review}
    assert api_as(county.users["xs_organiser"]).get(url).json()["results"] == []


def test_a_township_submits_a_batch_and_the_departments_answer(
    api_as, county, departments, village, people
):
    township = api_as(county.users["dc_organiser"])
    body = {
        "village": village.pk,
        "purpose": "election",
        "submitted_on": "2026-09-01",
        "candidates": [
            {"person": people["member_a"].pk, "post": Post.SECRETARY},
            {"person": people["member_b"].pk, "post": Post.DIRECTOR},
        ],
    }
    response = township.post(reverse("api-vetting-batch"), body, format="json")
    assert response.status_code == 201, response.content
    case = Batch.objects.get().case
    assert [c["person"]["id"] for c in response.json()["dossier"]["candidates"]] == [
        people["member_a"].pk,
        people["member_b"].pk,
    ]
    dispatch = Task.objects.get(process_id=case.pk, status=STATUS.NEW)
    refused(township, complete_url(dispatch), {"dispatched_on": "2026-09-03"}, 403)
    staff = api_as(county.users["county_staff"])
    response = staff.post(complete_url(dispatch), {"dispatched_on": "2026-09-03"}, format="json")
    assert response.status_code == 200, response.content
    refused(staff, complete_url(dispatch), {"dispatched_on": "2026-09-03"}, 409)
    # The batch now waits on the departments: no step of its own is open.
    response = staff.get(reverse("api-case-detail", args=[case.pk]))
    assert response.status_code == 200, response.content
    assert response.json()["open_steps"] == []

    referral = Referral.objects.get(batch__case=case, department__function=F.COURT)
    task = referral.case.task_set.get(status=STATUS.NEW)
    candidates = {c.person_id: c.pk for c in Candidate.objects.all()}
    finding = {"candidate": candidates[people["member_b"].pk], "item": "N9c"}
    answers = [{"candidate": candidates[people["member_a"].pk], "item": ""}, finding]
    court = api_as(departments.reviewers[F.COURT])
    body = {"answered_on": "2026-09-08", "answers": answers}
    refused(court, complete_url(task), body, 400, rule="V3a.4")
    refused(api_as(departments.reviewers[F.POLICE]), complete_url(task), body, 404)
    refused(court, complete_url(task), {**body, "answers": answers[:1]}, 400)
    finding["evidence"] = EVIDENCE
    response = court.post(complete_url(task), body, format="json")
    assert response.status_code == 200, response.content
    verdict = Verdict.objects.get(item__isnull=False)
    assert (verdict.candidate.person, verdict.item.code, verdict.evidence) == (
        people["member_b"],
        "N9c",
        EVIDENCE,
    )


def test_a_batch_is_refused_for_a_school_and_out_of_scope(api_as, county, people):
    body = {
        "purpose": "election",
        "submitted_on": "2026-09-01",
        "candidates": [{"person": people["member_a"].pk, "post": Post.SECRETARY}],
    }
    url = reverse("api-vetting-batch")
    dongcheng_village = county.orgs["dongcheng_village"].pk
    refused(api_as(county.users["xs_organiser"]), url, {**body, "village": dongcheng_village}, 403)
    township = api_as(county.users["dc_organiser"])
    refused(township, url, {**body, "village": dongcheng_village, "candidates": []}, 400)
    refused(township, url, {**body, "village": county.orgs["dongcheng"].pk}, 400)


def test_department_verdicts_are_read_by_the_department_and_the_county_only(
    api_as, concluded, county, departments
):
    court_review = Referral.objects.get(department__function=F.COURT).case_id
    url = reverse("api-vetting-verdicts", args=[court_review])
    for user in (departments.reviewers[F.COURT], county.users["county_staff"]):
        verdicts = api_as(user).get(url).json()
        assert [v["evidence"] for v in verdicts if v["item"]] == [EVIDENCE]
    for user in (departments.reviewers[F.POLICE], county.users["dc_organiser"]):
        assert api_as(user).get(url).status_code == 404
    township_view = api_as(county.users["dc_organiser"]).get(
        reverse("api-case-detail", args=[concluded.pk])
    )
    assert EVIDENCE not in township_view.content.decode()
    assert "N9c" in township_view.content.decode()


def test_appointing_an_unreviewed_or_a_failed_candidate_is_refused(
    api_as, concluded, county, village, people
):
    township = api_as(county.users["dc_organiser"])
    url = reverse("api-vetting-appoint")
    body = {"village": village.pk, "post": Post.COMMITTEE_MEMBER, "appointed_on": "2025-06-02"}
    for person in (people["masses_a"], people["member_b"]):
        refused(township, url, {**body, "person": person.pk}, 400, rule="V3a.8")
    other = api_as(county.users["xs_organiser"])
    refused(other, url, {**body, "person": people["member_a"].pk}, 403)
    response = township.post(url, {**body, "person": people["member_a"].pk}, format="json")
    assert response.status_code == 201, response.content
    assert Appointment.objects.get().person == people["member_a"]


def test_objections_during_publicity(api_as, county, actors):
    case = services.propose_selection(
        actor=actors.county,
        committee=county.orgs["county"],
        person=county.people["dc_organiser"],
        post="东城镇党委副书记",
        unit=county.orgs["dongcheng"],
        proposed_on=date(2025, 9, 1),
        text="动议。",
        today=TODAY,
    )
    walk = scenario.Walk(case, actors, TODAY)
    url = reverse("api-vetting-objection", args=[case.pk])
    body = {"received_on": "2025-09-30", "text": "反映该同志个人事项漏报。"}
    staff = api_as(county.users["county_staff"])
    refused(staff, url, body, 400, rule="V3c.5")  # before the publicity
    close = walk.until(stop_before="close_publicity")
    refused(api_as(county.users["xs_organiser"]), url, body, 404)
    refused(api_as(county.users["auditor"]), url, body, 403)
    response = staff.post(url, body, format="json")
    assert response.status_code == 201, response.content
    objection = Objection.objects.get()
    closing = {"closed_on": "2025-10-13"}
    refused(staff, complete_url(close), closing, 400, rule="V3c.5")
    resolve = reverse("api-vetting-resolve", args=[objection.pk])
    resolution = {
        "resolved_on": "2025-10-10",
        "decision": "dismissed",
        "text": "经核实，已如实报告。",
    }
    response = staff.post(resolve, resolution, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["upheld"] is False
    refused(staff, resolve, resolution, 409)
    response = staff.post(complete_url(close), closing, format="json")
    assert response.status_code == 200, response.content
    assert not Task.objects.filter(
        process_id=case.pk, flow_task__endswith="close_publicity", status__in=OPEN
    ).exists()
