"""The rules of member development as pure functions: each R-code passes on one
side of its boundary and is refused, with its own code, on the other."""

from datetime import date, timedelta

import pytest

from core.flowkit.checks import check_date
from core.flowkit.errors import RuleViolation
from core.organisations.models import OrganisationKind
from core.people.choices import Discipline, PartyStatus
from workflows.recruitment import rules
from workflows.recruitment.rules import Member, Votes

DAY = timedelta(days=1)
FULL, PROBATIONARY = PartyStatus.FULL, PartyStatus.PROBATIONARY


def refused(rule, func, *args, **kwargs):
    with pytest.raises(RuleViolation) as info:
        func(*args, **kwargs)
    assert info.value.rule == rule
    return info.value


# --- dates and calendar months -------------------------------------------------


def test_a_calendar_month_from_the_31st_ends_on_the_last_day_of_the_next_month():
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_a_step_date_is_required_not_in_the_future_and_not_before_the_step_before():
    today = date(2025, 3, 1)
    assert check_date(today, today, "x", not_before=today) == today
    refused("date", check_date, None, today, "x")
    refused("date", check_date, today + DAY, today, "x")
    refused("date", check_date, today - DAY, today, "x", not_before=today)


# --- R1.1 / R1.2 / R1.3 application -------------------------------------------


def test_r1_1_an_applicant_is_18_on_the_application_date():
    born = date(2003, 1, 9)
    refused("R1.1", rules.check_age, born, date(2021, 1, 8))  # 17 years 364 days
    rules.check_age(born, date(2021, 1, 9))


def test_r1_1_someone_born_on_29_february_turns_18_on_1_march():
    born = date(2004, 2, 29)
    refused("R1.1", rules.check_age, born, date(2022, 2, 28))
    rules.check_age(born, date(2022, 3, 1))


@pytest.mark.parametrize("status", [PartyStatus.PROBATIONARY, PartyStatus.FULL])
def test_r1_1_a_member_does_not_apply(status):
    refused("R1.1", rules.check_may_apply, status)


@pytest.mark.parametrize("status", [PartyStatus.MASSES, PartyStatus.APPLICANT])
def test_r1_1_a_non_member_applies(status):
    rules.check_may_apply(status)


@pytest.mark.parametrize("kind", [OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH])
def test_r1_2_a_branch_of_the_persons_unit_receives_the_application(kind):
    rules.check_where_applied(kind, person_in_branch=True)


def test_r1_2_a_committee_or_another_units_branch_does_not_receive_it():
    refused("R1.2", rules.check_where_applied, OrganisationKind.COMMITTEE, True)
    refused("R1.2", rules.check_where_applied, OrganisationKind.BRANCH, False)


def test_r1_3_the_talk_is_due_one_calendar_month_after_the_application():
    assert rules.talk_due(date(2023, 6, 1)) == date(2023, 7, 1)
    assert rules.talk_due(date(2023, 1, 31)) == date(2023, 2, 28)


def test_r1_3_a_talk_on_the_last_day_of_the_month_needs_no_reason():
    rules.check_talk(date(2023, 6, 1), date(2023, 7, 1), "")


def test_r1_3_a_talk_a_day_late_is_refused_without_a_reason_and_accepted_with_one():
    refused("R1.3", rules.check_talk, date(2023, 6, 1), date(2023, 7, 2), "")
    refused("R1.3", rules.check_talk, date(2023, 6, 1), date(2023, 7, 2), "   ")
    rules.check_talk(date(2023, 6, 1), date(2023, 7, 2), "书记外出学习。")


# --- R1.4 / R1.5 / R1.7 activists -----------------------------------------------


@pytest.mark.parametrize("nomination", ["members", "mass_organisation"])
def test_r1_4_an_activist_is_nominated_by_members_or_a_mass_organisation(nomination):
    rules.check_nomination(nomination, decided_by_committee=True)


def test_r1_4_no_other_nomination_and_only_the_branch_committee_decides():
    refused("R1.4", rules.check_nomination, "", True)
    refused("R1.4", rules.check_nomination, "self", True)
    refused("R1.4", rules.check_nomination, "members", False)


@pytest.mark.parametrize("count", [1, 2])
def test_r1_5_one_or_two_full_members_are_contacts(count):
    rules.check_contacts([FULL] * count)


@pytest.mark.parametrize("count", [0, 3])
def test_r1_5_zero_or_three_contacts_are_refused(count):
    refused("R1.5", rules.check_contacts, [FULL] * count)


