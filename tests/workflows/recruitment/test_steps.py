"""Each member-development rule at its step, through the services.

A lawful case (scenario.Walk) is stopped before the step; the step's lawful
fields are then changed to break the rule. The refusal carries the R-code and
leaves everything as it was: no audit event, no document, no deadline moved,
the task still open, the person's status and the dossier unchanged. The
lawful variant at the other side of the boundary then passes.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.cases.models import Case, Deadline
from core.flowkit.errors import NotPermitted, RuleViolation
from core.flowkit.selectors import OPEN
from core.people.choices import Discipline, PartyStatus
from core.people.models import Person
from core.rulepack.models import RulePack
from workflows.recruitment import rules, scenario, services
from workflows.recruitment.models import Dossier, Outcome, Record, RecordKind
from workflows.recruitment.rules import Votes, add_months

DAY = timedelta(days=1)


def state(case_pk, person_pk):
    """Everything a refused change must leave as it was."""
    dossier = Dossier.objects.filter(pk=case_pk)
    return {
        "cases": Case.objects.count(),
        "events": AuditEvent.objects.count(),
        "records": Record.objects.count(),
        "deadlines": sorted(
            Deadline.objects.filter(case_id=case_pk).values_list(
                "pk", "kind", "state", "due_on", "responsible_id"
            )
        ),
        "open_tasks": sorted(
            Task.objects.filter(process_id=case_pk, status__in=OPEN).values_list(
                "pk", "status", "owner_id"
            )
        ),
        "case": list(Case.objects.filter(pk=case_pk).values_list("organisation_id", "status")),
        "person": list(
            Person.objects.filter(pk=person_pk).values_list("party_status", "organisation_id")
        ),
        "dossier": list(dossier.values()),
        "people": [
            sorted(dossier.values_list(name, flat=True))
            for name in ("contacts", "sponsors", "relatives")
        ],
    }


def refused_without_trace(rule, case_pk, person_pk, change):
    """`change()` is refused with `rule` and writes nothing."""
    before = state(case_pk, person_pk)
    with pytest.raises(RuleViolation) as info:
        change()
    assert info.value.rule == rule, info.value.messages
    assert state(case_pk, person_pk) == before
    return info.value


class At:
    """A lawful case stopped before step `name`, to try the step with changed fields."""

    def __init__(self, walk, name):
        self.walk, self.name = walk, name
        self.task = walk.until(stop_before=name)
        assert self.task is not None, f"the case ended before {name}"

    def fields(self, **changes):
        return {**self.walk.fields(self.name), **changes}

    def complete(self, actor=None, **changes):
        actor = actor or self.walk.actors.for_step(self.task)
        return services.complete(actor=actor, task=self.task, **self.fields(**changes))

    def refused(self, rule, **changes):
        case = self.walk.case
        return refused_without_trace(
            rule, case.pk, case.subject_id, lambda: self.complete(**changes)
        )

    def passes(self, **changes):
        self.complete(**changes)
        assert Task.objects.get(pk=self.task.pk).status == STATUS.DONE
        return self.walk.dossier


def _person(pk):
    return Person.objects.get(pk=pk)


# --- Step 1: application (R1.1, R1.2) ------------------------------------------


def _apply(county, person, applied_on, branch="dongcheng_village", actor="dc_branch_sec"):
    return services.apply(
        actor=county.users[actor],
        branch=county.orgs[branch],
        person=person,
        applied_on=applied_on,
        text="入党申请书。",
    )


def test_r1_1_applicant_of_17_years_364_days_refused_and_of_18_accepted(county):
    person = county.people["masses_a"]  # born 2003-01-09
    refused_without_trace("R1.1", None, person.pk, lambda: _apply(county, person, date(2021, 1, 8)))
    case = _apply(county, person, date(2021, 1, 9))
    assert _person(person.pk).party_status == PartyStatus.APPLICANT
    assert Dossier.objects.get(case=case).applied_on == date(2021, 1, 9)


def test_r1_1_a_member_does_not_apply(county):
    person = county.people["member_a"]
    refused_without_trace("R1.1", None, person.pk, lambda: _apply(county, person, date(2024, 1, 2)))


def test_r1_1_one_case_in_progress_per_person(county, case):
    person = county.people["applicant_a"]
    refused_without_trace("R1.1", None, person.pk, lambda: _apply(county, person, date(2024, 1, 2)))


def test_r1_2_the_application_goes_to_the_branch_of_the_persons_unit(county):
    person = county.people["masses_a"]  # of the Dongcheng village branch
    refused_without_trace(
        "R1.2",
        None,
        person.pk,
        lambda: _apply(county, person, date(2023, 6, 1), "xishan_village", "xs_branch_sec"),
    )
    _apply(county, person, date(2023, 6, 1))


def test_only_a_branch_records_an_application(county):
    """The township committee does not receive applications: refused before any rule."""
    person = county.people["masses_a"]
    before = state(None, person.pk)
    with pytest.raises(NotPermitted):
        _apply(county, person, date(2023, 6, 1), "dongcheng", "dc_organiser")
    assert state(None, person.pk) == before


def test_an_application_dated_in_the_future_is_refused(county):
    person = county.people["masses_a"]
    tomorrow = timezone.localdate() + DAY
    refused_without_trace("date", None, person.pk, lambda: _apply(county, person, tomorrow))


# --- Step 2: the talk (R1.3) ---------------------------------------------------


def test_r1_3_talk_a_month_and_a_day_after_the_application_needs_a_reason(walk):
    at = At(walk, "talk")
    late = add_months(walk.dossier.applied_on, 1) + DAY  # 2023-07-02
    at.refused("R1.3", talked_on=late)
    at.refused("R1.3", talked_on=late, late_reason="  ")
    assert at.passes(talked_on=late, late_reason="书记外出学习一周。").talked_on == late
    event = AuditEvent.objects.filter(case=walk.case, step="talk").get()
    assert event.data["late"] is True


def test_r1_3_talk_on_the_last_day_of_the_month_needs_no_reason(walk):
    due = add_months(walk.dossier.applied_on, 1)  # 2023-07-01
    At(walk, "talk").passes(talked_on=due)
    assert not Deadline.objects.filter(case=walk.case, kind="talk", state="open").exists()


def test_a_talk_before_the_application_or_in_the_future_is_refused(walk):
    at = At(walk, "talk")
    at.refused("date", talked_on=walk.dossier.applied_on - DAY)
    at.refused("date", talked_on=timezone.localdate() + DAY)


# --- Stage 2: activists (R1.4, R1.5, R1.7) -------------------------------------


def test_r1_4_an_activist_is_nominated_by_members_or_a_mass_organisation(walk):
    at = At(walk, "choose_activist")
    at.refused("R1.4", nomination="")
    at.refused("R1.4", nomination="self")
    dossier = at.passes(nomination="mass_organisation")
    assert dossier.nomination == "mass_organisation"
    assert _person(walk.case.subject_id).party_status == PartyStatus.ACTIVIST


@pytest.mark.parametrize(
    "contacts",
    [[], ["member_a", "member_b", "dc_branch_sec"], ["member_a", "member_c"], ["xs_branch_sec"]],
    ids=["none", "three", "probationary", "other branch"],
)
def test_r1_5_contacts_are_one_or_two_full_members_of_the_branch_refused(county, walk, contacts):
    at = At(walk, "assign_contacts")
    at.refused("R1.5", contacts=[county.people[key] for key in contacts])


@pytest.mark.parametrize("contacts", [["member_a"], ["member_a", "member_b"]])
def test_r1_5_one_or_two_full_members_are_contacts(county, walk, contacts):
    dossier = At(walk, "assign_contacts").passes(contacts=[county.people[k] for k in contacts])
    assert set(dossier.contacts.all()) == {county.people[k] for k in contacts}


def _evaluate(walk, dated):
    services.add_record(
        actor=walk.actors.branch,
        case=walk.case,
        kind=RecordKind.EVALUATION,
        dated=dated,
        text="半年考察：表现良好。",
    )


def test_r1_7_a_gap_of_six_months_and_a_day_between_evaluations_is_refused(walk):
    at = At(walk, "cultivate")
    activist_on = walk.dossier.activist_on  # 2023-10-01
    _evaluate(walk, add_months(activist_on, 6) + DAY)
    at.refused("R1.7", completed_on=add_months(activist_on, 12))


def test_r1_7_evaluations_exactly_six_months_apart_pass(walk):
    at = At(walk, "cultivate")
    activist_on = walk.dossier.activist_on
    _evaluate(walk, add_months(activist_on, 6))
    at.passes(completed_on=add_months(activist_on, 12))


def test_r1_7_the_development_object_decision_needs_an_evaluation_in_the_last_six_months(walk):
    at = At(walk, "choose_development_object")
    last = walk.dossier.last_evaluated_on  # the cultivation summary, 2024-10-01
    at.refused("R1.7", decided_on=add_months(last, 6) + DAY)
    _evaluate(walk, add_months(last, 3))
    at.passes(decided_on=add_months(last, 6) + DAY)


def test_r1_7_the_development_object_decision_six_months_after_the_last_evaluation(walk):
    at = At(walk, "choose_development_object")
    at.passes(decided_on=add_months(walk.dossier.last_evaluated_on, 6))


def test_r1_7_an_evaluation_is_filed_only_while_the_activist_is_cultivated(walk):
    case = walk.case
    walk.until(stop_before="assign_contacts")
    for kind in (RecordKind.EVALUATION, RecordKind.PROBATION_NOTE, RecordKind.TALK):
        refused_without_trace(
            "R1.7",
            case.pk,
            case.subject_id,
            lambda k=kind: services.add_record(
                actor=walk.actors.branch, case=case, kind=k, dated=date(2023, 11, 1), text="x"
            ),
        )
    walk.until(stop_before="cultivate")
    _evaluate(walk, date(2024, 3, 1))
    deadline = Deadline.objects.get(case=case, kind="evaluation", state="open")
    assert deadline.due_on == date(2024, 9, 1)  # six months after the new evaluation


def test_an_evaluation_before_the_activist_date_is_refused(walk):
    walk.until(stop_before="cultivate")
    case = walk.case
    refused_without_trace(
        "date",
        case.pk,
        case.subject_id,
        lambda: _evaluate(walk, walk.dossier.activist_on - DAY),
    )


# --- Stage 3: development objects (R1.9, R1.10, R1.12, R1.13, §1.5) ------------


def test_r1_9_development_object_a_year_less_a_day_after_the_activist_date_is_refused(walk):
    at = At(walk, "choose_development_object")
    activist_on = walk.dossier.activist_on
    at.refused("R1.9", decided_on=add_months(activist_on, 12) - DAY)
    dossier = at.passes(decided_on=add_months(activist_on, 12))
    assert dossier.development_object_on == add_months(activist_on, 12)
    assert _person(walk.case.subject_id).party_status == PartyStatus.DEVELOPMENT_OBJECT


def test_r1_9_the_opinions_heard_are_on_record(walk):
    At(walk, "choose_development_object").refused("R1.9", text=" ")


@pytest.mark.parametrize(
    "sponsors",
    [
        ["member_a"],
        ["member_a", "member_b", "dc_branch_sec"],
        ["member_a", "member_a"],
        ["member_a", "member_c"],
        ["member_a", "applicant_a"],
    ],
    ids=["one", "three", "same twice", "probationary", "the candidate"],
)
def test_r1_10_sponsors_are_two_full_members_refused(county, walk, sponsors):
    at = At(walk, "assign_sponsors")
    at.refused("R1.10", sponsors=[county.people[key] for key in sponsors])


@pytest.mark.parametrize(
    "discipline", [Discipline.PROBATION_WITHIN_PARTY, Discipline.MEMBERSHIP_SUSPENDED]
)
def test_r1_10_a_sponsor_under_discipline_is_refused(county, walk, discipline):
    at = At(walk, "assign_sponsors")
    Person.objects.filter(pk=county.people["member_b"].pk).update(discipline=discipline)
    at.refused("R1.10", sponsors=[county.people["member_a"], _person(county.people["member_b"].pk)])


def test_r1_10_two_full_members_sponsor(county, walk):
    sponsors = [county.people["member_a"], county.people["member_b"]]
    assert set(At(walk, "assign_sponsors").passes(sponsors=sponsors).sponsors.all()) == set(
        sponsors
    )


@pytest.mark.parametrize(
    ("barred", "sponsor", "refused"),
    [(True, "member_a", True), (False, "member_a", False), (True, "dc_branch_sec", False)],
    ids=["barred relative", "relative allowed", "barred, no relative"],
)
def test_near_relatives_may_not_sponsor_where_the_rule_pack_bars_it(
    county, actors, barred, sponsor, refused
):
    """§1.5 近亲属 (recruitment.near_relatives_barred): member_a is the applicant's relative."""
    if barred:
        RulePack.objects.create(
            version=1,
            effective_from=date(2020, 1, 1),
            values={"recruitment.near_relatives_barred": True},
            note="曲沃「两禁止一报告」",
        )
    case = services.apply(
        actor=actors.branch,
        branch=county.orgs["dongcheng_village"],
        person=county.people["masses_a"],
        applied_on=date(2023, 6, 1),
        relatives=[county.people["member_a"]],
    )
    at = At(scenario.Walk(case, actors), "assign_sponsors")
    sponsors = [county.people[sponsor], county.people["member_b"]]
    if refused:
        at.refused("§1.5", sponsors=sponsors)
    else:
        at.passes(sponsors=sponsors)


