"""Who may do what: the organisation its self-check, its township the re-check, plan,
rectification and problem checks, the county the rest. Another township's officer
is answered as if the case did not exist; nothing is written on any refusal."""

from datetime import date

import pytest

from core.flowkit.errors import NotPermitted, NotVisible
from tests.workflows.rectification.helpers import check, report, unchanged
from workflows.rectification import ledger, services
from workflows.rectification.scenario import ScreeningWalk, open_task

pytestmark = pytest.mark.django_db


def do_as(user, case, walk_fields):
    task = open_task(case)
    return services.complete(actor=user, task=task, **walk_fields)


def test_self_check_only_by_the_organisation(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village")
    walk = ScreeningWalk(round_case)
    checked = walk.checks().get()
    fields = walk.fields("self_check", checked)
    with unchanged(NotVisible):
        do_as(county.users["xs_branch_sec"], checked.case, fields)
    with unchanged(NotVisible):
        do_as(county.users["dc_community_sec"], checked.case, fields)
    with unchanged(NotPermitted):
        do_as(county.users["county_staff"], checked.case, fields)  # sees it, may not act
    do_as(county.users["dc_branch_org"], checked.case, fields)


def test_township_steps_only_by_the_cases_township(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village")
    walk = ScreeningWalk(round_case)
    checked = walk.checks().get()
    walk.step(checked)
    fields = walk.fields("township_check", checked)
    with unchanged(NotVisible):
        do_as(county.users["xs_organiser"], checked.case, fields)
    with unchanged(NotVisible):
        do_as(county.users["discipline_officer"], checked.case, fields)
    with unchanged(NotPermitted):
        do_as(county.users["dc_branch_sec"], checked.case, fields)
    do_as(county.users["dc_organiser"], checked.case, fields)
    fields = walk.fields("county_check", checked)
    with unchanged(NotPermitted):
        do_as(county.users["dc_organiser"], checked.case, fields)  # the county verifies
    do_as(county.users["county_staff"], checked.case, fields)


def test_rectification_steps_and_problems_refuse_another_township(county, case_walk):
    forces = case_walk.fields("assign_forces")
    with unchanged(NotVisible):
        do_as(county.users["xs_organiser"], case_walk.case, forces)
    with unchanged(NotPermitted):
        do_as(county.users["dc_organiser"], case_walk.case, forces)
    case_walk.until(stop_before="make_plan")
    plan = case_walk.fields("make_plan")
    with unchanged(NotVisible):
        do_as(county.users["xs_organiser"], case_walk.case, plan)
    case_walk.until(stop_before="rectify")
    problem = case_walk.problems().first()
    with unchanged(NotVisible):
        report(case_walk, problem, actor=county.users["xs_branch_sec"])
    with unchanged(NotPermitted):
        report(case_walk, problem, actor=county.users["dc_organiser"])  # the branch reports
    report(case_walk, problem)
    with unchanged(NotVisible):
        check(case_walk, problem, actor=county.users["xs_organiser"])
    with unchanged(NotPermitted):
        check(case_walk, problem, actor=county.users["dc_branch_sec"])
    check(case_walk, problem)


def test_the_look_back_sample_is_drawn_by_the_county_only(county, listed):
    with unchanged(NotPermitted):
        services.select_for_look_back(
            actor=county.users["dc_organiser"], county=county.orgs["county"], on=date(2025, 6, 1)
        )


def test_the_ledger_shows_each_user_their_part_only(county, listed):
    assert [row.case for row in ledger.ledger_rows(county.users["county_staff"])] == [listed.pk]
    assert [row.case for row in ledger.ledger_rows(county.users["dc_organiser"])] == [listed.pk]
    assert [row.case for row in ledger.ledger_rows(county.users["dc_branch_sec"])] == [listed.pk]
    assert ledger.ledger_rows(county.users["xs_organiser"]) == []
    assert ledger.ledger_rows(county.users["dc_community_sec"]) == []
    assert ledger.ledger_rows(county.users["discipline_officer"]) == []