def test_r1_5_a_probationary_member_is_no_contact():
    refused("R1.5", rules.check_contacts, [FULL, PROBATIONARY])


def test_r1_7_evaluations_six_months_apart_are_on_time():
    activist = date(2023, 10, 1)
    assert rules.evaluation_due(activist) == date(2024, 4, 1)
    rules.check_evaluations(activist, [date(2024, 4, 1)], date(2024, 10, 1))


def test_r1_7_a_gap_of_six_months_and_a_day_is_refused():
    activist = date(2023, 10, 1)
    refused("R1.7", rules.check_evaluations, activist, [date(2024, 4, 2)], date(2024, 9, 1))
    refused("R1.7", rules.check_evaluations, activist, [date(2024, 4, 1)], date(2024, 10, 2))
    refused("R1.7", rules.check_evaluations, activist, [], date(2024, 4, 2))


def test_r1_7_evaluations_are_read_in_date_order():
    activist = date(2023, 10, 1)
    rules.check_evaluations(activist, [date(2024, 9, 1), date(2024, 3, 1)], date(2024, 10, 1))


# --- R1.9 / R1.10 / R1.12 / R1.13 development objects -------------------------


def test_r1_9_a_development_object_after_exactly_one_year_as_activist():
    assert rules.development_eligible_from(date(2023, 10, 1)) == date(2024, 10, 1)
    rules.check_development_object(date(2023, 10, 1), date(2024, 10, 1))


def test_r1_9_one_year_minus_a_day_is_refused():
    refused("R1.9", rules.check_development_object, date(2023, 10, 1), date(2024, 9, 30))


def test_r1_9_an_activist_from_29_february_is_eligible_on_28_february():
    refused("R1.9", rules.check_development_object, date(2024, 2, 29), date(2025, 2, 27))
    rules.check_development_object(date(2024, 2, 29), date(2025, 2, 28))


def _member(pk, status=FULL, discipline=Discipline.NONE):
    return Member(pk, status, discipline)


def test_r1_10_two_full_members_sponsor():
    rules.check_sponsors([_member(1), _member(2)], 9, set(), relatives_barred=False)


@pytest.mark.parametrize("sponsors", [[1], [1, 2, 3], [1, 1]], ids=["one", "three", "twice"])
def test_r1_10_exactly_two_different_sponsors(sponsors):
    refused("R1.10", rules.check_sponsors, [_member(pk) for pk in sponsors], 9, set(), False)


def test_r1_10_the_candidate_does_not_sponsor_themself():
    refused("R1.10", rules.check_sponsors, [_member(1), _member(9)], 9, set(), False)


def test_r1_10_a_probationary_member_does_not_sponsor():
    refused("R1.10", rules.check_sponsors, [_member(1), _member(2, PROBATIONARY)], 9, set(), False)


@pytest.mark.parametrize(
    "discipline", [Discipline.PROBATION_WITHIN_PARTY, Discipline.MEMBERSHIP_SUSPENDED]
)
def test_r1_10_a_member_under_discipline_does_not_sponsor(discipline):
    sponsors = [_member(1), _member(2, discipline=discipline)]
    refused("R1.10", rules.check_sponsors, sponsors, 9, set(), False)


def test_near_relatives_sponsor_only_where_the_rule_pack_allows_it():
    """§1.5 近亲属: a local rule pack may bar a near relative from sponsoring."""
    sponsors = [_member(1), _member(2)]
    rules.check_sponsors(sponsors, 9, {2}, relatives_barred=False)
    refused("§1.5", rules.check_sponsors, sponsors, 9, {2}, relatives_barred=True)
    rules.check_sponsors(sponsors, 9, {3}, relatives_barred=True)


def test_r1_12_the_political_review_ends_in_a_written_conclusion():
    rules.check_political_review("政治审查合格，结论清楚。")
    refused("R1.12", rules.check_political_review, "合格")
    refused("R1.12", rules.check_political_review, "          ")


@pytest.mark.parametrize(
    ("days", "hours"), [(3, 0), (0, 24), (3, 24)], ids=["3 days", "24 hours", "both"]
)
def test_r1_13_three_days_or_24_hours_of_training(days, hours):
    rules.check_training(days, hours, "")


def test_r1_13_two_and_a_half_days_and_23_hours_is_refused_save_a_special_case():
    refused("R1.13", rules.check_training, 2.5, 23, "")
    refused("R1.13", rules.check_training, 2.5, 23, "  ")
    rules.check_training(2.5, 23, "因病缺课，经县委组织部同意补学。")


