"""The rules of cadre vetting as pure functions: each V-code passes on one side of
its boundary and is refused, with its own code, on the other."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from core.flowkit.checks import check_date
from core.flowkit.errors import RuleViolation
from core.organisations.models import Domain, OrganisationKind, Tier
from workflows.vetting import rules
from workflows.vetting.rules import Answer, Item, Village

DAY = timedelta(days=1)
POSTS = {"secretary", "director"}
ITEMS = {
    "N2a": Item("N2a", None),
    "N7b": Item("N7b", 3),
    "L1": Item("L1", None, active=False),
}


def refused(rule, func, *args, **kwargs):
    with pytest.raises(RuleViolation) as info:
        func(*args, **kwargs)
    assert info.value.rule == rule
    return info.value


def test_a_step_date_is_required_not_in_the_future_and_not_before_the_step_before():
    today = date(2025, 3, 1)
    assert check_date(today, today, "x", not_before=today) == today
    refused("date", check_date, None, today, "x")
    refused("date", check_date, today + DAY, today, "x")
    refused("date", check_date, today - DAY, today, "x", not_before=today)


# --- §3a ----------------------------------------------------------------------

VILLAGE = Village(OrganisationKind.BRANCH, Tier.GRASSROOTS, Domain.VILLAGE, True)


def test_v3a_1_a_batch_is_for_a_village_or_community_of_a_township():
    rules.check_village(VILLAGE)
    rules.check_village(
        Village(OrganisationKind.GENERAL_BRANCH, Tier.GRASSROOTS, Domain.COMMUNITY, True)
    )
    refused(
        "V3a.1",
        rules.check_village,
        Village(OrganisationKind.BRANCH, Tier.GRASSROOTS, Domain.SCHOOL, True),
    )
    refused(
        "V3a.1",
        rules.check_village,
        Village(OrganisationKind.COMMITTEE, Tier.TOWNSHIP, Domain.VILLAGE, True),
    )
    refused(
        "V3a.1",
        rules.check_village,
        Village(OrganisationKind.BRANCH, Tier.GRASSROOTS, Domain.VILLAGE, False),
    )
    refused(
        "V3b.1",
        rules.check_village,
        Village(OrganisationKind.GROUP, Tier.GRASSROOTS, Domain.VILLAGE, True),
        "V3b.1",
    )


def test_v3a_1_a_batch_names_each_candidate_once_for_a_post():
    rules.check_candidates([(1, "secretary"), (2, "director")], POSTS)
    refused("V3a.1", rules.check_candidates, [], POSTS)
    refused("V3a.1", rules.check_candidates, [(1, "secretary"), (1, "director")], POSTS)
    refused("V3a.1", rules.check_candidates, [(1, "mayor")], POSTS)


def test_v3a_2_a_county_needs_reviewing_departments():
    rules.check_departments(12)
    refused("V3a.2", rules.check_departments, 0)


def test_v3a_3_a_department_answers_on_every_candidate_once():
    rules.check_answers_complete({1, 2}, [Answer(1), Answer(2, "N2a")])
    refused("V3a.3", rules.check_answers_complete, {1, 2}, [Answer(1)])
    refused("V3a.3", rules.check_answers_complete, {1, 2}, [Answer(1), Answer(1), Answer(2)])
    refused("V3a.3", rules.check_answers_complete, {1}, [Answer(1), Answer(3)])


def test_v3a_4_a_finding_cites_an_item_in_force_with_evidence():
    assert rules.check_finding(Answer(1, "N2a", evidence="判决书"), ITEMS) is ITEMS["N2a"]
    refused("V3a.4", rules.check_finding, Answer(1, "N2a", evidence="  "), ITEMS)
    refused("V3a.4", rules.check_finding, Answer(1, "X9", evidence="e"), ITEMS)
    refused("V3a.4", rules.check_finding, Answer(1, "L1", evidence="e"), ITEMS)


def test_v3a_5_a_fact_counts_only_within_the_items_look_back_years():
    reviewed = date(2025, 3, 10)
    rules.check_look_back(Answer(1, "N7b", date(2022, 3, 10), "e"), ITEMS["N7b"], reviewed)
    refused(
        "V3a.5",
        rules.check_look_back,
        Answer(1, "N7b", date(2022, 3, 9), "e"),
        ITEMS["N7b"],
        reviewed,
    )
    refused("V3a.5", rules.check_look_back, Answer(1, "N7b", None, "e"), ITEMS["N7b"], reviewed)


def test_v3a_5_an_item_without_look_back_takes_any_past_fact_but_not_a_future_one():
    reviewed = date(2025, 3, 10)
    rules.check_look_back(Answer(1, "N2a", date(1990, 1, 1), "e"), ITEMS["N2a"], reviewed)
    rules.check_look_back(Answer(1, "N2a", None, "e"), ITEMS["N2a"], reviewed)
    refused(
        "V3a.5",
        rules.check_look_back,
        Answer(1, "N2a", reviewed + DAY, "e"),
        ITEMS["N2a"],
        reviewed,
    )


def test_v3a_6_one_finding_disqualifies():
    assert rules.joint_result(0) == "passed"
    assert rules.joint_result(1) == "failed"


def test_v3a_7_the_result_is_final_after_the_publicity_and_upheld_objections_say_why():
    ends = date(2025, 4, 11)
    rules.check_result_publicity(ends, ends + DAY, {1: "举报属实"}, {1, 2})
    refused("V3a.7", rules.check_result_publicity, ends, ends, {}, {1})
    refused("V3a.7", rules.check_result_publicity, ends, ends + DAY, {1: " "}, {1})
    refused("V3a.7", rules.check_result_publicity, ends, ends + DAY, {3: "x"}, {1})


def test_v3a_8_only_a_final_passed_review_allows_a_post():
    rules.check_may_serve("passed", True)
    assert "未经资格联审" in str(refused("V3a.8", rules.check_may_serve, None, False))
    assert "未通过资格联审" in str(refused("V3a.8", rules.check_may_serve, "failed", True))
    refused("V3a.8", rules.check_may_serve, "passed", False)


def test_v3a_8_an_appointment_names_a_post_of_the_two_committees():
    rules.check_post("director", POSTS)
    refused("V3a.8", rules.check_post, "reserve", POSTS)


# --- §3b ----------------------------------------------------------------------


def test_v3b_1_filing_needs_a_passed_review():
    rules.check_may_serve("passed", True, "V3b.1")
    refused("V3b.1", rules.check_may_serve, "failed", True, "V3b.1")


def test_v3b_2_the_county_replies_in_writing_after_the_filing():
    filed = date(2025, 5, 6)
    rules.check_reply(filed, filed, "同意。")
    refused("V3b.2", rules.check_reply, filed, filed - DAY, "同意。")
    refused("V3b.2", rules.check_reply, filed, filed, "")


def test_v3b_3_appointment_follows_the_countys_agreeing_reply():
    replied = date(2025, 5, 10)
    rules.check_appointment_after_reply(replied, True, replied)
    refused("V3b.3", rules.check_appointment_after_reply, replied, True, replied - DAY)
    refused("V3b.3", rules.check_appointment_after_reply, replied, False, replied + DAY)
    refused("V3b.3", rules.check_appointment_after_reply, None, True, replied)


def test_v3b_4_the_result_is_filed_after_the_appointment():
    appointed = date(2025, 5, 12)
    rules.check_result_filing(appointed, appointed)
    refused("V3b.4", rules.check_result_filing, appointed, appointed - DAY)


def test_v3b_5_the_term_is_audited_at_its_end_or_when_the_secretary_leaves():
    ends = date(2030, 5, 12)
    rules.check_term_audit(ends, ends, False, "任期经济责任审计：未发现问题。")
    rules.check_term_audit(ends, ends - DAY, True, "离任审计：未发现问题。")
    refused("V3b.5", rules.check_term_audit, ends, ends - DAY, False, "提前审计。")
    refused("V3b.5", rules.check_term_audit, ends, ends, False, " ")


# --- §3c ----------------------------------------------------------------------


def test_v3c_1_each_check_is_written_and_a_problem_is_described():
    rules.check_check_result(True, "无问题。")
    rules.check_check_result(False, "个人有关事项漏报房产一处。")
    refused("V3c.1", rules.check_check_result, True, "")
    refused("V3c.1", rules.check_check_result, False, " ")


def test_v3c_1_the_decision_waits_for_all_four_checks_clear():
    rules.check_all_checks(dict.fromkeys(rules.FOUR_CHECKS, True))
    refused("V3c.1", rules.check_all_checks, {"file": True, "discipline": True})
    refused(
        "V3c.1",
        rules.check_all_checks,
        {**dict.fromkeys(rules.FOUR_CHECKS, True), "petitions": False},
    )


def test_v3c_2_two_thirds_of_the_members_attend():
    share = rules.attendance_fraction("2/3")
    assert share == Fraction(2, 3)
    rules.check_attendance(9, 6, share)  # exactly two thirds: 三分之二以上 includes it
    refused("V3c.2", rules.check_attendance, 9, 5, share)
    refused("V3c.2", rules.check_attendance, 7, 4, share)  # 4 < 14/3
    rules.check_attendance(7, 5, share)
    refused("V3c.2", rules.check_attendance, 9, 10, share)
    refused("V3c.2", rules.attendance_fraction, "two thirds")
    refused("V3c.2", rules.attendance_fraction, "3/2")


def test_v3c_3_approval_needs_more_than_half_of_the_members_expected():
    assert rules.check_decision("approve", 9, 7, 5, 2, 0) == "approve"
    # 4 of 7 present is a majority of those present but not of the 9 expected.
    refused("V3c.3", rules.check_decision, "approve", 9, 7, 4, 3, 0)
    rules.check_decision("reject", 9, 7, 4, 3, 0)
    refused("V3c.3", rules.check_decision, "reject", 9, 7, 5, 2, 0)
    rules.check_decision("defer", 9, 7, 5, 2, 0)
    refused("V3c.3", rules.check_decision, "approve", 9, 7, 5, 2, 1)  # 8 votes, 7 present
    refused("V3c.3", rules.check_decision, "maybe", 9, 7, 5, 2, 0)


def test_v3c_3_a_party_committee_decides():
    rules.check_deciding_body(OrganisationKind.COMMITTEE)
    refused("V3c.3", rules.check_deciding_body, OrganisationKind.DEPARTMENT)


def test_v3c_4_publicity_is_closed_after_its_last_day():
    ends = date(2025, 10, 11)
    rules.check_publicity_over(ends, ends + DAY)
    refused("V3c.4", rules.check_publicity_over, ends, ends)


def test_v3c_5_objections_are_written_during_publicity_and_suspend_until_resolved():
    started = date(2025, 9, 29)
    rules.check_objection(started, started, "反映该同志……")
    refused("V3c.5", rules.check_objection, started, started - DAY, "反映")
    refused("V3c.5", rules.check_objection, started, started, "")
    rules.check_resolution(started, started + DAY, "经核查，反映不属实。")
    refused("V3c.5", rules.check_resolution, started, started - DAY, "x")
    refused("V3c.5", rules.check_resolution, started, started, "")
    rules.check_no_open_objections(0)
    refused("V3c.5", rules.check_no_open_objections, 1)


def test_v3c_6_probation_lasts_a_year_and_ends_on_a_written_assessment():
    appointed = date(2025, 10, 13)
    assert rules.probation_ends(appointed) == date(2026, 10, 13)
    rules.check_probation_review(appointed, date(2026, 10, 13), True, "称职。")
    rules.check_probation_review(appointed, date(2026, 10, 13), False, "不胜任，免去试任职务。")
    refused("V3c.6", rules.check_probation_review, appointed, date(2026, 10, 12), True, "称职。")
    refused("V3c.6", rules.check_probation_review, appointed, date(2026, 10, 13), False, "")


# --- §3d ----------------------------------------------------------------------


def test_v3d_1_the_county_examines_a_reserve_cadre_through_the_joint_review():
    rules.check_may_serve("passed", True, "V3d.1")
    refused("V3d.1", rules.check_may_serve, None, False, "V3d.1")


@pytest.mark.parametrize("nomination", ["self", "members", "masses"])
def test_v3d_2_a_reserve_cadre_is_nominated_in_one_of_three_ways(nomination):
    rules.check_nomination(nomination, "村党组织推荐。")


def test_v3d_2_a_nomination_says_how_and_is_written():
    refused("V3d.2", rules.check_nomination, "township", "推荐。")
    refused("V3d.2", rules.check_nomination, "self", "")


def test_v3d_3_a_yearly_review_follows_the_last_and_is_written():
    entered = date(2025, 1, 10)
    rules.check_yearly_review(entered, date(2026, 1, 10), "合格。")
    refused("V3d.3", rules.check_yearly_review, entered, entered, "合格。")
    refused("V3d.3", rules.check_yearly_review, entered, date(2026, 1, 10), "")
