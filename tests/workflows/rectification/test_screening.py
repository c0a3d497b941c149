"""Screening (排查) and the list (确定): rounds, proposals with evidence, referrals, the
three levels of checks, and the county's decision. Refusals write nothing."""

from datetime import date

import pytest

from core.audit.models import AuditEvent
from core.flowkit.errors import NotPermitted
from core.roles import services as roles
from core.roles.catalogue import Role
from tests.workflows.rectification.helpers import (
    OPENED,
    W4_BY_TOWNSHIP,
    admitted,
    check_of,
    open_annual,
    refused_unchanged,
    unchanged,
)
from workflows.rectification import services
from workflows.rectification.models import (
    Decision,
    Department,
    DocumentKind,
    Finding,
    OrganisationCheck,
    RoundKind,
    Source,
)
from workflows.rectification.scenario import ScreeningWalk, actor_for, open_task

pytestmark = pytest.mark.django_db


def codes(check, **filters):
    return sorted(check.findings.filter(**filters).values_list("situation__code", flat=True))


def do(task, **fields):
    return services.complete(actor=actor_for(task), task=task, **fields)


# --- Opening a round: proposals with their evidence --------------------------------------------


def test_an_annual_round_checks_every_branch_with_proposals_and_evidence(staffed):
    county = staffed
    admitted(county.orgs["xishan_village"], date(2023, 1, 10))
    round_case = open_annual(county)
    screening = round_case.screeninground
    assert screening.covered == 10
    assert OrganisationCheck.objects.filter(round=screening).count() == 10

    school = check_of(round_case, county.orgs["dongcheng_school"])
    w1 = school.findings.get(situation__code="W1")
    assert w1.source == Source.SYSTEM
    assert w1.evidence == {"vacant_since": "2023-10-01", "months": 3, "on": "2024-03-01"}
    assert "2023-10-01" in w1.statement
    w5 = school.findings.get(situation__code="W5")
    assert w5.evidence == {"from": "2022-03-01", "to": "2024-03-01", "last_admission": None}
    # W4 cannot be read from PartyFlow's records: said so, not proposed.
    assert "无法比对" in school.unavailable["W4"]
    assert codes(school) == ["W1", "W5"]

    # An admission approved within two years: no W5; a secretary in post: no W1.
    assert codes(check_of(round_case, county.orgs["xishan_village"])) == []
    assert codes(check_of(round_case, county.orgs["dongcheng_village"])) == ["W5"]

    start = AuditEvent.objects.filter(case=school.case, action="record_added").get()
    assert [p["code"] for p in start.data["proposals"]] == ["W1", "W5"]
    assert start.data["unavailable"].keys() == {"W4"}
    opened = AuditEvent.objects.filter(case=round_case, action="record_added").get()
    assert len(opened.data["covered"]) == len(opened.data["checks"]) == 10


def test_without_a_secretary_on_record_w1_is_said_to_be_unavailable(county, open_dynamic):
    round_case = open_dynamic("dongcheng_enterprise")
    check = check_of(round_case, county.orgs["dongcheng_enterprise"])
    assert set(check.unavailable) == {"W1", "W4"}
    assert codes(check) == ["W5"]


def test_z2_3_1_one_annual_round_per_year_and_only_the_county_opens_one(staffed):
    open_annual(staffed)
    with refused_unchanged("Z2.3.1"):
        open_annual(staffed, opened_on=date(2024, 9, 1))
    with unchanged(NotPermitted):
        services.open_round(
            actor=staffed.users["dc_organiser"],
            county=staffed.orgs["county"],
            kind=RoundKind.ANNUAL,
            opened_on=date(2025, 3, 1),
        )


def test_z2_3_1_a_dynamic_round_covers_branches_of_the_townships_only(county, open_dynamic):
    with refused_unchanged("Z2.3.1"):
        open_dynamic("dongcheng")
    with refused_unchanged("Z2.3.1"):
        open_dynamic()


# --- Referrals -------------------------------------------------------------------------------------


