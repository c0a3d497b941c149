"""Each rule of rectification as a pure function: one case it lets through, one it refuses.

Codes are those of docs/rules.md: W-codes from domain-rules.md §2.2, Z-codes
for the steps of §2.3. The services' tests show the same refusals write nothing.
"""

from datetime import date

import pytest

from tests.workflows.rectification.helpers import refused
from workflows.rectification import rules

D = date


# --- W-codes ------------------------------------------------------------------------


def test_w1_vacant_more_than_three_months_is_evidence():
    terms = [(D(2019, 1, 1), D(2023, 9, 30))]
    evidence = rules.check_secretary_vacancy(terms, D(2024, 1, 2), 3)
    assert evidence == {"vacant_since": D(2023, 10, 1), "months": 3, "on": D(2024, 1, 2)}


@pytest.mark.parametrize(
    ("terms", "on"),
    [
        ([(D(2019, 1, 1), D(2023, 9, 30))], D(2024, 1, 1)),  # exactly three months
        ([(D(2019, 1, 1), D(2023, 9, 30)), (D(2023, 12, 1), None)], D(2024, 6, 1)),  # filled
        ([], D(2024, 6, 1)),  # nobody on record: cannot be measured
    ],
    ids=["three_months", "filled", "no_record"],
)
def test_w1_refused_when_not_vacant_long_enough(terms, on):
    with refused("W1"):
        rules.check_secretary_vacancy(terms, on, 3)


def test_w5_no_admission_in_two_years_is_evidence():
    evidence = rules.check_no_development([D(2021, 5, 1)], D(2024, 3, 1), 2)
    assert evidence == {"from": D(2022, 3, 1), "to": D(2024, 3, 1), "last_admission": D(2021, 5, 1)}


def test_w5_refused_after_a_recent_admission():
    with refused("W5"):
        rules.check_no_development([D(2023, 1, 9)], D(2024, 3, 1), 2)


@pytest.mark.parametrize("code", ["W7", "W8", "W10"])
def test_referral_situations_are_confirmed_on_a_referral(code):
    rules.check_evidence(code, "referral", "", False, 1)
    with refused(code):
        rules.check_evidence(code, "referral", "A long statement of what we saw.", True, 0)


@pytest.mark.parametrize("code", ["W1", "W2", "W3", "W4", "W5", "W6", "W9"])
def test_statement_situations_need_a_written_finding_or_a_document(code):
    rules.check_evidence(code, "statement", "班子长期不团结，工作停滞。", False, 0)
    rules.check_evidence(code, "statement", "", True, 0)
    with refused(code):
        rules.check_evidence(code, "statement", "不好", False, 0)


# --- Z2.3.1 screening -----------------------------------------------------------------


def test_z2_3_1_one_annual_round_a_year():
    rules.check_round("annual", 2024, D(2024, 3, 1), False, 10)
    rules.check_round("dynamic", 2024, D(2024, 3, 1), True, 1)
    with refused("Z2.3.1"):
        rules.check_round("annual", 2024, D(2024, 3, 1), True, 10)
    with refused("Z2.3.1"):
        rules.check_round("annual", 2023, D(2024, 3, 1), False, 10)
    with refused("Z2.3.1"):
        rules.check_round("dynamic", 2024, D(2024, 3, 1), False, 0)
    with refused("Z2.3.1"):
        rules.check_round("weekly", 2024, D(2024, 3, 1), False, 5)


def test_z2_3_1_every_situation_decided_and_dismissals_explained():
    rules.check_decisions({1, 2}, {1: (True, ""), 2: (False, "核实不属实，已澄清。")}, {1, 2, 3})
    with refused("Z2.3.1"):
        rules.check_decisions({1, 2}, {1: (True, "")}, {1, 2})
    with refused("Z2.3.1"):
        rules.check_decisions({1}, {1: (False, "no")}, {1})
    with refused("Z2.3.1"):
        rules.check_decisions({1}, {1: (True, ""), 9: (True, "")}, {1})


def test_z2_3_1_referrals_while_the_check_is_open_and_list_after_it():
    rules.check_referral_open("township_check")
    rules.check_round_complete(0)
    with refused("Z2.3.1"):
        rules.check_referral_open(None)
    with refused("Z2.3.1"):
        rules.check_round_complete(2)


def test_z2_3_1_checks_are_written():
    rules.check_written("Z2.3.1", "对照十种情形逐项自查。", "report")
    with refused("Z2.3.1"):
        rules.check_written("Z2.3.1", " ", "report")


# --- Z2.3.2 and Z2.3.3 the list -----------------------------------------------------------


