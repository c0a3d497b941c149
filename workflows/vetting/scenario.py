"""Lawful vetting cases, step by step, for the demo and the tests.

`Walk` drives any vetting case through the services with dates that keep
every rule; callers stop it before a step to leave the case there, or pass
`findings` to have a department find against a candidate. While a batch
waits on its departments, each `step()` answers for the next department.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.flowkit.selectors import OPEN
from core.rulepack.values import value as pack_value
from core.workdays.calendar import publicity_end
from workflows.vetting import pack, rules, services
from workflows.vetting.flows import (
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.models import (
    Batch,
    Post,
    Purpose,
    Referral,
    ReserveDossier,
    SecretaryDossier,
    SelectionDossier,
)

DAY = timedelta(days=1)


@dataclass
class Actors:
    """Who acts: the township, the county organisation department, the village
    branch, and one reviewer per department function."""

    township: object
    county: object
    branch: object
    reviewers: dict = field(default_factory=dict)

    def for_step(self, task):
        codename = task.owner_permission.split(".", 1)[1]
        if codename == "review_for_department":
            return self.reviewers[task.owner_permission_obj.vetting_role.function]
        return {
            "review_for_township": self.township,
            "file_for_county": self.county,
            "act_for_branch": self.branch,
        }[codename]


def _publicity_end(started_on, parameter):
    return publicity_end(started_on, pack_value(parameter.key, started_on))


class Walk:
    def __init__(self, case, actors: Actors, today: date | None = None, findings=None):
        self.case, self.actors, self.today = case, actors, today
        # {(department function, person pk): rules.Answer fields}
        self.findings = findings or {}

    def open_task(self):
        """The next step: the case's own, or a department's while the batch waits."""
        task = Task.objects.filter(process_id=self.case.pk, status__in=OPEN).order_by("pk").first()
        if task is not None and task.flow_task is JointReviewFlow.await_departments:
            referral = (
                Referral.objects.filter(batch_id=self.case.pk, answered_on__isnull=True)
                .order_by("pk")
                .first()
            )
            return referral.case.task_set.get(status=STATUS.NEW)
        return task

    def answers(self, referral):
        function = referral.department.function
        answers = []
        for candidate in referral.batch.candidates.all():
            finding = self.findings.get((function, candidate.person_id))
            if finding:
                answers.append(rules.Answer(candidate=candidate.pk, **finding))
            else:
                answers.append(rules.Answer(candidate=candidate.pk, evidence="未发现负面情形。"))
        return answers

    def fields(self, task):
        """Lawful fields for `task`, dated from what the case already holds."""
        name = task.flow_task.name
        if name == "review":
            referral = Referral.objects.get(case_id=task.process_id)
            return {"answered_on": referral.sent_on + 3 * DAY, "answers": self.answers(referral)}
        plans = {
            JointReviewFlow: self._joint_review,
            SecretaryFilingFlow: self._secretary_filing,
            SelectionFlow: self._selection,
            ReserveCadreFlow: self._reserve_cadre,
        }
        return plans[task.flow_task.flow_class]()[name]

    def _joint_review(self):
        b = Batch.objects.get(case_id=self.case.pk)
        concluded = b.concluded_on or b.submitted_on
        started = concluded + DAY
        return {
            "dispatch": {"dispatched_on": b.submitted_on + 2 * DAY},
            "conclude": {"concluded_on": (b.dispatched_on or b.submitted_on) + 5 * DAY},
            "publicise": {
                "started_on": started,
                "decided_on": _publicity_end(started, pack.RESULT_PUBLICITY_DAYS) + DAY,
            },
        }

    def _secretary_filing(self):
        d = SecretaryDossier.objects.get(case_id=self.case.pk)
        return {
            "file_with_county": {"filed_on": d.proposed_on + DAY},
            "county_reply": {
                "replied_on": (d.filed_on or d.proposed_on) + 5 * DAY,
                "agreed": True,
                "text": "经审核，同意该同志任村党组织书记。",
            },
            "appoint": {"appointed_on": (d.replied_on or d.proposed_on) + 2 * DAY},
            "file_result": {"filed_on": (d.appointed_on or d.proposed_on) + 3 * DAY},
            "term_audit": {
                "audited_on": (d.term_ends_on or d.proposed_on) + 10 * DAY,
                "left_office": False,
                "text": "任期经济责任审计：未发现问题。",
            },
        }

    def _selection(self):
        d = SelectionDossier.objects.get(case_id=self.case.pk)
        check = {"checked_on": d.proposed_on + 5 * DAY, "clear": True, "text": "经核查，无问题。"}
        return {
            "check_file": check,
            "check_personal_matters": check,
            "discipline_opinion": {**check, "text": "党风廉政情况：未发现问题。"},
            "check_petitions": check,
            "decision_meeting": {
                "held_on": d.proposed_on + 10 * DAY,
                "decision": "approve",
                "expected": 9,
                "present": 8,
                "yes": 7,
                "no": 1,
                "abstain": 0,
                "text": "常委会讨论决定。",
            },
            "start_publicity": {"started_on": (d.decided_on or d.proposed_on) + DAY},
            "close_publicity": {"closed_on": (d.publicity_ends_on or d.proposed_on) + DAY},
            "appoint": {
                "appointed_on": (d.publicity_closed_on or d.proposed_on) + DAY,
                "text": "任职谈话。",
            },
            "probation_review": {
                "reviewed_on": (d.probation_ends_on or d.proposed_on) + 10 * DAY,
                "confirm": True,
                "text": "试用期满考核称职，正式任职。",
            },
        }

    def _reserve_cadre(self):
        d = ReserveDossier.objects.get(case_id=self.case.pk)
        since = d.last_reviewed_on or d.entered_on or d.nominated_on
        return {
            "shortlist": {
                "shortlisted_on": d.nominated_on + 10 * DAY,
                "shortlisted": True,
                "text": "资格初审合格，民主测评优秀。",
            },
            "examine": {
                "examined_on": (d.shortlisted_on or d.nominated_on) + 20 * DAY,
                "admitted": True,
                "text": "县委组织部考察合格，纳入后备干部库。",
            },
            "yearly_review": {
                "reviewed_on": since + relativedelta(months=12),
                "keep": True,
                "text": "年度考核合格。",
            },
        }

    def step(self, **overrides):
        task = self.open_task()
        services.complete(
            actor=self.actors.for_step(task),
            task=task,
            today=self.today,
            **{**self.fields(task), **overrides},
        )
        return task.flow_task.name

    def until(self, stop_before=None):
        """Do steps until `stop_before` is the next step, or the case ends."""
        while (task := self.open_task()) is not None:
            if task.flow_task.name == stop_before:
                return task
            self.step()
        return None


def joint_review(
    actors,
    village,
    people,
    submitted_on,
    *,
    purpose=Purpose.ELECTION,
    posts=None,
    today=None,
    findings=None,
):
    """A batch for `people` (one per post, in order), walked to its final result."""
    default = Post.RESERVE if purpose == Purpose.RESERVE else Post.COMMITTEE_MEMBER
    posts = posts or [default] * len(people)
    case = services.submit_batch(
        actor=actors.township,
        village=village,
        purpose=purpose,
        candidates=list(zip(people, posts, strict=True)),
        submitted_on=submitted_on,
        text="候选人初步人选。",
        today=today,
    )
    walk = Walk(case, actors, today, findings)
    walk.until()
    return walk