def test_a_department_officer_refers_from_their_department(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village")
    finding = services.refer(
        actor=county.users["discipline_officer"],
        screening=round_case.screeninground,
        organisation=county.orgs["dongcheng_village"],
        department=county.orgs["discipline"],
        department_kind=Department.DISCIPLINE,
        code="W10",
        received_on=date(2024, 3, 4),
        text="换届中存在拉票问题线索，已立案。",
    )
    assert (finding.source, finding.situation.code) == (Source.REFERRAL, "W10")
    event = AuditEvent.objects.filter(case=finding.org_check.case, step="referral").get()
    assert (event.actor_role, event.actor_organisation) == (
        "department_reviewer",
        county.orgs["discipline"],
    )
    assert event.data["documents"][0]["kind"] == DocumentKind.REFERRAL


def referral(county, round_case, **changes):
    fields = {
        "actor": county.users["county_staff"],
        "screening": round_case.screeninground,
        "organisation": county.orgs["dongcheng_village"],
        "department": county.orgs["police"],
        "department_kind": Department.POLICE,
        "code": "W7",
        "received_on": date(2024, 3, 5),
        "text": "县公安局移交：“村霸”干扰村务线索。",
    }
    return services.refer(**{**fields, **changes})


def test_referrals_are_refused_from_outside_or_after_the_check(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village")
    with unchanged(NotPermitted):
        referral(county, round_case, actor=county.users["dc_organiser"])
    with unchanged(NotPermitted):
        referral(county, round_case, actor=county.users["discipline_officer"])  # not their dept
    with refused_unchanged("Z2.3.1"):
        referral(county, round_case, department=county.orgs["dongcheng"])
    with refused_unchanged("Z2.3.1"):
        referral(county, round_case, organisation=county.orgs["xishan_village"])
    ScreeningWalk(round_case).verify_all()
    with refused_unchanged("Z2.3.1"):
        referral(county, round_case)


# --- The three levels ------------------------------------------------------------------------------


@pytest.fixture
def at_township(county, open_dynamic):
    """The village branch's check after its self-check, with PartyFlow's W5 pending."""
    round_case = open_dynamic("dongcheng_village")
    check = check_of(round_case, county.orgs["dongcheng_village"])
    task = open_task(check.case)
    do(task, checked_on=date(2024, 3, 10), report="对照十种情形逐项自查，形成自查报告。")
    return check


def township(check, **fields):
    task = open_task(check.case)
    base = {"checked_on": date(2024, 3, 20), "report": "乡镇党委复查，听取党员群众意见。"}
    return do(task, **{**base, **fields})


def w5(check):
    return check.findings.get(situation__code="W5")


def test_z2_3_1_self_check_is_written(county, open_dynamic):
    check = check_of(open_dynamic("dongcheng_village"), county.orgs["dongcheng_village"])
    with refused_unchanged("Z2.3.1"):
        do(open_task(check.case), checked_on=date(2024, 3, 10), report="无")


def test_z2_3_1_the_township_decides_every_situation_and_says_why_it_dismisses(at_township):
    with refused_unchanged("Z2.3.1"):
        township(at_township, decisions={})
    with refused_unchanged("Z2.3.1"):
        township(at_township, decisions={w5(at_township).pk: (False, "")})
    township(
        at_township, decisions={w5(at_township).pk: (False, "2023年已发展党员一名，档案在县里。")}
    )
    finding = w5(at_township)
    assert finding.township_decision == Decision.DISMISSED
    assert open_task(at_township.case).flow_task.name == "county_check"


def test_w5_the_proposal_is_read_again_when_confirmed(county, at_township):
    admitted(county.orgs["dongcheng_village"], date(2024, 3, 15))
    with refused_unchanged("W5"):
        township(at_township, decisions={w5(at_township).pk: (True, "")})


def test_w7_is_confirmed_on_a_department_referral(county, at_township):
    raised = {"code": "W7", "statement": "村民反映有人把持村务，欺压群众。"}
    decide_w5 = {w5(at_township).pk: (True, "")}
    with refused_unchanged("W7"):
        township(at_township, decisions=decide_w5, findings=[raised])
    referral(county, at_township.round.case)
    police = at_township.findings.get(source=Source.REFERRAL)
    township(at_township, decisions={**decide_w5, police.pk: (True, "")}, findings=[raised])
    assert codes(at_township, township_decision=Decision.CONFIRMED) == ["W5", "W7", "W7"]


def test_w2_raised_by_the_township_needs_a_written_finding(at_township):
    decide_w5 = {w5(at_township).pk: (True, "")}
    with refused_unchanged("W2"):
        township(at_township, decisions=decide_w5, findings=[{"code": "W2", "statement": "不行"}])
    township(
        at_township,
        decisions=decide_w5,
        findings=[{"code": "W2", "statement": "书记年老体弱，长期不在村，工作不在状态。"}],
    )


def test_w1_the_vacancy_is_read_again_when_the_county_verifies(staffed):
    county = staffed
    round_case = services.open_round(
        actor=county.users["county_staff"],
        county=county.orgs["county"],
        kind=RoundKind.DYNAMIC,
        opened_on=OPENED,
        organisations=[county.orgs["dongcheng_school"]],
    )
    walk = ScreeningWalk(round_case, targets={county.orgs["dongcheng_school"].pk: []})
    check = check_of(round_case, county.orgs["dongcheng_school"])
    walk.step(check)
    walk.step(check)
    roles.grant_role(
        actor=None,
        person=county.people["dongcheng_school_org"],
        role=Role.BRANCH_SECRETARY,
        organisation=county.orgs["dongcheng_school"],
        starts_on=date(2024, 3, 25),
    )
    with refused_unchanged("W1"):
        walk.step(check)


def test_the_county_may_confirm_what_the_township_dismissed(at_township):
    township(at_township, decisions={w5(at_township).pk: (False, "乡镇认为不属实，但理由不足。")})
    do(
        open_task(at_township.case),
        checked_on=date(2024, 3, 30),
        report="县级核实：近两年确未发展党员。",
        decisions={w5(at_township).pk: (True, "")},
    )
    finding = Finding.objects.get(pk=w5(at_township).pk)
    assert (finding.township_decision, finding.county_decision) == ("dismissed", "confirmed")


def test_the_county_may_raise_a_situation_itself(at_township):
    township(at_township, decisions={w5(at_township).pk: (True, "")})
    do(
        open_task(at_township.case),
        checked_on=date(2024, 3, 30),
        report="县级核实：近两年确未发展党员。",
        decisions={w5(at_township).pk: (True, "")},
        findings=[{"code": "W9", "statement": "群众满意度测评仅为52%，年度考核末位。"}],
    )
    raised = at_township.findings.get(situation__code="W9")
    assert (raised.source, raised.township_decision, raised.county_decision) == (
        Source.COUNTY,
        "",
        "confirmed",
    )


# --- The list ----------------------------------------------------------------------------------------


def decide(round_case, listed, **fields):
    base = {"decided_on": date(2024, 4, 10), "minutes": "县委常委会专题研究，确定名单。"}
    return do(open_task(round_case), listed=listed, **{**base, **fields})


def test_z2_3_1_the_list_waits_for_every_verification(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village", "xishan_village")
    walk = ScreeningWalk(round_case, targets={county.orgs["dongcheng_village"].pk: []})
    village = check_of(round_case, county.orgs["dongcheng_village"])
    while open_task(village.case) is not None:
        walk.step(village)
    with refused_unchanged("Z2.3.1"):
        decide(round_case, [county.orgs["dongcheng_village"]])
    walk.verify_all()
    decide(round_case, [county.orgs["dongcheng_village"]])


def test_z2_3_2_without_a_quota_every_verified_organisation_is_listed(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village", "xishan_village")
    targets = {county.orgs["dongcheng_village"].pk: [], county.orgs["xishan_village"].pk: []}
    ScreeningWalk(round_case, targets=targets).verify_all()
    with refused_unchanged("Z2.3.2"):
        decide(round_case, [county.orgs["dongcheng_village"]])
    decide(round_case, [county.orgs["dongcheng_village"], county.orgs["xishan_village"]])
    assert round_case.screeninground.listings.count() == 2


def test_z2_3_2_listing_beyond_the_ratio_needs_the_reason(county, open_dynamic, rule_pack):
    rule_pack(**{"rectification.listing_ratio_percent": 10})
    round_case = open_dynamic("dongcheng_village", "xishan_village")
    targets = {county.orgs["dongcheng_village"].pk: [], county.orgs["xishan_village"].pk: []}
    ScreeningWalk(round_case, targets=targets).verify_all()
    both = [county.orgs["dongcheng_village"], county.orgs["xishan_village"]]
    with refused_unchanged("Z2.3.2"):
        decide(round_case, both)
    decide(round_case, both, over_ratio_reason="两个村问题突出，常委会决定一并整顿。")
    event = AuditEvent.objects.filter(case=round_case, action="task_completed").get()
    assert (event.data["cap"], event.data["over_ratio"]) == (1, True)


def test_z2_3_3_the_county_lists_only_on_verified_situations(county, open_dynamic):
    round_case = open_dynamic("dongcheng_village", "xishan_village")
    ScreeningWalk(round_case, targets={county.orgs["dongcheng_village"].pk: []}).verify_all()
    with refused_unchanged("Z2.3.3"):
        decide(round_case, [county.orgs["dongcheng_village"], county.orgs["xishan_village"]])


def test_z2_3_3_a_listed_organisation_is_not_screened_or_listed_again_meanwhile(
    county, listed, open_dynamic
):
    with refused_unchanged("Z2.3.3"):
        open_dynamic("dongcheng_village", opened_on=date(2024, 5, 1))
    round_case = services.open_round(
        actor=county.users["county_staff"],
        county=county.orgs["county"],
        kind=RoundKind.ANNUAL,
        opened_on=date(2024, 5, 1),
    )
    covered = AuditEvent.objects.filter(case=round_case, action="record_added").get().data
    assert covered["skipped_under_rectification"] == [county.orgs["dongcheng_village"].pk]
    assert round_case.screeninground.covered == 9


def test_the_list_starts_a_case_per_organisation_with_its_problem_list(county, listed):
    listing = listed.listing
    assert listing.basis == "screening"
    assert (listing.listed_on, listing.repeat, listing.earlier_id) == (
        date(2024, 4, 10),
        False,
        None,
    )
    problems = listed.rectification_problems.order_by("situation__order")
    assert [p.situation.code for p in problems] == ["W4", "W5"]
    assert problems[0].text == W4_BY_TOWNSHIP["statement"]
    assert open_task(listed).flow_task.name == "assign_forces"
    assert listed.organisation == county.orgs["dongcheng_village"]
