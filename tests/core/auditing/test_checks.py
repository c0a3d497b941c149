"""Each compliance check flags the breach it watches and is silent on a clean case.

The services refuse these breaches when a step is done, so the violating
histories are written here directly (dossier dates and documents set around
the services, steps entered late) as data from elsewhere would arrive.
"""

from datetime import date, timedelta

import pytest

from core.auditing import checks, history
from core.cases.deadlines import close_deadlines, sweep
from core.rulepack.models import RulePack
from workflows.recruitment import rules
from workflows.recruitment.models import Dossier, Record, RecordKind

from .conftest import APPLIED, walk_on_time

DAY = timedelta(days=1)


def _findings(case, today=None):
    return checks.run(history.load([case]), history.Params(), today)


def _codes(case, today=None):
    return [(f.code, f.rule) for f in _findings(case, today)]


def _pack(**values):
    return RulePack.objects.create(
        version=RulePack.objects.count() + 1,
        effective_from=date(2000, 1, 1),
        values=values,
        note="测试",
    )


def _dossier(case, **fields):
    Dossier.objects.filter(case_id=case.pk).update(**fields)
    if "talked_on" in fields:  # as the talk step does, the talk's deadline is met
        close_deadlines(case, "talk")


def _record(case, kind, dated, step=None):
    Record.objects.create(case=case, kind=kind, step=step or kind, dated=dated)


@pytest.fixture
def clean(start, actors, travel, county):
    """A lawful case walked to its archive, each step entered on its day, under a pack
    that bars near relatives, with a relative named who takes no part."""
    _pack(**{"recruitment.near_relatives_barred": True})
    case = start(
        "applicant_a", "dongcheng_village", "dc_branch_sec", relatives=[county.people["member_b"]]
    )
    walk_on_time(case, actors, travel)
    return case


def test_a_clean_case_flags_nothing(clean):
    assert Dossier.objects.get(case_id=clean.pk).outcome == "full_member"
    assert _findings(clean) == []


# --- A1 R1.3 -------------------------------------------------------------------