def test_z2_3_2_without_a_quota_every_verified_organisation_is_listed():
    assert rules.check_list({1, 2}, {1, 2}, 10, 0, "") is False
    with refused("Z2.3.2"):
        rules.check_list({1}, {1, 2}, 10, 0, "")


def test_z2_3_2_a_quota_caps_unless_the_reason_is_on_record():
    assert rules.listing_cap(20, 10) == 2
    assert rules.check_list({1, 2}, {1, 2, 3}, 20, 10, "") is False
    assert rules.check_list({1, 2, 3}, {1, 2, 3}, 20, 10, "常委会认为三个村均须整顿。") is True
    with refused("Z2.3.2"):
        rules.check_list({1, 2, 3}, {1, 2, 3}, 20, 10, "")
    with refused("Z2.3.2"):
        rules.check_list(set(), {1}, 20, 10, "")


def test_z2_3_3_listed_on_verified_situations_and_never_twice_at_once():
    rules.check_listable("东村", True, False)
    with refused("Z2.3.3"):
        rules.check_listable("东村", False, False)
    with refused("Z2.3.3"):
        rules.check_listable("东村", True, True)


def test_z2_3_8_listed_again_within_the_window_is_a_repeat():
    assert rules.is_repeat(D(2020, 4, 1), D(2025, 3, 1), 5) is True
    assert rules.is_repeat(D(2019, 4, 1), D(2025, 3, 1), 5) is False
    assert rules.is_repeat(None, D(2025, 3, 1), 5) is False


# --- Z2.3.4 plan, Z2.3.5 forces, Z2.3.6 rectification -----------------------------------------


def test_z2_3_4_every_problem_has_a_later_measure():
    planned = D(2024, 5, 1)
    good = [
        rules.PlannedMeasure(1, "补齐班子", D(2024, 8, 1)),
        rules.PlannedMeasure(2, "x", D(2024, 9, 1)),
    ]
    rules.check_plan("问题清单与整改清单对照。", {1, 2}, good, planned)
    with refused("Z2.3.4"):
        rules.check_plan("问题清单与整改清单对照。", {1, 2}, good[:1], planned)
    with refused("Z2.3.4"):
        rules.check_plan(
            "问题清单与整改清单对照。", {1}, [rules.PlannedMeasure(1, "x", planned)], planned
        )
    with refused("Z2.3.4"):
        rules.check_plan(
            "问题清单与整改清单对照。", {1}, [rules.PlannedMeasure(1, "x", None)], planned
        )
    with refused("Z2.3.4"):
        rules.check_plan("", {1, 2}, good, planned)
    with refused("Z2.3.4"):
        rules.check_plan("问题清单与整改清单对照。", {1}, good, planned)


def holder(kind, pk, *, county=True, township=False, listed=False, person=True):
    return rules.Holder(kind, pk, county, township, listed, person)


FOUR = ["county_leader", "township_leader", "stationed", "paired_unit"]
KNOWN = set(FOUR)


def forces(**changes):
    given = {
        "county_leader": holder("county_leader", 1),
        "township_leader": holder("township_leader", 2, township=True),
        "stationed": holder("stationed", 3, county=False),
        "paired_unit": holder("paired_unit", 4, person=False),
    }
    given.update(changes)
    return [h for h in given.values() if h is not None]


def test_z2_3_5_the_four_forces_are_assigned_before_rectification():
    rules.check_forces(forces(), FOUR, KNOWN)
    rules.check_forces(forces(paired_unit=None), FOUR[:3], KNOWN)


@pytest.mark.parametrize(
    "changes",
    [
        {"paired_unit": None},
        {"county_leader": holder("county_leader", 1, township=True)},
        {"township_leader": holder("township_leader", 2)},
        {"stationed": holder("stationed", 1)},
        {"stationed": holder("stationed", 3, listed=True)},
        {"paired_unit": holder("paired_unit", 4)},
    ],
    ids=[
        "missing",
        "county_from_township",
        "township_elsewhere",
        "same_person",
        "insider",
        "unit_is_person",
    ],
)
def test_z2_3_5_refused(changes):
    with refused("Z2.3.5"):
        rules.check_forces(forces(**changes), FOUR, KNOWN)


def test_z2_3_5_unknown_forces_are_refused():
    with refused("Z2.3.5"):
        rules.check_forces(forces(), [*FOUR, "work_team"], KNOWN)
    with refused("Z2.3.5"):
        rules.check_forces([*forces(), holder("work_team", 9)], FOUR, KNOWN)


