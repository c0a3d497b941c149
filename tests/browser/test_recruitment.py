"""One day's member-development work of a branch, a township and the county,
clicked through in chromium."""

from datetime import date, timedelta

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.flowkit.selectors import OPEN
from workflows.recruitment import scenario
from workflows.recruitment.models import Record, RecordKind


@pytest.fixture
def actors(county):
    u = county.users
    return scenario.Actors(
        u["dc_branch_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
    )


def _open_step(case):
    return Task.objects.get(process_id=case.pk, status__in=OPEN)


def _do_from_inbox(page, task):
    """Find the step in 'Waiting for me' on the home page and open it."""
    page.goto("/")
    page.click(f"a[href='/recruitment/tasks/{task.pk}/']")
    page.wait_for_url(f"**/recruitment/tasks/{task.pk}/")


def test_branch_secretary_records_an_application_and_the_talk(page_as, county):
    person = county.people["applicant_a"]
    page = page_as("dc_branch_sec")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.click("a[href='/recruitment/']")
    page.click("a[href^='/recruitment/start/']")
    page.check("input[name=applicant][value=existing]")
    page.select_option("#id_person", str(person.pk))
    applied_on = date.today() - timedelta(days=20)
    page.fill("#id_applied_on", applied_on.isoformat())
    page.fill("#id_text", "本人志愿加入中国共产党。")
    page.click("main form button")
    page.wait_for_url("**/recruitment/cases/*/")

    case = person.cases.get()
    talk = _open_step(case)
    assert talk.flow_task.name == "talk"
    _do_from_inbox(page, talk)
    page.fill("#id_talked_on", (applied_on + timedelta(days=10)).isoformat())
    page.fill("#id_talker", "李建国")
    page.fill("#id_text", "了解入党动机，提出努力方向。")
    page.click("form.step button")
    page.wait_for_url(f"**/recruitment/cases/{case.pk}/")

    talk.refresh_from_db()
    assert talk.status == STATUS.DONE
    assert Record.objects.filter(case_id=case.pk, kind=RecordKind.TALK).exists()
    assert page.locator(".ok").count() == 1  # the case's history verifies


def test_township_organiser_files_an_activist_from_the_inbox(page_as, county, actors):
    case = scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        actors.branch,
        date(2023, 6, 1),
    )
    walk = scenario.Walk(case, actors)
    task = walk.until("file_activist")
    page = page_as("dc_organiser")

    page.goto("/recruitment/")
    assert page.locator(f"a[href='/recruitment/cases/{case.pk}/']").count() >= 1
    _do_from_inbox(page, task)
    page.fill("#id_filed_on", walk.fields("file_activist")["filed_on"].isoformat())
    page.click("form.step button")
    page.wait_for_url(f"**/recruitment/cases/{case.pk}/")

    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert _open_step(case).flow_task.name == "assign_contacts"


def test_county_staff_files_an_admission_and_another_township_sees_nothing(page_as, county, actors):
    case = scenario.start(
        county.people["applicant_a"],
        county.orgs["dongcheng_village"],
        actors.branch,
        date(2023, 6, 1),
    )
    walk = scenario.Walk(case, actors)
    task = walk.until("county_filing")
    page = page_as("county_staff")
    _do_from_inbox(page, task)
    page.fill("#id_filed_on", walk.fields("county_filing")["filed_on"].isoformat())
    page.click("form.step button")
    page.wait_for_url(f"**/recruitment/cases/{case.pk}/")
    task.refresh_from_db()
    assert task.status == STATUS.DONE

    events = AuditEvent.objects.count()
    outsider = page_as("xs_organiser")
    response = outsider.goto(f"/recruitment/cases/{case.pk}/")
    assert response.status == 404
    assert outsider.locator(f"a[href='/recruitment/cases/{case.pk}/']").count() == 0
    assert AuditEvent.objects.count() == events
