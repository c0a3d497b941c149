"""A listed organisation's problem closed item by item, clicked through in chromium: the
branch attaches its evidence, the township closes the problem, the ledger shows it."""

from datetime import date, timedelta

import pytest

from workflows.rectification import services
from workflows.rectification.models import Listing, Problem, ProblemState, RoundKind
from workflows.rectification.scenario import CaseWalk, ScreeningWalk


@pytest.fixture
def rectifying(county, settings, tmp_path):
    """The Dongcheng village branch listed after a dynamic round and waiting at rectify."""
    settings.MEDIA_ROOT = tmp_path
    village = county.orgs["dongcheng_village"]
    round_case = services.open_round(
        actor=county.users["county_staff"],
        county=county.orgs["county"],
        kind=RoundKind.DYNAMIC,
        opened_on=date(2024, 3, 1),
        organisations=[village],
    )
    walk = ScreeningWalk(
        round_case,
        targets={village.pk: [{"code": "W4", "statement": "2023年下半年未召开支部党员大会。"}]},
    )
    walk.verify_all()
    (case,) = walk.decide()
    CaseWalk(case).until(stop_before="rectify")
    return case


def test_the_township_closes_a_problem_with_evidence_and_the_ledger_shows_it(
    page_as, rectifying, tmp_path
):
    case = rectifying
    problem = Problem.objects.filter(case_id=case.pk).order_by("pk").first()
    open_before = Problem.objects.filter(case_id=case.pk).exclude(state=ProblemState.CLOSED).count()
    evidence = tmp_path / "会议记录.txt"
    evidence.write_text("支部党员大会会议记录", encoding="utf-8")
    planned_on = Listing.objects.get(case_id=case.pk).planned_on
    prefix = f"#id_p{problem.pk}"

    branch = page_as("dc_branch_sec")
    branch.goto(f"/rectification/cases/{case.pk}/")
    row = branch.locator(f"#problem-{problem.pk}")
    row.locator(f"{prefix}-done_on").fill((planned_on + timedelta(days=20)).isoformat())
    row.locator(f"{prefix}-text").fill("已召开支部党员大会，附会议记录。")
    row.locator(f"{prefix}-file").set_input_files(str(evidence))
    row.locator("button").click()
    branch.wait_for_url(f"**/rectification/cases/{case.pk}/")
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED

    township = page_as("dc_organiser")
    township.goto(f"/rectification/cases/{case.pk}/")
    row = township.locator(f"#problem-{problem.pk}")
    assert problem.report.sha256 in row.inner_text()
    row.locator(f"{prefix}-accepted").select_option("yes")
    row.locator(f"{prefix}-checked_on").fill((planned_on + timedelta(days=22)).isoformat())
    row.locator(f"{prefix}-text").fill("实地查看，整改到位。")
    row.locator("button").click()
    township.wait_for_url(f"**/rectification/cases/{case.pk}/")
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED

    township.goto("/rectification/ledger/")
    ledger_row = township.locator(f"table.ledger tr:has(a[href='/rectification/cases/{case.pk}/'])")
    cells = ledger_row.locator("td").all_inner_texts()
    # Column 17 of the ledger is the number of open problems.
    assert cells[16] == str(open_before - 1)
