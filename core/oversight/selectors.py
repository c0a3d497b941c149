"""What a township committee (or the county, for any township) sees at a glance.

Who may look: holders of review_for_township (a township's secretary and
organiser, on their own township) and of file_for_county (the county
organisation department, on every township). Anyone else is refused (403);
a township asking for another township finds nothing (404).

The list of poor villages is kept by the county organisation department alone
(file_for_county): `villages_to_keep` is what it may list, 403 for anyone else.

Every figure is counted in the database, so a page costs the same few queries
however many cases the township holds. `township_figures` is what both the
page and data.json show.
"""

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from core.cases.models import Case, Deadline, DeadlineState
from core.cases.selectors import open_deadlines_by_case
from core.flowkit.errors import NotPermitted
from core.flowkit.selectors import OPEN
from core.organisations.models import Domain, Organisation, OrganisationKind, Tier
from core.oversight import pack
from core.oversight.models import DevelopmentPlan, PoorVillage
from core.oversight.rules import BRANCH_KINDS
from core.people.choices import Education
from core.roles.scope import has_scope, scope_roots
from core.rulepack.values import value
from core.web.views import deadline_mark
from workflows.recruitment.flows import STAGES, RecruitmentFlow
from workflows.recruitment.selectors import admissions_under
from workflows.rectification.pack import NO_DEVELOPMENT_YEARS

OVERSEEING = ("file_for_county", "review_for_township")
# The list of poor villages is the county's: only the county organisation department keeps it.
KEEPING_THE_LIST = ("file_for_county",)

# "Under 35" is the age on the day the branch meeting admitted the person: the
# 入党时间 from which probation runs (R1.21), the date party statistics use.
YOUNG_BELOW = 35
HIGH_SCHOOL_OR_MORE = [
    Education.POSTGRADUATE,
    Education.BACHELOR,
    Education.JUNIOR_COLLEGE,
    Education.SECONDARY_VOCATIONAL,
    Education.HIGH_SCHOOL,
]


# --- Who may look ------------------------------------------------------------------


def _roots(user):
    return [root for codename in OVERSEEING for root in scope_roots(user, codename)]


def oversees_anything(user) -> bool:
    return bool(_roots(user))


def oversees(user, organisation) -> bool:
    return any(has_scope(user, codename, organisation) for codename in OVERSEEING)


def townships_overseen(user):
    return (
        Organisation.objects.subtree_of_any(_roots(user))
        .filter(kind=OrganisationKind.COMMITTEE, tier=Tier.TOWNSHIP)
        .order_by("path")
    )


def overseen_township(user, pk):
    """The township if the user oversees it: 403 without any oversight role, 404 for
    a township outside theirs."""
    if not oversees_anything(user):
        raise NotPermitted(_("Only a township committee or the county oversees a township."))
    return get_object_or_404(townships_overseen(user), pk=pk)


# --- The county's list of poor villages ---------------------------------------------


def _keeper_roots(user):
    return [root for codename in KEEPING_THE_LIST for root in scope_roots(user, codename)]


def keeps_poor_villages(user) -> bool:
    return bool(_keeper_roots(user))


def villages_to_keep(user):
    """The village branches under the user's grants to keep the list (the organisations
    rules.check_poor_village accepts), each with `listed_on` (None while off the
    list), in tree order so a township's villages come together; and the townships
    above them. 403 for whoever keeps no list."""
    roots = _keeper_roots(user)
    if not roots:
        raise NotPermitted(
            _("Only the county organisation department keeps the list of poor villages.")
        )
    under = Organisation.objects.subtree_of_any(roots)
    villages = (
        under.filter(domain=Domain.VILLAGE, kind__in=BRANCH_KINDS)
        .annotate(listed_on=F("poor_village__listed_on"))
        .order_by("path")
    )
    return villages, under.filter(kind=OrganisationKind.COMMITTEE, tier=Tier.TOWNSHIP)


def poor_villages_seen(user, township=None):
    """The listed villages a township committee or the county oversees (of `township`
    alone, if given), in tree order. 403 without an oversight role."""
    if not oversees_anything(user):
        raise NotPermitted(_("Only a township committee or the county oversees a township."))
    roots = [township] if township else _roots(user)
    return (
        PoorVillage.objects.filter(organisation__in=Organisation.objects.subtree_of_any(roots))
        .select_related("organisation")
        .order_by("organisation__path")
    )


