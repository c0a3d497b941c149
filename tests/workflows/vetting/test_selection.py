"""§3c selection: 凡提四必 as parallel tasks, the decision meeting, publicity on
statutory working days with objections, appointment and probation."""

from datetime import date

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from core.audit.chain import verify
from core.audit.models import AuditEvent
from core.cases.models import Deadline
from core.flowkit.errors import AlreadyDone, NotVisible, RuleViolation
from core.flowkit.selectors import OPEN, inbox
from core.rulepack.models import RulePack
from tests.workflows.vetting.conftest import TODAY
from workflows.vetting import scenario, services
from workflows.vetting.models import Appointment, Objection, SelectionDossier, SelectionOutcome

PROPOSED = date(2025, 8, 1)
NATIONAL_DAY_MONDAY = date(2025, 9, 29)


def propose(county, with_probation=True):
    return services.propose_selection(
        actor=county.users["county_staff"],
        committee=county.orgs["county"],
        person=county.people["dc_organiser"],
        post="东城镇副镇长",
        unit=county.orgs["dongcheng"],
        proposed_on=PROPOSED,
        text="县委组织部动议：东城镇政府班子缺额一名，拟从镇党委委员中选拔。",
        with_probation=with_probation,
        today=TODAY,
    )


@pytest.fixture
def walk(county, actors):
    return scenario.Walk(propose(county), actors, TODAY)


def open_steps(case):
    return sorted(t.flow_task.name for t in Task.objects.filter(process=case, status__in=OPEN))


def dossier(walk):
    return SelectionDossier.objects.get(case=walk.case)


def refused(rule, walk, **overrides):
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as info:
        walk.step(**overrides)
    assert info.value.rule == rule
    assert AuditEvent.objects.count() == before
    return info.value


def in_publicity(walk, started_on=NATIONAL_DAY_MONDAY):
    walk.until(stop_before="start_publicity")
    walk.step(started_on=started_on)
    return walk


# --- the four checks ----------------------------------------------------------


def test_the_four_checks_are_parallel_tasks(walk, county, departments):
    assert open_steps(walk.case) == [
        "check_file",
        "check_personal_matters",
        "check_petitions",
        "discipline_opinion",
    ]
    opinion = Task.objects.get(process=walk.case, flow_task=walk.case.flow_class.discipline_opinion)
    assert opinion.owner_permission_obj == county.orgs["discipline"]
    assert list(inbox(departments.reviewers["discipline"])) == [opinion]
    assert not inbox(departments.reviewers["police"]).exists()
    staff = {t.flow_task.name for t in inbox(county.users["county_staff"])}
    assert staff == {"check_file", "check_personal_matters", "check_petitions"}


def test_the_discipline_body_gives_only_its_opinion(walk, departments):
    file_check = Task.objects.get(process=walk.case, flow_task=walk.case.flow_class.check_file)
    with pytest.raises(NotVisible):
        services.complete(
            actor=departments.reviewers["discipline"],
            task=file_check,
            checked_on=PROPOSED,
            clear=True,
            text="x",
            today=TODAY,
        )


def test_the_decision_waits_for_all_four_checks(walk):
    for _done in range(3):
        walk.step()
    assert "decision_meeting" not in open_steps(walk.case)
    assert len(open_steps(walk.case)) == 1
    walk.step()
    assert open_steps(walk.case) == ["decision_meeting"]


def test_a_check_that_finds_a_problem_stops_the_selection(walk):
    walk.step()  # the personnel file
    refused("V3c.1", walk, clear=False, text="")
    walk.step(clear=False, text="个人有关事项报告漏报房产一处，查核属实。")
    walk.until()
    walk.case.refresh_from_db()
    assert walk.case.status == PROCESS.DONE
    assert dossier(walk).outcome == SelectionOutcome.CHECK_FAILED
    assert not Appointment.objects.exists()


# --- the decision meeting -----------------------------------------------------


def test_two_thirds_must_attend_the_decision(walk):
    walk.until(stop_before="decision_meeting")
    refused("V3c.2", walk, present=5, yes=5, no=0)
    walk.step(present=6, yes=5, no=1)
    assert open_steps(walk.case) == ["start_publicity"]


def test_approval_needs_more_than_half_of_the_members_expected(walk):
    walk.until(stop_before="decision_meeting")
    refused("V3c.3", walk, present=7, yes=4, no=3)
    walk.step(decision="defer", present=7, yes=4, no=3)
    assert open_steps(walk.case) == ["decision_meeting"]
    walk.step(decision="reject", present=7, yes=4, no=3)
    assert dossier(walk).outcome == SelectionOutcome.NOT_APPROVED
    assert open_steps(walk.case) == []


def test_a_province_may_ask_for_three_quarters(walk):
    RulePack.objects.create(
        version=1,
        effective_from=date(2025, 1, 1),
        values={"vetting.decision_attendance": "3/4"},
        note="test",
    )
    walk.until(stop_before="decision_meeting")
    refused("V3c.2", walk, present=6, yes=6, no=0)  # 6 of 9 is two thirds, not three quarters
    walk.step(present=7, yes=6, no=1)