def test_r1_12_the_political_review_ends_in_a_written_conclusion(walk):
    at = At(walk, "political_review")
    at.refused("R1.12", conclusion="合格。")
    assert at.passes().political_review_on is not None


@pytest.mark.parametrize(
    ("days", "hours", "reason"),
    [(2.5, 23, ""), (2.5, 23, "   "), (0, 0, "")],
    ids=["2.5 days 23 hours", "blank reason", "none"],
)
def test_r1_13_training_short_of_three_days_or_24_hours_is_refused(walk, days, hours, reason):
    At(walk, "training").refused("R1.13", days=days, hours=hours, special_reason=reason)


@pytest.mark.parametrize(
    ("days", "hours", "reason"),
    [(3, 0, ""), (0, 24, ""), (2.5, 23, "因病缺课两学时，经党委同意。")],
    ids=["3 days", "24 hours", "special case"],
)
def test_r1_13_three_days_or_24_hours_or_a_special_case_pass(walk, days, hours, reason):
    At(walk, "training").passes(days=days, hours=hours, special_reason=reason)


def test_training_that_ends_before_it_starts_is_refused(walk):
    at = At(walk, "training")
    start = at.fields()["started_on"]
    at.refused("date", finished_on=start - DAY)


def test_publicity_result_on_the_last_day_is_refused_the_day_after_passes(walk):
    """§1.5 公示: five working days from Monday 2025-09-29 run over the National Day
    holiday to the make-up Saturday 2025-10-11 (core.workdays)."""
    at = At(walk, "publicise_object")
    start = date(2025, 9, 29)
    at.refused("§1.5", started_on=start, decided_on=date(2025, 10, 8))
    at.refused("§1.5", started_on=start, decided_on=date(2025, 10, 11))
    at.passes(started_on=start, decided_on=date(2025, 10, 12))
    publicity = Record.objects.get(case=walk.case, kind=RecordKind.PUBLICITY)
    assert publicity.data["ends_on"] == "2025-10-11"
    assert walk.open_task().flow_task.name == "branch_review"