def plans_of(township, year=None):
    """The development plans of the township and its branches, by year then tree order."""
    plans = DevelopmentPlan.objects.filter(organisation__path__startswith=township.path)
    if year is not None:
        plans = plans.filter(year=year)
    return plans.select_related("organisation").order_by("year", "organisation__path")


# --- Cases -------------------------------------------------------------------------


def _overdue(today, case="pk"):
    """An open deadline of the outer row's case (`case` names it) already passed; an
    earliest date never is."""
    return Deadline.objects.filter(
        case=OuterRef(case), state=DeadlineState.OPEN, is_earliest=False, due_on__lt=today
    )


def open_cases(township, today):
    """Cases in progress under the township, overdue ones first, then by the next date due."""
    next_due = (
        Deadline.objects.filter(case=OuterRef("pk"), state=DeadlineState.OPEN)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return (
        Case.objects.filter(org_path__startswith=township.path, status=PROCESS.NEW)
        .annotate(overdue=Exists(_overdue(today)), next_due=Subquery(next_due))
        .select_related("organisation", "subject")
        .order_by("-overdue", F("next_due").asc(nulls_last=True), "pk")
    )


@dataclass
class Place:
    """Where an open step sits: its procedure, stage and step, for any flow."""

    procedure: str
    stage: str
    step: str
    order: tuple

    @classmethod
    def of(cls, node):
        flow_class = node.flow_class
        # Member development groups its 25 steps into the 细则's five stages; the
        # other procedures are short enough that each step is its own stage.
        number = getattr(node, "stage", None) if flow_class is RecruitmentFlow else None
        step = str(node.task_title)
        stage = f"{number} · {STAGES[number]}" if number else step
        order = (str(flow_class.process_title), number or 0, getattr(node, "step_number", 0), step)
        return cls(str(flow_class.process_title), stage, step, order)


def case_rows(cases, today):
    """The page's cases with their open steps and first deadline (two queries)."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    steps = {}
    for task in Task.objects.filter(process_id__in=ids, status__in=OPEN).order_by("created"):
        steps.setdefault(task.process_id, []).append(Place.of(task.flow_task))
    deadlines = open_deadlines_by_case(ids)
    rows = []
    for case in cases:
        deadline = deadlines.get(case.pk)
        mark = "overdue" if case.overdue else deadline_mark(deadline, today)
        rows.append(
            {"case": case, "places": steps.get(case.pk, []), "deadline": deadline, "mark": mark}
        )
    return rows


def stage_counts(township, today):
    """Open steps under the township grouped by step: cases waiting there and how many
    of them are overdue (one grouped query; a case waiting at two parallel steps
    counts at each)."""
    grouped = (
        Task.objects.filter(
            status__in=OPEN,
            process__status=PROCESS.NEW,
            process__case__org_path__startswith=township.path,
        )
        .annotate(late=Exists(_overdue(today, "process_id")))
        .values("flow_task")
        .annotate(
            cases=Count("process_id", distinct=True),
            overdue=Count("process_id", distinct=True, filter=Q(late=True)),
        )
        .order_by()
    )
    rows = [(Place.of(row["flow_task"]), row["cases"], row["overdue"]) for row in grouped]
    rows.sort(key=lambda row: row[0].order)
    stages = {}
    for place, cases, overdue in rows:
        stage = stages.setdefault(
            (place.procedure, place.stage),
            {
                "procedure": place.procedure,
                "stage": place.stage,
                "cases": 0,
                "overdue": 0,
                "steps": [],
            },
        )
        stage["cases"] += cases
        stage["overdue"] += overdue
        stage["steps"].append({"step": place.step, "cases": cases, "overdue": overdue})
    return list(stages.values())


# --- Admissions: plan, structure, idle branches, poor villages ------------------------


def _as_number(field):
    """A date as the number yyyymmdd: two such numbers differ by less than 350000
    exactly when the later date is before the 35th anniversary of the earlier."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def _admissions_by_path(township, year, today):
    """{a case's organisation path: (admissions in `year`, the last approval on or
    before `today`)} under the township, in one grouped query.

    Counting per branch in a correlated subquery cannot use the path index (the
    LIKE pattern would be the outer row's column), so each branch read every
    admission of the province: 15 s a page at 1,000,000 cases (docs/sizing.md).
    """
    rows = (
        admissions_under(township.path)
        .values("case__org_path")
        .annotate(
            admitted=Count("pk", filter=Q(approved_on__year=year)),
            last=Max("approved_on", filter=Q(approved_on__lte=today)),
        )
        .order_by()
    )
    return {row["case__org_path"]: (row["admitted"], row["last"]) for row in rows}


def _admissions_at_or_below(path, by_path):
    """(admissions in the year, last approval) of the subtree at `path`."""
    found = [figures for at, figures in by_path.items() if at.startswith(path)]
    last = [on for _, on in found if on is not None]
    return sum(admitted for admitted, _ in found), max(last, default=None)


def _organisation_rows(township, by_path, year):
    """The township and its branches, each with its admissions and its plan."""
    plan = DevelopmentPlan.objects.filter(organisation=OuterRef("pk"), year=year)
    rows = list(
        Organisation.objects.subtree(township)
        .filter(Q(pk=township.pk) | Q(kind__in=BRANCH_KINDS))
        .annotate(
            planned=Subquery(plan.values("planned")[:1]),
            planned_young=Subquery(plan.values("planned_young")[:1]),
            planned_educated=Subquery(plan.values("planned_educated")[:1]),
        )
        .order_by("path")
    )
    for row in rows:
        row.admitted, row.last_admission = _admissions_at_or_below(row.path, by_path)
    return rows


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _structure(township, year, on):
    """Admissions of the year under the township: how many, how young, how educated."""
    counted = (
        admissions_under(township.path)
        .filter(approved_on__year=year)
        .annotate(gap=_as_number("admission_meeting_on") - _as_number("case__subject__birth_date"))
        .aggregate(
            admitted=Count("pk"),
            young=Count("pk", filter=Q(gap__lt=YOUNG_BELOW * 10000)),
            educated=Count("pk", filter=Q(case__subject__education__in=HIGH_SCHOOL_OR_MORE)),
        )
    )
    admitted = counted["admitted"]
    shares = {}
    for key, parameter in (("young", pack.YOUNG_SHARE), ("educated", pack.EDUCATED_SHARE)):
        share, target = _share(counted[key], admitted), value(parameter.key, on)
        shares[key] = {
            "count": counted[key],
            "share": share,
            "target": target,
            # With nobody admitted yet there is no share to judge.
            "met": None if share is None else share >= target,
        }
    return {"admitted": admitted, **shares}


def _poor_villages(township, by_path, on):
    minimum = value(pack.POOR_VILLAGE_MINIMUM.key, on)
    villages = (
        PoorVillage.objects.filter(organisation__path__startswith=township.path)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    rows = []
    for row in villages:
        admitted, _ = _admissions_at_or_below(row.organisation.path, by_path)
        rows.append(
            {
                "id": row.organisation_id,
                "name": row.organisation.name,
                "admitted": admitted,
                "met": admitted >= minimum,
            }
        )
    return {"minimum": minimum, "villages": rows}


def _plan(row):
    return {
        "id": row.pk,
        "name": row.name,
        "planned": row.planned,
        "planned_young": row.planned_young,
        "planned_educated": row.planned_educated,
        "admitted": row.admitted,
    }


def township_figures(township, year, today):
    """Every figure of the oversight page, as plain data (the page and data.json)."""
    idle_years = value(NO_DEVELOPMENT_YEARS.key, today)
    idle_before = today - relativedelta(years=idle_years)
    by_path = _admissions_by_path(township, year, today)
    rows = _organisation_rows(township, by_path, year)
    branches = [row for row in rows if row.pk != township.pk]
    # Named apart from the `overdue` annotation it counts, which it would replace.
    totals = open_cases(township, today).aggregate(
        open=Count("pk"), late=Count("pk", filter=Q(overdue=True))
    )
    return {
        "township": {"id": township.pk, "name": township.name},
        "year": year,
        "today": today.isoformat(),
        "cases": {
            "open": totals["open"],
            "overdue": totals["late"],
            "stages": stage_counts(township, today),
        },
        "idle": {
            "years": idle_years,
            # The W5 window: no admission approved after this day (rectification.rules).
            "since": idle_before.isoformat(),
            "branches": [
                {
                    "id": row.pk,
                    "name": row.name,
                    "last_admission": row.last_admission and row.last_admission.isoformat(),
                }
                for row in branches
                if row.last_admission is None or row.last_admission <= idle_before
            ],
        },
        "plan": {
            "township": _plan(next(row for row in rows if row.pk == township.pk)),
            "branches": [_plan(row) for row in branches if row.planned is not None or row.admitted],
        },
        "structure": _structure(township, year, today),
        "poor_villages": _poor_villages(township, by_path, today),
    }
