"""A lawful member-development case, step by step, for the demo and the tests.

`Walk` drives a case through the services with dates that keep every rule:
the talk ten days after the application, an activist four months later,
evaluations every five months, a development object just after one year,
the admission meeting two months later and the conversion the day after
probation ends. Callers stop it at any step to leave a case in that stage.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from viewflow.workflow.models import Task

from core.flowkit.selectors import OPEN
from core.people.choices import PartyStatus
from core.people.models import Person
from workflows.recruitment import rules, services
from workflows.recruitment.models import Dossier, Record, RecordKind

DAY = timedelta(days=1)


def votes(members: int) -> rules.Votes:
    """Every full member present and in favour."""
    return rules.Votes(expected=members, present=members, yes=members, no=0, abstain=0)


@dataclass
class Actors:
    """The users who act for the case's branch, township, committee and county."""

    branch: object
    township: object
    committee: object
    county: object

    def for_step(self, task):
        codename = task.owner_permission.split(".", 1)[1]
        return {
            "act_for_branch": self.branch,
            "review_for_township": self.township,
            "approve_for_committee": self.committee,
            "file_for_county": self.county,
        }[codename]


class Walk:
    def __init__(self, case, actors: Actors):
        self.case, self.actors = case, actors

    @property
    def dossier(self):
        return Dossier.objects.get(case_id=self.case.pk)

    def open_task(self):
        return Task.objects.filter(process_id=self.case.pk, status__in=OPEN).first()

    def members(self, count):
        """Full members of the branch other than the candidate (contacts, sponsors)."""
        return list(
            Person.objects.filter(
                organisation__path__startswith=self.case.organisation.path,
                party_status=PartyStatus.FULL,
            )
            .exclude(pk=self.case.subject_id)
            .order_by("pk")[:count]
        )

    def full_members(self):
        return len(self.members(1000))

    def fields(self, name):
        """Lawful fields for step `name`, dated from what the dossier already holds."""
        d = self.dossier
        a = d.applied_on
        m = d.admission_meeting_on
        end = d.probation_ends_on
        plan = {
            "talk": {"talked_on": a + 10 * DAY, "talker": "支部书记", "text": "了解入党动机。"},
            "choose_activist": {
                "decision": "chosen",
                "decided_on": rules.add_months(a, 4),
                "nomination": "members",
                "text": "党员推荐，支委会研究决定。",
            },
            "file_activist": {"filed_on": (d.activist_on or a) + 5 * DAY},
            "assign_contacts": {
                "contacts": self.members(2),
                "assigned_on": (d.activist_on or a) + 5 * DAY,
            },
            "cultivate": {
                "completed_on": rules.add_months(d.activist_on or a, 12),
                "text": "培养考察总结。",
            },
            "choose_development_object": {
                "decision": "chosen",
                "decided_on": rules.development_eligible_from(d.activist_on or a) + DAY,
                "text": "听取党小组、培养联系人、党员和群众意见，同意列为发展对象。",
            },
            "file_development_object": {"filed_on": (d.development_object_on or a) + 5 * DAY},
            "assign_sponsors": {
                "sponsors": self.members(2),
                "assigned_on": (d.development_object_on or a) + 6 * DAY,
            },
            "political_review": {
                "concluded_on": rules.add_months(d.development_object_on or a, 1),
                "conclusion": "政治审查合格，本人及直系亲属政治历史清楚。",
                "passed": True,
            },
            "training": {
                "started_on": (d.political_review_on or a) + 2 * DAY,
                "finished_on": (d.political_review_on or a) + 4 * DAY,
                "days": 3,
                "hours": 24,
                "text": "县委党校集中培训。",
            },
            "publicise_object": {
                "started_on": (d.trained_on or a) + 5 * DAY,
                "decided_on": (d.trained_on or a) + 20 * DAY,
            },
            "branch_review": {
                "reviewed_on": (d.trained_on or a) + 22 * DAY,
                "text": "支委会审查，同意报上级党委预审。",
            },
            "prereview": {
                "decision": "passed",
                "reviewed_on": (d.trained_on or a) + 25 * DAY,
                "text": "预审合格，发放入党志愿书。",
            },
            "volunteer_form": {"filled_on": (d.trained_on or a) + 28 * DAY, "text": "入党志愿书。"},
            "admission_meeting": {
                "held_on": (d.trained_on or a) + 35 * DAY,
                "votes": votes(self.full_members()),
                "secretary": "支部书记",
                "text": "支部大会决议：同意接收为预备党员。",
            },
            "committee_talk": {
                "talked_on": (m or a) + 10 * DAY,
                "talker": "党委组织委员",
                "text": "谈话。",
            },
            "approval": {
                "decision": "approved",
                "approved_on": (m or a) + 30 * DAY,
                "text": "党委会集体讨论，同意接收为预备党员。",
                "members_present": 7,
                "votes_for": 7,
            },
            "county_filing": {"filed_on": (d.approved_on or a) + 5 * DAY},
            "placement": {"placed_on": (d.approved_on or a) + 6 * DAY},
            "oath": {"oath_on": (d.approved_on or a) + 7 * DAY, "text": "面向党旗宣誓。"},
            "probation": {"completed_on": (end or a) - 40 * DAY, "text": "预备期教育考察情况。"},
            "conversion_application": {"applied_on": (end or a) - 30 * DAY, "text": "转正申请书。"},
            "publicise_conversion": {
                "started_on": (end or a) - 25 * DAY,
                "decided_on": (end or a) - 5 * DAY,
            },
            "conversion_meeting": {
                "held_on": (end or a) + DAY,
                "proposal": "convert",
                "votes": votes(self.full_members()),
                "secretary": "支部书记",
                "text": "支部大会决议：同意按期转正。",
            },
            "conversion_approval": {
                "decision": "approved",
                "approved_on": (d.conversion_meeting_on or a) + 20 * DAY,
                "text": "同意按期转为正式党员。",
            },
            "archive": {
                "archived_on": (d.full_member_on or a) + 40 * DAY,
                "text": "五份材料归档。",
            },
        }
        return self._after_documents(plan[name])

    def _after_documents(self, fields):
        """On a second pass through a step (a loop back), move its dates after the
        documents already on file, keeping their spacing."""
        latest = (
            Record.objects.filter(case_id=self.case.pk)
            .order_by("-dated")
            .values_list("dated", flat=True)
            .first()
        )
        dates = [v for v in fields.values() if isinstance(v, date)]
        if latest is None or not dates or min(dates) >= latest:
            return fields
        shift = latest - min(dates)
        return {k: v + shift if isinstance(v, date) else v for k, v in fields.items()}

    def before(self, name):
        """Records the rules need before a step (half-yearly evaluations, R1.7)."""
        if name != "cultivate" or self.dossier.last_evaluated_on != self.dossier.activist_on:
            return
        activist_on = self.dossier.activist_on
        for months in (5, 10):
            services.add_record(
                actor=self.actors.branch,
                case=self.case,
                kind=RecordKind.EVALUATION,
                dated=rules.add_months(activist_on, months),
                text=f"第{months // 5}次考察：表现良好。",
            )

    def step(self, today=None):
        task = self.open_task()
        name = task.flow_task.name
        self.before(name)
        services.complete(
            actor=self.actors.for_step(task), task=task, today=today, **self.fields(name)
        )
        return name

    def until(self, stop_before=None, today=None):
        """Do steps until `stop_before` is the open step, or the case ends."""
        while (task := self.open_task()) is not None:
            if task.flow_task.name == stop_before:
                return task
            self.step(today)
        return None


def start(person, branch, actor, applied_on: date, today=None):
    return services.apply(
        actor=actor,
        branch=branch,
        person=person,
        applied_on=applied_on,
        text="入党申请书。",
        today=today,
    )