def test_publicity_of_an_ordinary_week_ends_on_its_friday(walk):
    """§1.5: five working days from Monday 2024-11-11 end on Friday 2024-11-15."""
    at = At(walk, "publicise_object")
    at.refused("§1.5", started_on=date(2024, 11, 11), decided_on=date(2024, 11, 15))
    at.passes(started_on=date(2024, 11, 11), decided_on=date(2024, 11, 16))


def test_publicity_in_a_year_without_a_holiday_schedule_is_refused(walk):
    """§1.5: working days are never guessed for a year the calendar does not know."""
    At(walk, "publicise_object").refused(
        "§1.5", started_on=date(2003, 3, 3), decided_on=date(2003, 4, 1)
    )


# --- Stage 4: admission (R1.15 – R1.22, §1.4) ---------------------------------


def test_r1_15_the_branch_committee_writes_its_review(walk):
    At(walk, "branch_review").refused("R1.15", text="  ")


STEP_DATE = {"prereview": "reviewed_on", "admission_meeting": "held_on"}


def _leaving(walk, step, when):
    """The branch review records that the person leaves the unit on when(date of `step`)."""
    At(walk, "branch_review").passes(leaves_unit_on=when(walk.fields(step)[STEP_DATE[step]]))
    return At(walk, step)