def test_z2_3_6_problems_are_closed_with_evidence_and_checked():
    rules.check_problem_report("open", "按期召开支部党员大会。", True)
    rules.check_problem_check("reported", True, "")
    rules.check_problem_check("reported", False, "会议记录不全，退回补充。")
    rules.check_all_closed(0, "acceptance")
    with refused("Z2.3.6"):
        rules.check_problem_report("open", "按期召开支部党员大会。", False)
    with refused("Z2.3.6"):
        rules.check_problem_report("closed", "按期召开支部党员大会。", True)
    with refused("Z2.3.6"):
        rules.check_problem_check("reported", False, "")
    with refused("Z2.3.6"):
        rules.check_problem_check("open", True, "")
    with refused("Z2.3.6"):
        rules.check_all_closed(1, "acceptance")


# --- Z2.3.7 acceptance and delisting ------------------------------------------------------------


def votes(satisfied, basic, unsatisfied):
    return rules.Evaluation(satisfied + basic + unsatisfied, satisfied, basic, unsatisfied)


@pytest.mark.parametrize(
    ("score", "counts", "passed"),
    [
        (70, (10, 3, 2), True),  # the pass mark itself
        (69, (10, 3, 2), False),
        (95, (4, 3, 8), False),  # 8 of 15 unsatisfied: more than half fails whatever the score
        (80, (6, 2, 8), True),  # 8 of 16 is exactly half: not more than half
    ],
)
def test_z2_3_7_seventy_points_pass_unless_more_than_half_are_unsatisfied(score, counts, passed):
    assert rules.acceptance_passed(score, votes(*counts), 70, 50, 15) is passed


@pytest.mark.parametrize(
    ("score", "evaluation"),
    [
        (101, votes(10, 3, 2)),
        (80, rules.Evaluation(15, 10, 3, 1)),  # does not add up
        (80, votes(8, 3, 2)),  # 13 took part, 15 needed
    ],
)
def test_z2_3_7_refuses_numbers_that_do_not_hold(score, evaluation):
    with refused("Z2.3.7"):
        rules.acceptance_passed(score, evaluation, 70, 50, 15)


def test_z2_3_7_a_failed_acceptance_sets_a_date_and_what_is_wrong():
    rules.check_failed_acceptance(D(2024, 6, 1), D(2024, 8, 1), ["记录不全"])
    with refused("Z2.3.7"):
        rules.check_failed_acceptance(D(2024, 6, 1), None, ["记录不全"])
    with refused("Z2.3.7"):
        rules.check_failed_acceptance(D(2024, 6, 1), D(2024, 8, 1), [" "])


def test_z2_3_7_delisted_only_after_a_pass_with_every_problem_closed():
    rules.check_delisting(True, 0, D(2024, 6, 1), D(2024, 6, 8))
    with refused("Z2.3.7"):
        rules.check_delisting(False, 0, D(2024, 6, 1), D(2024, 6, 8))
    with refused("Z2.3.7"):
        rules.check_delisting(True, 1, D(2024, 6, 1), D(2024, 6, 8))
    with refused("Z2.3.7"):
        rules.check_delisting(True, 0, D(2024, 6, 1), D(2024, 5, 8))


# --- Z2.3.8 look-back ------------------------------------------------------------------------------


def test_z2_3_8_look_back_after_the_period_in_the_sample():
    rules.check_look_back(D(2024, 6, 1), D(2025, 6, 1), 12, None, 100)
    rules.check_look_back(D(2024, 6, 1), D(2025, 6, 1), 12, True, 10)
    with refused("Z2.3.8"):
        rules.check_look_back(D(2024, 6, 1), D(2025, 5, 31), 12, None, 100)
    with refused("Z2.3.8"):
        rules.check_look_back(D(2024, 6, 1), D(2025, 6, 1), 12, None, 10)


def test_z2_3_8_the_sample_is_deterministic_and_grows_with_the_share():
    cases = list(range(1, 21))
    ten = rules.look_back_sample(cases, 10)
    assert len(ten) == 2
    assert ten == rules.look_back_sample(list(reversed(cases)), 10)
    assert ten <= rules.look_back_sample(cases, 50)
    assert rules.look_back_sample(cases, 100) == set(cases)
    assert len(rules.look_back_sample([7], 10)) == 1  # never less than one


def test_z2_3_8_a_relapse_names_the_situations():
    rules.check_relapse(False, [], "走访党员群众，成果巩固。")
    rules.check_relapse(True, ["W4"], "组织生活再次停摆，群众意见大。")
    with refused("Z2.3.8"):
        rules.check_relapse(True, [], "组织生活再次停摆，群众意见大。")
    with refused("Z2.3.8"):
        rules.check_relapse(False, [], "")
