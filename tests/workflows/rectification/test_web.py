"""整顿软弱涣散 from the browser: the issue's check through the pages, the ledger download
matching the page, refusals with their rule codes, and users out of scope refused
with nothing written.

Pages asserted on their English text are requested in English, so the tests
keep passing once the Chinese catalogue translates them.
"""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.audit.models import AuditEvent
from core.cases.models import Case
from tests.workflows.rectification.helpers import W4_BY_TOWNSHIP, snapshot, step_body
from workflows.rectification import ledger
from workflows.rectification.flows import RectificationFlow, ScreeningRoundFlow
from workflows.rectification.models import (
    Acceptance,
    Document,
    Listing,
    Problem,
    ProblemState,
    ScreeningRound,
)
from workflows.rectification.scenario import (
    CaseWalk,
    ScreeningWalk,
    acting_user,
    actor_for,
    open_task,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DAY = timedelta(days=1)
OPENED = date(2024, 3, 1)


def page(client, url):
    response = client.get(url, **EN)
    assert response.status_code == 200, url
    return response.content.decode()


def do_step(client_as, task, fields):
    """The step's user fills in its page; the page answers with the case."""
    name = task.flow_task.name
    client = client_as(actor_for(task))
    url = f"/rectification/tasks/{task.pk}/"
    assert page(client, url)
    response = client.post(url, step_body(name, fields), **EN)
    assert response.status_code == 302, re.findall(
        r'class="(?:refusal|errorlist)[^>]*>(.*?)</', response.content.decode(), re.S
    )
    return name


def evidence(name="evidence.txt"):
    return SimpleUploadedFile(name, "整改佐证：会议记录和照片".encode(), content_type="text/plain")


def close_problems_on_the_page(client_as, case, on):
    """The branch reports each open problem with a file; the township closes it."""
    branch = client_as(acting_user("act_for_branch", case.organisation))
    township = client_as(acting_user("review_for_township", case.township))
    for problem in Problem.objects.filter(case_id=case.pk, state=ProblemState.OPEN):
        prefix = f"p{problem.pk}"
        response = branch.post(
            f"/rectification/problems/{problem.pk}/report/",
            {
                f"{prefix}-done_on": on.isoformat(),
                f"{prefix}-text": "已按整改措施完成，附会议记录和照片。",
                f"{prefix}-file": evidence(f"problem-{problem.pk}.txt"),
            },
        )
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.state == ProblemState.REPORTED
        assert problem.report.sha256 in page(township, f"/rectification/cases/{case.pk}/")
        response = township.post(
            f"/rectification/problems/{problem.pk}/check/",
            {
                f"{prefix}-accepted": "yes",
                f"{prefix}-checked_on": (on + 3 * DAY).isoformat(),
                f"{prefix}-text": "实地查看，整改到位。",
            },
        )
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.state == ProblemState.CLOSED


def sheet(data):
    rows = list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def screen_on_the_pages(county, client_as):
    """A screening round in the demo county opened, referred to, checked at three levels and
    decided on the pages; returns the round case and the listed cases by organisation."""
    users, orgs = county.users, county.orgs
    village, school = orgs["dongcheng_village"], orgs["dongcheng_school"]
    staff = client_as(users["county_staff"])
    assert "Open a screening round" in page(staff, "/rectification/")
    response = staff.post(
        "/rectification/rounds/open/",
        {"kind": "annual", "opened_on": OPENED.isoformat(), "text": "年度排查通知"},
    )
    assert response.status_code == 302
    round_case = Case.objects.get(flow_class=ScreeningRoundFlow)
    screening = ScreeningRound.objects.get(case=round_case)
    assert response.url == f"/rectification/rounds/{screening.pk}/"

    # Every organisation's check, with PartyFlow's proposals and their evidence.
    shown = page(staff, f"/rectification/rounds/{screening.pk}/")
    for check in screening.checks.all():
        assert check.case.organisation.name in shown
    school_w1 = screening.checks.get(case__organisation=school).findings.get(situation__code="W1")
    assert school_w1.evidence["vacant_since"] == "2023-10-01"
    assert "vacant_since=2023-10-01" in shown
    assert school_w1.statement in shown
    for check in screening.checks.all():  # W4: each check says why it is not proposed
        assert check.unavailable["W4"] in shown
    village_w5 = screening.checks.get(case__organisation=village).findings.get(situation__code="W5")
    assert village_w5.statement in shown

    # The police's referral, recorded by the county.
    response = staff.post(
        f"/rectification/rounds/{screening.pk}/refer/",
        {
            "organisation": village.pk,
            "department": orgs["police"].pk,
            "department_kind": "police",
            "code": "W7",
            "received_on": "2024-03-05",
            "text": "县公安局移交：该村存在“村霸”干扰村务问题线索。",
        },
    )
    assert response.status_code == 302
    assert "W7" in page(staff, f"/rectification/rounds/{screening.pk}/")

    # Self-check, township re-check, county verification: each on its step page.
    walk = ScreeningWalk(round_case, targets={village.pk: [W4_BY_TOWNSHIP], school.pk: []})
    for check in walk.checks():
        while (task := open_task(check.case)) is not None:
            do_step(client_as, task, walk.fields(task.flow_task.name, check))

    # The list: the page states the ratio in force (none by default).
    task = open_task(round_case)
    assert "none (every verified organisation is listed)" in page(
        staff, f"/rectification/tasks/{task.pk}/"
    )
    do_step(
        client_as,
        task,
        {
            "decided_on": OPENED + 40 * DAY,
            "minutes": "县委常委会专题研究，确定软弱涣散基层党组织名单。",
            "listed": [village, school],
        },
    )
    cases = {
        listing.case.organisation_id: listing.case
        for listing in Listing.objects.filter(round=screening)
    }
    assert set(cases) == {village.pk, school.pk}
    return round_case, cases


def test_the_issue_check_through_the_pages(staffed, client_as):
    county = staffed
    village = county.orgs["dongcheng_village"]
    staff = client_as(county.users["county_staff"])
    _round_case, cases = screen_on_the_pages(county, client_as)
    case = cases[village.pk]
    url = f"/rectification/cases/{case.pk}/"
    assert sorted(p.situation.code for p in Problem.objects.filter(case_id=case.pk)) == [
        "W4",
        "W5",
        "W7",
    ]

    walk = CaseWalk(case, relapse=["W4"])
    while (task := open_task(case)) is not None:
        name = task.flow_task.name
        if name == "rectify":
            last = Acceptance.objects.filter(case_id=case.pk).order_by("-held_on").first()
            close_problems_on_the_page(
                client_as, case, (last.held_on if last else walk.listing.planned_on) + 30 * DAY
            )
        do_step(client_as, task, walk.fields(name))
        shown = page(staff, url)
        if name == "assign_forces":
            for force in case.rectification_forces.all():
                assert force.holder in shown
        if name == "make_plan":
            for problem in Problem.objects.filter(case_id=case.pk):
                assert problem.measures.get().text in shown
        if name == "acceptance":
            verdict = Acceptance.objects.filter(case_id=case.pk).latest()
            assert ("passed" if verdict.passed else "failed") in shown

    # Failed once, then passed; delisted; the look-back found a relapse.
    assert [a.passed for a in Acceptance.objects.filter(case_id=case.pk)] == [False, True]
    listing = Listing.objects.get(case_id=case.pk)
    assert listing.delisted_on
    assert listing.look_back == "relapsed"
    relisted = Listing.objects.get(earlier_id=case.pk)
    assert relisted.repeat
    assert relisted.case.organisation_id == village.pk
    again = page(staff, f"/rectification/cases/{relisted.case_id}/")
    assert "Listed twice" in again
    assert url in again
    assert f"/rectification/cases/{relisted.case_id}/" in page(staff, url)
    # Every problem of the first case was closed with a file whose hash is on record.
    for problem in Problem.objects.filter(case_id=case.pk):
        assert problem.state == ProblemState.CLOSED
        assert len(problem.report.sha256) == 64

    # The ledger: the page and its download show the same cases, with the same filter.
    shown = page(staff, "/rectification/ledger/")
    header, rows = sheet(staff.get("/rectification/ledger.xlsx", **EN).content)
    expected = ledger.ledger_rows(county.users["county_staff"])
    assert [row[0] for row in rows] == [row.case for row in expected]
    assert len(expected) == 3
    assert all(f"/rectification/cases/{row.case}/" in shown for row in expected)
    assert list(header) == [str(title) for title in ledger.columns()]
    closed = staff.get("/rectification/ledger.xlsx?stage=look_back", **EN).content
    _header, look_back = sheet(closed)
    assert [row[0] for row in look_back] == [
        row.case for row in expected if row.step == "look_back"
    ]


def test_refusals_on_the_pages_name_the_rule_and_write_nothing(
    county, client_as, listed, case_walk
):
    staff = client_as(county.users["county_staff"])
    task = open_task(listed)
    fields = case_walk.fields("assign_forces")
    fields["forces"].pop("paired_unit")
    before = snapshot()
    response = staff.post(
        f"/rectification/tasks/{task.pk}/", step_body("assign_forces", fields), **EN
    )
    assert response.status_code == 400
    assert "[Z2.3.5]" in response.content.decode()
    assert snapshot() == before

    case_walk.until(stop_before="rectify")
    problem = case_walk.problems().first()
    branch = client_as(county.users["dc_branch_sec"])
    before = snapshot()
    response = branch.post(
        f"/rectification/problems/{problem.pk}/report/",
        {f"p{problem.pk}-done_on": "2024-06-01", f"p{problem.pk}-text": "已整改完毕，但未附材料。"},
        **EN,
    )
    assert response.status_code == 400
    assert "[Z2.3.6]" in response.content.decode()
    assert snapshot() == before


def test_out_of_scope_users_are_refused_and_nothing_changes(county, client_as, listed, case_walk):
    """xs_organiser on a 东城 case gets 404; a branch secretary on the county's pages 403/404."""
    case_walk.until(stop_before="rectify")
    problem = case_walk.problems().first()
    forces_done = Listing.objects.get(case_id=listed.pk).forces_assigned_on
    task = open_task(listed)
    round_case = Listing.objects.get(case_id=listed.pk).round.case
    before = (snapshot(), AuditEvent.objects.count(), Document.objects.count())

    outsider = client_as(county.users["xs_organiser"])
    assert outsider.get(f"/rectification/cases/{listed.pk}/").status_code == 404
    assert outsider.get(f"/rectification/tasks/{task.pk}/").status_code == 404
    assert outsider.post(f"/rectification/tasks/{task.pk}/", {}).status_code == 404
    assert outsider.get(f"/rectification/rounds/{round_case.pk}/").status_code == 404
    check = f"/rectification/problems/{problem.pk}/check/"
    body = {f"p{problem.pk}-accepted": "yes", f"p{problem.pk}-checked_on": "2024-06-01"}
    assert outsider.post(check, body).status_code == 404
    assert listed.title not in page(outsider, "/rectification/ledger/")
    _header, rows = sheet(outsider.get("/rectification/ledger.xlsx").content)
    assert rows == []

    branch = client_as(county.users["dc_branch_sec"])
    assert branch.get("/rectification/rounds/open/").status_code == 403
    assert branch.post("/rectification/rounds/open/", {"kind": "dynamic"}).status_code == 403
    assert branch.post("/rectification/look-back/draw/", {"on": "2025-01-01"}).status_code == 403
    decide = round_case.task_set.order_by("-pk").first()
    assert branch.get(f"/rectification/tasks/{decide.pk}/").status_code == 404
    assert branch.get(f"/rectification/rounds/{round_case.pk}/refer/").status_code == 403
    assert branch.post(check, body).status_code == 403  # the township checks
    rectify = open_task(listed)
    assert branch.post(f"/rectification/tasks/{rectify.pk}/", {}).status_code == 403

    assert (snapshot(), AuditEvent.objects.count(), Document.objects.count()) == before
    assert Listing.objects.get(case_id=listed.pk).forces_assigned_on == forces_done
    assert Case.objects.filter(flow_class=RectificationFlow).count() == 1


def test_the_county_draws_the_look_back_sample_from_the_ledger(
    county, client_as, case_walk, rule_pack
):
    rule_pack(**{"rectification.look_back_share_percent": 100})
    case_walk.until(stop_before="look_back")
    staff = client_as(county.users["county_staff"])
    assert "Draw the look-back sample" in page(staff, "/rectification/ledger/")
    before = snapshot()
    future = (date.today() + DAY).isoformat()
    assert staff.post("/rectification/look-back/draw/", {"on": future}).status_code == 400
    assert snapshot() == before

    response = staff.post("/rectification/look-back/draw/", {"on": date.today().isoformat()})
    assert response.status_code == 302
    assert Listing.objects.get(case_id=case_walk.case.pk).look_back_sampled is True
    assert open_task(case_walk.case).flow_task.name == "look_back"