def test_r1_15_leaving_the_unit_in_three_months_is_refused_at_prereview(walk):
    """R1.15: a pre-review on 2024-12-01 refuses someone leaving on 2025-03-01."""
    at = _leaving(walk, "prereview", lambda day: add_months(day, 3))
    at.refused("R1.15")


def test_r1_15_leaving_three_months_and_a_day_after_the_prereview_passes(walk):
    _leaving(walk, "prereview", lambda day: add_months(day, 3) + DAY).passes()


def test_r1_15_someone_who_has_already_left_the_unit_is_refused_at_prereview(walk):
    _leaving(walk, "prereview", lambda day: day - DAY).refused("R1.15")


def test_r1_15_leaving_is_checked_again_at_the_admission_meeting(walk):
    """R1.15: passed at the pre-review (2024-12-01), refused at the meeting (2024-12-11)."""
    at = _leaving(walk, "admission_meeting", lambda day: add_months(day, 3))
    at.refused("R1.15")


def test_r1_15_pre_review_result_is_in_writing(walk):
    At(walk, "prereview").refused("R1.15", text=" ")


def _move_out(county, *keys):
    """Members leave the branch (their relation moves to Xishan)."""
    Person.objects.filter(pk__in=[county.people[k].pk for k in keys]).update(
        organisation=county.orgs["xishan_village"]
    )