def test_a1_a_talk_held_more_than_a_month_after_the_application(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    _dossier(case, talked_on=rules.talk_due(APPLIED) + DAY)
    findings = _findings(case, today=APPLIED + 60 * DAY)
    assert [(f.code, f.rule, f.dated) for f in findings] == [
        ("A1", "R1.3", rules.talk_due(APPLIED) + DAY)
    ]


def test_a1_a_talk_on_the_last_day_of_the_month_is_in_time(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    _dossier(case, talked_on=rules.talk_due(APPLIED))
    assert _codes(case, today=APPLIED + 60 * DAY) == []


def test_a1_no_talk_a_month_after_the_application(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    assert _codes(case, today=rules.talk_due(APPLIED)) == []
    # The missing talk (A1) and its deadline, open past its day though no beat marked it (A6).
    assert _codes(case, today=rules.talk_due(APPLIED) + DAY) == [("A1", "R1.3"), ("A6", "R1.3")]


# --- A2 R1.19 ------------------------------------------------------------------

MEETING = date(2025, 1, 10)


@pytest.mark.parametrize(
    ("approved_on", "extended", "flagged"),
    [
        (rules.add_months(MEETING, 3), False, False),
        (rules.add_months(MEETING, 3) + DAY, False, True),
        (rules.add_months(MEETING, 6), True, False),
        (rules.add_months(MEETING, 6) + DAY, True, True),
    ],
)
def test_a2_approval_later_than_three_months_or_the_extension(
    start, approved_on, extended, flagged
):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    _dossier(
        case,
        talked_on=APPLIED,
        admission_meeting_on=MEETING,
        approved_on=approved_on,
        approval_extended=extended,
    )
    _record(case, RecordKind.APPROVAL, approved_on, step="approval")
    assert _codes(case, today=approved_on) == ([("A2", "R1.19")] if flagged else [])


def test_a2_the_packs_approval_months_are_read_on_the_meeting_date(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    _pack(**{"recruitment.approval_months": 2})
    approved_on = rules.add_months(MEETING, 2) + DAY
    _dossier(case, talked_on=APPLIED, admission_meeting_on=MEETING, approved_on=approved_on)
    assert _codes(case, today=approved_on) == [("A2", "R1.19")]


def test_a2_a_meeting_still_waiting_for_the_committee_after_three_months(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    _dossier(case, talked_on=APPLIED, admission_meeting_on=MEETING)
    assert _codes(case, today=rules.add_months(MEETING, 3)) == []
    assert _codes(case, today=rules.add_months(MEETING, 3) + DAY) == [("A2", "R1.19")]


# --- A3 R1.7 -------------------------------------------------------------------


def test_a3_every_gap_of_more_than_six_months_between_evaluations(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    activist = date(2024, 4, 1)
    _dossier(
        case,
        talked_on=APPLIED,
        activist_on=activist,
        development_object_on=rules.add_months(activist, 20),
    )
    for months in (6, 13, 19):  # 6 after the activist date, then 7, then 6 (and 1 to the end)
        _record(case, RecordKind.EVALUATION, rules.add_months(activist, months))
    findings = _findings(case, today=rules.add_months(activist, 21))
    assert [(f.code, f.rule, f.dated) for f in findings] == [
        ("A3", "R1.7", rules.add_months(activist, 12))
    ]


def test_a3_an_activist_still_waiting_for_an_evaluation(start):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    activist = date(2024, 4, 1)
    _dossier(case, talked_on=APPLIED, activist_on=activist)
    assert _codes(case, today=rules.add_months(activist, 6)) == []
    assert _codes(case, today=rules.add_months(activist, 6) + DAY) == [("A3", "R1.7")]


# --- A4 §1.5 near relatives ------------------------------------------------------


def test_a4_a_near_relative_as_sponsor_where_the_pack_bars_it(start, county):
    relative = county.people["member_a"]
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec", relatives=[relative])
    dossier = Dossier.objects.get(case_id=case.pk)
    dossier.talked_on = APPLIED
    dossier.save()
    dossier.sponsors.add(relative, county.people["member_b"])
    today = APPLIED + 20 * DAY
    assert _codes(case, today) == []  # the national default does not bar relatives
    _pack(**{"recruitment.near_relatives_barred": True})
    findings = _findings(case, today)
    assert [(f.code, f.rule) for f in findings] == [("A4", "§1.5")]
    assert relative.name in findings[0].message


def test_a4_a_near_relative_who_did_a_step_of_the_case(start, county):
    _pack(**{"recruitment.near_relatives_barred": True})
    secretary = county.people["dc_branch_sec"]  # records the application
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec", relatives=[secretary])
    findings = _findings(case, APPLIED + 20 * DAY)
    assert [(f.code, f.rule) for f in findings] == [("A4", "§1.5")]
    assert secretary.name in findings[0].message


# --- A5 late recording -----------------------------------------------------------


def test_a5_a_step_entered_long_after_its_date(start, actors, travel):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    walk = walk_on_time(case, actors, travel, stop_before="talk")
    talk = walk.open_task()
    talked_on = APPLIED + 10 * DAY
    travel(talked_on + 31 * DAY)  # one day past the pack's 30
    from workflows.recruitment import services

    services.complete(
        actor=actors.branch, task=talk, talked_on=talked_on, talker="支部书记", text="谈话。"
    )
    findings = _findings(case, today=talked_on + 31 * DAY)
    assert [(f.code, f.rule, f.dated) for f in findings] == [("A5", "date", talked_on + 31 * DAY)]
    _pack(**{"auditing.late_recording_days": 31})
    assert _codes(case, today=talked_on + 31 * DAY) == []


# --- A6 overdue deadlines --------------------------------------------------------


def test_a6_a_deadline_the_beat_marked_overdue(start, travel):
    case = start("applicant_a", "dongcheng_village", "dc_branch_sec")
    due = rules.talk_due(APPLIED)
    travel(due)
    sweep(due)
    assert _codes(case, today=due) == []
    travel(due + DAY)
    sweep(due + DAY)
    codes = _codes(case, today=due + DAY)
    # The beat's overdue mark (A6) and the missing talk itself (A1).
    assert codes == [("A1", "R1.3"), ("A6", "R1.3")]


def test_a6_an_earliest_date_is_never_missed(clean):
    earliest = clean.deadlines.filter(is_earliest=True)
    assert earliest.exists()
    assert _codes(clean, today=date(2030, 1, 1)) == []