def test_r1_13_negative_training_time_is_refused():
    refused("R1.13", rules.check_training, -1, 30, "")


def test_publicity_result_only_after_the_last_day():
    """§1.5 公示: the result is recorded the day after the period at the earliest."""
    ends = date(2025, 10, 11)
    refused("§1.5", rules.check_publicity_over, ends, ends, False)
    assert rules.check_publicity_over(ends, ends + DAY, False) is True
    assert rules.check_publicity_over(ends, ends + DAY, True) is False


# --- R1.15 – R1.20 admission ---------------------------------------------------


def test_r1_17_the_material_must_exist_before_the_step():
    rules.check_prerequisites({"training", "publicity"}, ("training", "publicity"))
    refused("R1.17", rules.check_prerequisites, {"training"}, ("training", "publicity"))


def test_r1_15_leaving_the_unit_within_three_months_bars_the_admission():
    day = date(2024, 12, 1)
    refused("R1.15", rules.check_not_leaving, date(2025, 3, 1), day, 3)  # exactly 3 months
    refused("R1.15", rules.check_not_leaving, day, day, 3)
    rules.check_not_leaving(date(2025, 3, 2), day, 3)
    rules.check_not_leaving(None, day, 3)


def test_r1_15_having_left_the_unit_already_bars_the_admission_too():
    refused("R1.15", rules.check_not_leaving, date(2024, 11, 30), date(2024, 12, 1), 3)


def test_r1_20_only_a_standing_committee_with_approval_authority():
    rules.check_approval_authority(is_committee=True, can_approve=True, is_temporary=False)
    refused("R1.20", rules.check_approval_authority, False, True, False)
    refused("R1.20", rules.check_approval_authority, True, False, False)
    refused("R1.20", rules.check_approval_authority, True, True, True)


def test_small_branch_of_two_full_members_cannot_meet():
    """§1.4.5: fewer than three full members hold no admission meeting."""
    refused("§1.4", rules.check_branch_can_meet, 2, 3)
    rules.check_branch_can_meet(3, 3)


def _votes(expected=4, present=4, yes=4, no=0, abstain=0, written_yes=0, written_no=0):
    return Votes(expected, present, yes, no, abstain, written_yes, written_no)


def test_r1_16_quorum_of_half_the_expected_voters_is_refused_more_than_half_meets():
    refused("R1.16", rules.count_votes, _votes(present=2, yes=2), 4)  # P = E/2
    assert rules.count_votes(_votes(present=3, yes=3), 4) is True  # P = E/2 + 1
    refused("R1.16", rules.count_votes, _votes(expected=5, present=2, yes=2), 5)
    assert rules.count_votes(_votes(expected=5, present=3, yes=3), 5) is True


def test_r1_16_yes_votes_of_half_the_expected_voters_do_not_pass():
    assert rules.count_votes(_votes(yes=2, no=2), 4) is False  # yes = E/2
    assert rules.count_votes(_votes(yes=3, no=1), 4) is True


def test_r1_16_the_denominator_is_the_expected_voters_not_those_present():
    # 3 of 3 present say yes, but E is 6: 3 is not more than half of 6.
    assert rules.count_votes(_votes(expected=6, present=4, yes=3, no=1), 6) is False


def test_r1_16_written_yes_of_absent_voters_counts():
    # E = 4, P = 3: one present yes plus one written yes make E/2, not more.
    assert rules.count_votes(_votes(present=3, yes=1, no=2, written_yes=1), 4) is False
    assert rules.count_votes(_votes(present=3, yes=2, no=1, written_yes=1), 4) is True


def test_r1_16_numbers_that_do_not_add_up_are_refused():
    refused("R1.16", rules.count_votes, _votes(present=3, yes=3, no=1), 4)  # ballots > P
    refused("R1.16", rules.count_votes, _votes(expected=5, present=5, yes=5), 4)  # E > members
    refused("R1.16", rules.count_votes, _votes(expected=4, present=5, yes=4), 5)  # P > E
    refused("R1.16", rules.count_votes, _votes(present=3, yes=3, written_yes=2), 4)
    refused("R1.16", rules.count_votes, _votes(no=-1), 4)
    assert rules.count_votes(_votes(), 4) is True


def test_r1_18_the_committee_talks_with_the_person_before_approving():
    rules.check_committee_talk_before(date(2025, 1, 10), date(2025, 1, 10))
    refused("R1.18", rules.check_committee_talk_before, date(2025, 1, 11), date(2025, 1, 10))
    refused("R1.18", rules.check_committee_talk_before, None, date(2025, 1, 10))