def test_small_branch_of_two_full_members_cannot_hold_the_admission_meeting(county, walk):
    """§1.4.5: member_a and member_b leave; two full members remain."""
    at = At(walk, "admission_meeting")
    _move_out(county, "member_a", "member_b")
    at.refused("§1.4", votes=scenario.votes(2))


def test_small_branch_of_three_full_members_holds_the_admission_meeting(county, walk):
    """§1.4.5: with three full members the meeting is held."""
    at = At(walk, "admission_meeting")
    _move_out(county, "member_b")
    assert at.passes(votes=scenario.votes(3)).admission_meeting_on is not None


def test_r1_16_quorum_of_half_the_expected_voters_is_refused(walk):
    """R1.16: E = 4, P = 2 is no quorum; P = 3 is."""
    at = At(walk, "admission_meeting")
    at.refused("R1.16", votes=Votes(expected=4, present=2, yes=2, no=0, abstain=0))
    at.passes(votes=Votes(expected=4, present=3, yes=3, no=0, abstain=0))


@pytest.mark.parametrize(
    "votes",
    [
        Votes(expected=4, present=3, yes=3, no=1, abstain=0),
        Votes(expected=5, present=5, yes=5, no=0, abstain=0),
        Votes(expected=4, present=3, yes=3, no=0, abstain=0, written_yes=2),
        Votes(expected=4, present=4, yes=4, no=-1, abstain=1),
    ],
    ids=["ballots more than present", "E more than full members", "written > absent", "negative"],
)
def test_r1_16_vote_numbers_that_do_not_add_up_are_refused(walk, votes):
    At(walk, "admission_meeting").refused("R1.16", votes=votes)


def test_r1_16_written_yes_of_an_absent_member_makes_the_majority(walk):
    """R1.16: E = 4, two present yes plus one written yes is more than half of E."""
    votes = Votes(expected=4, present=3, yes=2, no=1, abstain=0, written_yes=1)
    At(walk, "admission_meeting").passes(votes=votes)
    assert walk.open_task().flow_task.name == "committee_talk"


def test_r1_16_present_and_written_yes_of_half_the_expected_voters_do_not_pass(walk):
    """R1.16: E = 4, one present yes plus one written yes is E/2: the resolution fails."""
    votes = Votes(expected=4, present=3, yes=1, no=2, abstain=0, written_yes=1)
    At(walk, "admission_meeting").passes(votes=votes)
    resolution = Record.objects.get(case=walk.case, kind=RecordKind.RESOLUTION)
    assert resolution.data["passed"] is False
    assert walk.open_task().flow_task.name == "branch_review"


