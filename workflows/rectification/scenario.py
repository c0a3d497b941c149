"""A lawful screening round and rectification case, step by step, for the demo and the tests.

`ScreeningWalk` takes a round through every organisation's three checks:
the targets' situations are confirmed at each level, everyone else's are
dismissed with a reason. `CaseWalk` takes one listed organisation from its
forces to its look-back: problems reported and checked item by item, the
first acceptance failed (unless told otherwise), the second passed. Each
step is done by a user who holds its permission over the step's
organisation, the nearest grant first, and dated from what the case holds.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from viewflow.workflow.models import Task

from core.flowkit.selectors import OPEN, task_permission
from core.organisations.models import Organisation, OrganisationKind, Tier
from core.people.models import Person
from core.roles.catalogue import roles_with
from core.roles.models import RoleAssignment
from core.rulepack.values import value as pack_value
from workflows.rectification import pack, rules, services
from workflows.rectification.flows import county_of
from workflows.rectification.models import (
    Acceptance,
    Decision,
    ForceKind,
    Listing,
    OrganisationCheck,
    Problem,
    ProblemState,
)

DAY = timedelta(days=1)


def acting_user(codename, organisation):
    """A user holding `codename` over `organisation`, the nearest grant first."""
    role = (
        RoleAssignment.objects.active()
        .filter(
            scope_id__in=organisation.ancestor_ids(),
            role__in=roles_with(codename),
            person__user__isnull=False,
            person__user__is_active=True,
        )
        .select_related("person__user")
        .order_by("-scope__path", "pk")
        .first()
    )
    return role.person.user if role else None


def open_task(case):
    return Task.objects.filter(process_id=case.pk, status__in=OPEN).first()


def actor_for(task):
    return acting_user(
        task_permission(task), task.flow_task.target_organisation(task.process.coerced)
    )


def evidence_file(name="evidence.txt", text="整改佐证材料"):
    return ContentFile(text.encode(), name=name)


@dataclass
class ScreeningWalk:
    """`targets`: {organisation pk: findings the township adds there}."""

    round_case: object
    targets: dict = field(default_factory=dict)

    @property
    def screening(self):
        return self.round_case.screeninground

    def checks(self):
        return (
            OrganisationCheck.objects.filter(round=self.screening)
            .select_related("case__organisation")
            .order_by("case__org_path")
        )

    def check_of(self, organisation):
        return self.checks().get(case__organisation=organisation)

    def fields(self, name, check):
        opened = self.screening.opened_on
        target = check.case.organisation_id in self.targets
        if name == "self_check":
            return {
                "checked_on": opened + 9 * DAY,
                "report": "对照十种情形逐项自查，形成自查报告。",
            }
        findings = check.findings.all()
        if name == "township_check":
            return {
                "checked_on": opened + 19 * DAY,
                "report": "乡镇党委逐村复查，听取党员群众意见。",
                "decisions": {
                    f.pk: (target, "" if target else "复查核实：该情形不存在或已整改到位。")
                    for f in findings
                    if not f.township_decision
                },
                "findings": self.targets.get(check.case.organisation_id, []),
            }
        return {
            "checked_on": opened + 30 * DAY,
            "report": "县级领导实地核实，研判确认。",
            "decisions": {
                f.pk: (True, "")
                for f in findings
                if f.township_decision != Decision.DISMISSED and not f.county_decision
            },
        }

    def step(self, check, today=None):
        task = open_task(check.case)
        name = task.flow_task.name
        services.complete(actor=actor_for(task), task=task, today=today, **self.fields(name, check))
        return name

    def verify_all(self, today=None):
        for check in self.checks():
            while open_task(check.case) is not None:
                self.step(check, today)

    def decide(self, listed=None, today=None, **extra):
        listed = (
            listed
            if listed is not None
            else list(Organisation.objects.filter(pk__in=self.targets).order_by("path"))
        )
        task = open_task(self.round_case)
        services.complete(
            actor=actor_for(task),
            task=task,
            today=today,
            decided_on=self.screening.opened_on + 40 * DAY,
            minutes="县委常委会专题研究，确定软弱涣散基层党组织名单。",
            listed=listed,
            **extra,
        )
        return [listing.case for listing in self.screening.listings.order_by("case__org_path")]


def default_forces(case):
    """The 「四个一」 from the demo county's people: two county-level people (leader and
    stationed cadre), the township's first officer, and the county's last department."""
    county = county_of(case)
    county_people = Person.objects.filter(
        organisation__path__startswith=county.path, organisation__tier=Tier.COUNTY
    ).order_by("pk")
    township_person = Person.objects.filter(organisation=case.township).order_by("pk").first()
    unit = (
        Organisation.objects.subtree(county)
        .filter(kind=OrganisationKind.DEPARTMENT)
        .order_by("-path")
        .first()
    )
    return {
        ForceKind.COUNTY_LEADER: county_people[0],
        ForceKind.TOWNSHIP_LEADER: township_person,
        ForceKind.STATIONED: county_people[1],
        ForceKind.PAIRED_UNIT: unit,
    }


@dataclass
class CaseWalk:
    case: object
    fail_first: bool = True
    relapse: list = field(default_factory=list)

    @property
    def listing(self):
        return Listing.objects.get(case_id=self.case.pk)

    def problems(self, *states):
        problems = Problem.objects.filter(case_id=self.case.pk)
        return problems.filter(state__in=states) if states else problems

    def close_problems(self, today=None):
        """Report each open problem with its evidence; the township closes it three days on."""
        last = Acceptance.objects.filter(case_id=self.case.pk).order_by("-held_on").first()
        start = last.held_on if last else self.listing.planned_on
        for problem in self.problems(ProblemState.OPEN).order_by("pk"):
            done_on = start + 30 * DAY
            services.report_problem(
                actor=acting_user("act_for_branch", self.case.organisation),
                problem=problem,
                done_on=done_on,
                text="已按整改措施完成，附会议记录和照片。",
                file=evidence_file(f"problem-{problem.pk}.txt"),
                today=today,
            )
            services.check_problem(
                actor=acting_user("review_for_township", self.case.township),
                problem=problem,
                accepted=True,
                checked_on=done_on + 3 * DAY,
                text="实地查看，整改到位。",
                today=today,
            )

    def fields(self, name):
        listing = self.listing
        listed = listing.listed_on
        if name == "assign_forces":
            return {"assigned_on": listed + 10 * DAY, "forces": default_forces(self.case)}
        if name == "make_plan":
            planned = (listing.forces_assigned_on or listed) + 10 * DAY
            return {
                "planned_on": planned,
                "diagnosis": "问题清单与整改清单对照：班子弱、制度虚、发展停。",
                "measures": [
                    {
                        "problem": p,
                        "text": f"针对“{p.text[:20]}”制定措施",
                        "due_on": planned + 100 * DAY,
                    }
                    for p in self.problems(ProblemState.OPEN)
                ],
            }
        if name == "rectify":
            closed = max(p.closed_on for p in self.problems())
            return {"completed_on": closed + 2 * DAY, "report": "问题清单全部销号，申请验收。"}
        if name == "acceptance":
            held = listing.rectified_on + 15 * DAY
            common = {"held_on": held, "team": "县委组织部验收组", "participants": 15}
            if self.fail_first and not Acceptance.objects.filter(case_id=self.case.pk).exists():
                return {
                    **common,
                    "report": "听取汇报，民主测评，个别谈话，查阅台账：未达标。",
                    "score": 65,
                    "satisfied": 6,
                    "basically_satisfied": 4,
                    "unsatisfied": 5,
                    "shortcomings": ["组织生活记录不全，需补齐并规范。"],
                    "redo_by": held + 60 * DAY,
                }
            return {
                **common,
                "report": "听取汇报，民主测评，个别谈话，查阅台账：达标。",
                "score": 82,
                "satisfied": 11,
                "basically_satisfied": 3,
                "unsatisfied": 1,
            }
        if name == "delist":
            last = Acceptance.objects.filter(case_id=self.case.pk).latest()
            return {"delisted_on": last.held_on + 7 * DAY, "text": "经县委组织部研究，同意销号。"}
        months = pack_value(pack.LOOK_BACK_MONTHS.key, listing.delisted_on)
        return {
            "looked_on": rules.look_back_from(listing.delisted_on, months) + 5 * DAY,
            "report": "回头看：走访党员群众，查阅记录。"
            + ("问题反弹。" if self.relapse else "整顿成果巩固。"),
            "relapse": bool(self.relapse),
            "situations": self.relapse,
        }

    def step(self, today=None):
        task = open_task(self.case)
        name = task.flow_task.name
        if name == "rectify":
            self.close_problems(today)
        services.complete(actor=actor_for(task), task=task, today=today, **self.fields(name))
        return name

    def until(self, stop_before=None, today=None):
        """Do steps until `stop_before` is the open step, or the case ends."""
        while (task := open_task(self.case)) is not None:
            if task.flow_task.name == stop_before:
                return task
            self.step(today)
        return None