# --- pre-appointment publicity ------------------------------------------------


def test_publicity_spanning_national_day_counts_statutory_working_days(walk):
    in_publicity(walk)
    d = dossier(walk)
    # 29 and 30 Sept, then 9, 10 and 11 Oct (a make-up Saturday) after the holiday.
    assert (d.publicity_started_on, d.publicity_ends_on) == (
        NATIONAL_DAY_MONDAY,
        date(2025, 10, 11),
    )
    deadline = Deadline.objects.get(case=walk.case, kind="publicity")
    assert (deadline.due_on, deadline.is_earliest) == (date(2025, 10, 11), True)
    refused("V3c.4", walk, closed_on=date(2025, 10, 11))
    walk.step(closed_on=date(2025, 10, 12))
    walk.step(appointed_on=date(2025, 10, 13))
    assert Appointment.objects.get().appointed_on == date(2025, 10, 13)


def test_an_objection_suspends_the_appointment_until_resolved(walk, county):
    in_publicity(walk)
    staff = county.users["county_staff"]
    objection = services.raise_objection(
        actor=staff,
        case=walk.case,
        received_on=date(2025, 10, 9),
        text="来信反映该同志在征地补偿中优亲厚友。",
        today=TODAY,
    )
    refused("V3c.5", walk, closed_on=date(2025, 10, 12))
    services.resolve_objection(
        actor=staff,
        objection=objection,
        resolved_on=date(2025, 10, 20),
        upheld=False,
        text="经核查，反映问题不属实。",
        today=TODAY,
    )
    with pytest.raises(AlreadyDone):
        services.resolve_objection(
            actor=staff,
            objection=objection,
            resolved_on=date(2025, 10, 21),
            upheld=True,
            text="x",
            today=TODAY,
        )
    walk.step(closed_on=date(2025, 10, 21))
    walk.step()
    assert dossier(walk).outcome == SelectionOutcome.APPOINTED
    steps = list(
        AuditEvent.objects.filter(case=walk.case, step="objection").values_list("data", flat=True)
    )
    assert [("received_on" in s, s.get("upheld")) for s in steps] == [(True, None), (False, False)]
    assert verify(chain=f"case:{walk.case.pk}").ok


def test_an_upheld_objection_stops_the_appointment(walk, county):
    in_publicity(walk)
    staff = county.users["county_staff"]
    objection = services.raise_objection(
        actor=staff,
        case=walk.case,
        received_on=date(2025, 10, 9),
        text="反映其档案年龄造假。",
        today=TODAY,
    )
    services.resolve_objection(
        actor=staff,
        objection=objection,
        resolved_on=date(2025, 10, 15),
        upheld=True,
        text="经核查属实。",
        today=TODAY,
    )
    walk.step(closed_on=date(2025, 10, 16))
    assert dossier(walk).outcome == SelectionOutcome.OBJECTION_UPHELD
    assert open_steps(walk.case) == []
    assert not Appointment.objects.exists()


def test_objections_are_received_only_while_the_publicity_is_open(walk, county):
    walk.until(stop_before="start_publicity")
    with pytest.raises(RuleViolation) as info:
        services.raise_objection(
            actor=county.users["county_staff"],
            case=walk.case,
            received_on=date(2025, 9, 1),
            text="x",
            today=TODAY,
        )
    assert info.value.rule == "V3c.5"
    assert not Objection.objects.exists()


def test_another_township_cannot_record_an_objection(walk, county):
    in_publicity(walk)
    with pytest.raises(NotVisible):
        services.raise_objection(
            actor=county.users["xs_organiser"],
            case=walk.case,
            received_on=date(2025, 10, 9),
            text="x",
            today=TODAY,
        )


# --- appointment and probation ------------------------------------------------


def test_probation_ends_after_a_year_with_confirmation(walk):
    walk.until(stop_before="probation_review")
    d = dossier(walk)
    assert d.probation_ends_on == date(
        d.appointed_on.year + 1, d.appointed_on.month, d.appointed_on.day
    )
    assert Deadline.objects.get(case=walk.case, kind="probation_end").is_earliest
    refused("V3c.6", walk, reviewed_on=date(2026, 8, 1))
    walk.step()
    assert dossier(walk).outcome == SelectionOutcome.CONFIRMED
    walk.case.refresh_from_db()
    assert walk.case.status == PROCESS.DONE


def test_removal_after_probation_is_recorded_with_its_reason(walk):
    walk.until(stop_before="probation_review")
    walk.step(confirm=False, text="试用期考核不称职，免去试任职务，按原职级安排。")
    assert dossier(walk).outcome == SelectionOutcome.REMOVED


def test_a_post_without_probation_ends_at_the_appointment(county, actors):
    walk = scenario.Walk(propose(county, with_probation=False), actors, TODAY)
    walk.until()
    assert dossier(walk).outcome == SelectionOutcome.APPOINTED
    assert not Task.objects.filter(process=walk.case, status=STATUS.NEW).exists()


def test_a_county_without_a_discipline_body_cannot_start_a_selection(county):
    with pytest.raises(RuleViolation) as info:
        propose(county)
    assert info.value.rule == "V3c.1"
