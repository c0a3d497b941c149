from datetime import date, datetime, time

import pytest
from django.utils import timezone

from core.roles import services as roles
from core.roles.catalogue import Role
from workflows.recruitment import rules, scenario, services
from workflows.recruitment.models import RecordKind

APPLIED = date(2024, 3, 1)


@pytest.fixture
def travel(monkeypatch):
    """travel(day): the clock reads noon of `day`, so events and documents are written
    as if entered that day (the audit chain takes its time from timezone.now)."""

    def to(day):
        moment = timezone.make_aware(datetime.combine(day, time(12)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return to


@pytest.fixture
def actors(county):
    u = county.users
    return scenario.Actors(
        u["dc_branch_sec"], u["dc_organiser"], u["dc_secretary"], u["county_staff"]
    )


@pytest.fixture
def start(county, travel):
    """start(person_key, branch_key, actor_username, applied_on, relatives=()) -> case,
    entered on the day of the application."""

    def make(person_key, branch_key, username, applied_on=APPLIED, relatives=()):
        travel(applied_on)
        return services.apply(
            actor=county.users[username],
            branch=county.orgs[branch_key],
            person=county.people[person_key],
            applied_on=applied_on,
            text="入党申请书。",
            relatives=relatives,
        )

    return make


def _latest(fields):
    return max(v for v in fields.values() if isinstance(v, date))


def walk_on_time(case, actors, travel, stop_before=None):
    """Walk a lawful case, each step entered on the day it is dated (as a diligent
    branch would), so that not even the late-recording check has anything to say."""
    walk = scenario.Walk(case, actors)
    while (task := walk.open_task()) is not None and task.flow_task.name != stop_before:
        name = task.flow_task.name
        if name == "cultivate":
            for months in (5, 10):
                day = rules.add_months(walk.dossier.activist_on, months)
                travel(day)
                services.add_record(
                    actor=actors.branch,
                    case=case,
                    kind=RecordKind.EVALUATION,
                    dated=day,
                    text="考察：表现良好。",
                )
        fields = walk.fields(name)
        travel(_latest(fields))
        services.complete(actor=actors.for_step(task), task=task, **fields)
    return walk


@pytest.fixture
def township_auditor(county):
    """An auditor granted only the 西山 township."""
    from core.demo import add_person

    person = add_person(
        county, "xs_auditor", "钱审", "xishan", birth=date(1980, 2, 2), username="xs_auditor"
    )
    roles.grant_role(
        actor=None,
        person=person,
        role=Role.AUDITOR,
        organisation=county.orgs["xishan"],
        starts_on=date(2024, 1, 1),
    )
    return county.users["xs_auditor"]