def test_r1_19_approval_within_three_months_is_not_extended():
    meeting = date(2024, 12, 11)
    assert rules.check_approval_in_time(meeting, date(2025, 3, 11), 3, 6, "") is False


def test_r1_19_approval_after_three_months_needs_a_reason_up_to_six():
    meeting = date(2024, 12, 11)
    refused("R1.19", rules.check_approval_in_time, meeting, date(2025, 3, 12), 3, 6, "")
    assert rules.check_approval_in_time(meeting, date(2025, 3, 12), 3, 6, "换届。") is True
    assert rules.check_approval_in_time(meeting, date(2025, 6, 11), 3, 6, "换届。") is True
    refused("R1.19", rules.check_approval_in_time, meeting, date(2025, 6, 12), 3, 6, "换届。")


# --- R1.21 – R1.27 probation and full membership -------------------------------


def test_r1_22_probation_is_one_year_from_the_admission_meeting():
    assert rules.probation_ends(date(2024, 12, 11)) == date(2025, 12, 11)
    assert rules.probation_ends(date(2024, 2, 29)) == date(2025, 2, 28)


def test_r1_21_the_oath_follows_the_approval():
    rules.check_oath(date(2025, 1, 10), date(2025, 1, 10))
    refused("R1.21", rules.check_oath, date(2025, 1, 10), date(2025, 1, 9))


def test_r1_24_the_conversion_meeting_is_not_held_before_probation_ends():
    end = date(2025, 12, 11)
    refused("R1.24", rules.check_conversion_meeting, end, end - DAY, None)
    rules.check_conversion_meeting(end, end, None)


def test_r1_26_a_postponed_conversion_is_discussed_by_the_postponed_date():
    end = date(2025, 12, 11)
    rules.check_conversion_meeting(end, date(2026, 3, 1), date(2026, 3, 1))
    refused("R1.26", rules.check_conversion_meeting, end, date(2026, 3, 2), date(2026, 3, 1))


def test_r1_26_postponement_by_six_months_at_most():
    end = date(2025, 12, 11)
    rules.check_postponement(end, end, 6)
    rules.check_postponement(end, date(2026, 6, 11), 6)
    refused("R1.26", rules.check_postponement, end, date(2026, 6, 12), 6)
    refused("R1.26", rules.check_postponement, end, end - DAY, 6)


@pytest.mark.parametrize("months", [6, 12])
def test_r1_23_probation_is_extended_by_six_to_twelve_months(months):
    rules.check_extension(months, already_extended=False)


@pytest.mark.parametrize("months", [None, 5, 13])
def test_r1_23_an_extension_outside_six_to_twelve_months_is_refused(months):
    refused("R1.23", rules.check_extension, months, False)


def test_r1_23_probation_is_extended_once():
    refused("R1.23", rules.check_extension, 6, True)


def test_r1_25_conversion_approval_within_three_months_of_the_meeting():
    meeting = date(2025, 12, 12)
    rules.check_conversion_approval_in_time(meeting, date(2026, 3, 12))
    refused("R1.25", rules.check_conversion_approval_in_time, meeting, date(2026, 3, 13))


def test_r1_27_the_five_documents_are_archived():
    rules.check_archive(set(rules.ARCHIVE_DOCUMENTS) | {"talk"})


@pytest.mark.parametrize("missing", rules.ARCHIVE_DOCUMENTS)
def test_r1_27_a_missing_document_is_refused(missing):
    refused("R1.27", rules.check_archive, set(rules.ARCHIVE_DOCUMENTS) - {missing})


@pytest.mark.parametrize(
    "status",
    [PartyStatus.ACTIVIST, PartyStatus.DEVELOPMENT_OBJECT, PartyStatus.PROBATIONARY],
)
def test_r1_8_an_activist_object_or_probationary_member_is_transferred(status):
    rules.check_transfer(status, OrganisationKind.BRANCH)


@pytest.mark.parametrize("status", [PartyStatus.MASSES, PartyStatus.APPLICANT, PartyStatus.FULL])
def test_r1_8_no_one_else_is_transferred(status):
    refused("R1.8", rules.check_transfer, status, OrganisationKind.BRANCH)


def test_r1_8_a_case_goes_to_a_branch_only():
    refused("R1.8", rules.check_transfer, PartyStatus.ACTIVIST, OrganisationKind.COMMITTEE)
