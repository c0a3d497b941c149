"""Member-development cases in every stage for the demo county, a few of them late.

Each case is walked lawfully through the services (scenario.Walk). Its
application is dated back from today by the time the Walk takes to reach the
step the case stops before, so that step is due about now whenever the demo
is loaded; three cases are left late on purpose (a talk, an evaluation, an
approval) and the sweep then marks them overdue as the beat would.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from viewflow.workflow.models import Task

from core.cases.deadlines import sweep
from core.cases.models import Deadline, DeadlineState
from core.demo import add_person
from core.flowkit.errors import RuleViolation
from core.people.choices import Gender, PartyStatus
from workflows.recruitment import scenario, services
from workflows.recruitment.flows import RecruitmentFlow
from workflows.recruitment.models import Recruitment

DC, XS = "dongcheng_village", "xishan_village"
F = Gender.FEMALE


@dataclass(frozen=True)
class Story:
    """One demo case: who applied where, how long ago, and where the case waits now."""

    key: str
    name: str
    branch: str
    birth: date
    months: int  # the application is dated this long before today
    days: int
    stop_before: str | None  # None: through to the archive
    gender: str = Gender.MALE
    not_chosen: bool = False

    def applied_on(self, today):
        # Days first: months added back later then never overshoot today.
        return today - timedelta(days=self.days) - relativedelta(months=self.months)


# Each application is dated back by the Walk's time from the application to
# the step the case stops before (the talk 10 days on, the activist 4 months
# on, a development object a year and a day after that, the admission meeting
# some 40 days after the political review, probation ending a year after the
# meeting), plus a few days so that every step done is dated today or earlier
# (a day added before a month may land up to three days later than after it).
STORIES = (
    # No talk within the month after the application: overdue.
    Story("rc_talk", "韩磊", DC, date(2001, 9, 12), 0, 45, "talk"),
    Story("rc_activist", "邓晓燕", XS, date(1998, 4, 3), 4, 0, "choose_activist", F),
    # An activist for seven months, never evaluated: the six-monthly evaluation is overdue.
    Story("rc_cultivate", "冯志刚", DC, date(1996, 1, 20), 11, 0, "cultivate"),
    Story("rc_object", "曹丽娜", XS, date(1997, 6, 8), 16, 1, "choose_development_object", F),
    Story("rc_review", "彭宇", DC, date(1995, 11, 30), 17, 1, "political_review"),
    Story("rc_publicity", "蒋文", XS, date(1999, 2, 14), 17, 10, "publicise_object"),
    Story("rc_prereview", "沈佳怡", DC, date(2000, 7, 7), 17, 30, "prereview", F),
    Story("rc_admission", "袁斌", XS, date(1994, 3, 25), 17, 40, "admission_meeting"),
    # The branch met over three months ago and the committee has not decided: overdue.
    Story("rc_approval", "唐晓梅", DC, date(1993, 10, 2), 20, 50, "approval", F),
    Story("rc_probation", "许浩", XS, date(1996, 8, 19), 22, 40, "probation"),
    Story("rc_conversion", "傅琳", DC, date(1995, 5, 5), 29, 41, "conversion_meeting", F),
    Story("rc_member", "严俊", XS, date(1992, 12, 1), 29, 85, None),
    Story("rc_closed", "秦海", DC, date(2002, 2, 28), 5, 0, "choose_activist", not_chosen=True),
)

# The Xishan village branch's members besides its secretary: enough to meet
# (three full members at least) and to give contacts and sponsors.
XISHAN_MEMBERS = (
    ("xs_member_a", "宋玉兰", date(1968, 2, 3), F),
    ("xs_member_b", "郭建华", date(1979, 9, 16), Gender.MALE),
    ("xs_member_c", "田秀芳", date(1986, 5, 27), F),
)

# Who acts for each branch: branch, township, approving committee, county.
ACTORS = {
    DC: ("dc_branch_sec", "dc_organiser", "dc_secretary", "county_staff"),
    XS: ("xs_branch_sec", "xs_organiser", "xs_organiser", "county_staff"),
}


@dataclass
class Loaded:
    cases: list = field(default_factory=list)
    # Why a case stopped short of its step (e.g. next year's holidays not yet entered).
    stalled: list = field(default_factory=list)


def load_recruitment_demo(county, today=None) -> Loaded:
    """Add the demo's development cases to `county` (core.demo.build_demo_county)."""
    today = today or timezone.localdate()
    for key, name, birth, gender in XISHAN_MEMBERS:
        add_person(county, key, name, XS, birth=birth, gender=gender)
    loaded = Loaded()
    for story in STORIES:
        person = add_person(
            county,
            story.key,
            story.name,
            story.branch,
            birth=story.birth,
            gender=story.gender,
            status=PartyStatus.MASSES,
        )
        actors = scenario.Actors(*(county.users[u] for u in ACTORS[story.branch]))
        try:
            case = scenario.start(
                person, county.orgs[story.branch], actors.branch, story.applied_on(today), today
            )
            loaded.cases.append(case)
            walk = scenario.Walk(case, actors)
            walk.until(story.stop_before, today)
            if story.not_chosen:
                fields = walk.fields("choose_activist")
                fields.update(
                    decision="close", text="党员推荐票数不足，支委会研究决定暂不列为积极分子。"
                )
                services.complete(actor=actors.branch, task=walk.open_task(), today=today, **fields)
        except RuleViolation as refused:
            loaded.stalled.append(f"{person.name}: {refused}")
    sweep(today)
    return loaded


def whereabouts(cases=None):
    """(step or end, number of cases there, of them with an overdue deadline), in flow order."""
    if cases is None:
        cases = Recruitment.objects.filter(flow_class=RecruitmentFlow)
    ids = [case.pk for case in cases]
    latest = {}
    for task in Task.objects.filter(process_id__in=ids).order_by("process_id", "pk"):
        latest[task.process_id] = task.flow_task
    overdue = set(
        Deadline.objects.filter(
            case_id__in=ids, state=DeadlineState.OPEN, overdue_at__isnull=False
        ).values_list("case_id", flat=True)
    )
    where, late = Counter(), Counter()
    for case_id, node in latest.items():
        where[node] += 1
        late[node] += case_id in overdue
    order = {node: getattr(node, "step_number", 100) for node in where}
    return [
        (str(node.task_title), where[node], late[node])
        for node in sorted(where, key=lambda node: (order[node], node.name))
    ]