@pytest.mark.parametrize(
    ("step", "kind"),
    [
        ("branch_review", RecordKind.POLITICAL_REVIEW),
        ("branch_review", RecordKind.TRAINING),
        ("branch_review", RecordKind.PUBLICITY),
        ("admission_meeting", RecordKind.VOLUNTEER_FORM),
    ],
)
def test_r1_17_the_material_must_be_on_file_before_the_review_and_the_meeting(walk, step, kind):
    """R1.14 / R1.17: the branch committee reviews, and the meeting decides, on the material."""
    at = At(walk, step)
    Record.objects.filter(case=walk.case, kind=kind).delete()
    at.refused("R1.17")


def test_r1_17_the_resolution_is_signed_by_the_secretary(walk):
    At(walk, "admission_meeting").refused("R1.17", secretary=" ")


def test_admission_meeting_before_the_application_form_is_refused(walk):
    """R1.22 counts probation from this meeting, so it cannot predate the 志愿书."""
    at = At(walk, "admission_meeting")
    filled_on = Record.objects.get(case=walk.case, kind=RecordKind.VOLUNTEER_FORM).dated
    at.refused("date", held_on=filled_on - DAY)
    assert at.passes(held_on=filled_on).admission_meeting_on == filled_on


def test_r1_18_approval_before_the_committees_talk_is_refused(walk):
    at = At(walk, "approval")
    talked_on = Record.objects.get(case=walk.case, kind=RecordKind.COMMITTEE_TALK).dated
    at.refused("R1.18", approved_on=talked_on - DAY)
    at.passes(approved_on=talked_on)


def test_r1_19_approval_on_the_day_three_months_after_the_meeting_is_in_time(walk):
    at = At(walk, "approval")
    meeting_on = walk.dossier.admission_meeting_on  # 2024-12-11
    dossier = at.passes(approved_on=add_months(meeting_on, 3))
    assert dossier.approval_extended is False


def test_r1_19_approval_a_day_after_three_months_needs_the_special_circumstances(walk):
    at = At(walk, "approval")
    late = add_months(walk.dossier.admission_meeting_on, 3) + DAY
    at.refused("R1.19", approved_on=late)
    dossier = at.passes(approved_on=late, extension_reason="党委换届，延期审批。")
    assert dossier.approval_extended is True


def test_r1_19_approval_at_six_months_with_a_reason_passes(walk):
    at = At(walk, "approval")
    last = add_months(walk.dossier.admission_meeting_on, 6)
    at.passes(approved_on=last, extension_reason="党委换届。")


def test_r1_19_approval_after_six_months_is_refused_even_with_a_reason(walk):
    at = At(walk, "approval")
    late = add_months(walk.dossier.admission_meeting_on, 6) + DAY
    at.refused("R1.19", approved_on=late, extension_reason="党委换届。")


@pytest.mark.parametrize(
    ("present", "votes_for"), [(8, 4), (7, 8), (0, 0)], ids=["half", "more than present", "none"]
)
def test_r1_19_the_committee_approves_by_more_than_half_of_those_present(walk, present, votes_for):
    At(walk, "approval").refused("R1.19", members_present=present, votes_for=votes_for)


def test_r1_19_four_of_seven_committee_members_approve(walk):
    At(walk, "approval").passes(members_present=7, votes_for=4)


def test_r1_22_probation_counts_from_the_meeting_even_when_approval_is_late(walk):
    at = At(walk, "approval")
    meeting_on = walk.dossier.admission_meeting_on
    dossier = at.passes(
        approved_on=add_months(meeting_on, 4), extension_reason="党委换届，延期审批。"
    )
    assert dossier.probation_ends_on == add_months(meeting_on, 12)
    assert _person(walk.case.subject_id).party_status == PartyStatus.PROBATIONARY
    deadline = Deadline.objects.get(case=walk.case, kind="probation_end", state="open")
    assert (deadline.due_on, deadline.rule) == (dossier.probation_ends_on, "R1.22")


# --- Stage 5: probation and conversion (R1.21, R1.23 – R1.25, R1.27) ------------


def test_r1_21_placement_in_a_party_group_of_the_branch(county, walk):
    at = At(walk, "placement")
    at.refused("R1.21", group=county.orgs["xishan_village_group1"])
    at.refused("R1.21", group=county.orgs["dongcheng_village"])
    at.passes(group=county.orgs["dongcheng_village_group1"])


def test_r1_21_the_oath_is_taken_after_the_approval(walk):
    at = At(walk, "oath")
    approved_on = walk.dossier.approved_on
    at.refused("R1.21", oath_on=approved_on - DAY)
    at.passes()  # the walk's oath follows the approval, the filing and the placement


def test_a_probation_note_before_the_approval_is_refused(walk):
    walk.until(stop_before="probation")
    case = walk.case
    approved_on = walk.dossier.approved_on

    def note(dated):
        return services.add_record(
            actor=walk.actors.branch,
            case=case,
            kind=RecordKind.PROBATION_NOTE,
            dated=dated,
            text="参加组织生活。",
        )

    refused_without_trace("date", case.pk, case.subject_id, lambda: note(approved_on - DAY))
    note(approved_on)
    assert Record.objects.filter(case=case, kind=RecordKind.PROBATION_NOTE).count() == 1


def test_r1_24_conversion_meeting_a_day_before_probation_ends_is_refused(walk):
    at = At(walk, "conversion_meeting")
    end = walk.dossier.probation_ends_on
    at.refused("R1.24", held_on=end - DAY)
    assert at.passes(held_on=end).conversion_meeting_on == end


@pytest.mark.parametrize(
    ("proposal", "months"),
    [("extend", 5), ("extend", 13), ("extend", None), ("suspend", None)],
    ids=["5 months", "13 months", "no months", "no such proposal"],
)
def test_r1_23_extension_outside_six_to_twelve_months_is_refused(walk, proposal, months):
    At(walk, "conversion_meeting").refused("R1.23", proposal=proposal, extension_months=months)


@pytest.mark.parametrize("months", [6, 12])
def test_r1_23_extension_of_six_to_twelve_months_is_put_to_the_committee(walk, months):
    dossier = At(walk, "conversion_meeting").passes(proposal="extend", extension_months=months)
    assert (dossier.conversion_decision, dossier.decisions["conversion_extension_months"]) == (
        "extend",
        months,
    )
    assert walk.open_task().flow_task.name == "conversion_approval"


def test_r1_16_the_conversion_meeting_counts_votes_like_the_admission_meeting(walk):
    at = At(walk, "conversion_meeting")
    at.refused("R1.16", votes=Votes(expected=4, present=2, yes=2, no=0, abstain=0))
    at.refused("R1.16", votes=Votes(expected=5, present=5, yes=5, no=0, abstain=0))


def test_r1_25_conversion_approval_a_day_after_three_months_is_refused(walk):
    at = At(walk, "conversion_approval")
    meeting_on = walk.dossier.conversion_meeting_on
    at.refused("R1.25", approved_on=add_months(meeting_on, 3) + DAY)
    dossier = at.passes(approved_on=add_months(meeting_on, 3))
    # 党龄 counts from the day probation ends, not from the approval.
    assert dossier.full_member_on == dossier.probation_ends_on
    person = _person(walk.case.subject_id)
    assert (person.party_status, person.membership_started_on) == (
        PartyStatus.FULL,
        dossier.probation_ends_on,
    )


def test_r1_23_the_committee_approves_or_returns_the_conversion_resolution(walk):
    At(walk, "conversion_approval").refused("R1.23", decision="rejected")


@pytest.mark.parametrize("missing", rules.ARCHIVE_DOCUMENTS)
def test_r1_27_archive_missing_a_document_is_refused(walk, missing):
    at = At(walk, "archive")
    Record.objects.filter(case=walk.case, kind=missing).delete()
    at.refused("R1.27")


def test_r1_27_archive_of_the_five_documents_ends_the_case(walk):
    dossier = At(walk, "archive").passes()
    assert dossier.outcome == Outcome.FULL_MEMBER
    assert dossier.archived_on == walk.fields("archive")["archived_on"]
    assert Case.objects.get(pk=walk.case.pk).status == "DONE"


def test_a_step_cannot_be_dated_before_the_documents_already_on_file(walk):
    """No back-dating: the oath may not predate the placement recorded before it."""
    at = At(walk, "oath")
    placed = Record.objects.filter(case=walk.case, kind=RecordKind.PLACEMENT).get().dated
    at.refused("date", oath_on=placed - DAY)
    at.passes(oath_on=placed)
