"""Reads for the rectification pages and API.

Every read starts from the cases the user may see (core.flowkit.selectors),
so a page never shows a round, check or case out of the user's scope; the
step titles come from the flows and the numbers in the guidance from the
rule pack in force.
"""

import json
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from core.cases.models import Case
from core.cases.selectors import open_deadlines_by_case
from core.flowkit.errors import NotPermitted, NotVisible
from core.flowkit.selectors import OPEN, cases_visible_to, inbox
from core.organisations.models import Organisation, OrganisationKind, Tier
from core.roles.scope import organisations_in_scope
from core.rulepack.values import value as pack_value
from core.web import history
from core.web.views import deadline_mark
from workflows.rectification import ledger, pack, rules
from workflows.rectification.flows import (
    OrganisationCheckFlow,
    RectificationFlow,
    ScreeningRoundFlow,
)
from workflows.rectification.forms import STEP_FORMS
from workflows.rectification.models import (
    Acceptance,
    Document,
    Finding,
    ForceKind,
    Listing,
    Measure,
    OrganisationCheck,
    Problem,
    ScreeningRound,
)

FLOWS = (ScreeningRoundFlow, OrganisationCheckFlow, RectificationFlow)

# What each step must satisfy, in a sentence for the person doing it; numbers the
# rule pack sets are filled in on the day (see `guide`).
GUIDE = {
    "self_check": (
        "Z2.3.1",
        _(
            "The organisation checks itself against each situation in use and writes its "
            "report; it may raise situations, each with a finding of at least 10 characters "
            "or a document."
        ),
    ),
    "township_check": (
        "Z2.3.1 W1–W10",
        _(
            "The township confirms or dismisses every situation raised, saying why it "
            "dismisses one, and may raise others. PartyFlow's proposals are read again from "
            "its records when confirmed; W7, W8 and W10 need a department's referral."
        ),
    ),
    "county_check": (
        "Z2.3.1 W1–W10",
        _(
            "The county verifies every situation the township did not dismiss, saying why it "
            "dismisses one, and may raise others."
        ),
    ),
    "decide_list": (
        "Z2.3.2 Z2.3.3",
        _(
            "Once every organisation is verified, the county lists organisations with verified "
            "situations. Listing ratio in force: %(ratio)s; listing more than it allows needs "
            "the reason."
        ),
    ),
    "assign_forces": (
        "Z2.3.5",
        _(
            "Rectification starts once these forces are assigned: %(forces)s. The county-level "
            "leader is of the county, the township leader of the township; nobody from the "
            "organisation itself, and nobody twice."
        ),
    ),
    "make_plan": (
        "Z2.3.4",
        _(
            "One plan per organisation: a diagnosis, and for every problem a measure due after "
            "the plan. Each problem's deadline is then watched and escalated to the township "
            "when missed."
        ),
    ),
    "rectify": (
        "Z2.3.6",
        _(
            "The organisation reports each problem rectified with its evidence and the township "
            "checks it, on the case page; report rectification done once every problem is closed."
        ),
    ),
    "acceptance": (
        "Z2.3.7",
        _(
            "The county's team scores the organisation and holds a democratic evaluation of at "
            "least %(size)s people: %(score)s points or more passes, unless more than %(share)s%% "
            "are unsatisfied. A failed acceptance lists what is still wrong and a date, and "
            "sends the case back to rectification."
        ),
    ),
    "delist": (
        "Z2.3.7",
        _("Delisting needs a passed acceptance and every problem closed."),
    ),
    "look_back": (
        "Z2.3.8",
        _(
            "From %(months)s months after delisting the county looks back at the organisations "
            "in the sample; a relapse names the situations found again and lists the "
            "organisation again, linked to this case."
        ),
    ),
}


def guide(name, on=None):
    """(rule codes, the step's guidance with the rule pack's numbers on `on`)."""
    on = on or timezone.localdate()
    codes, text = GUIDE[name]
    ratio = pack_value(pack.LISTING_RATIO.key, on)
    numbers = {
        "ratio": f"{ratio}%" if ratio else _("none (every verified organisation is listed)"),
        "forces": "、".join(
            str(ForceKind(kind).label) for kind in pack_value(pack.REQUIRED_FORCES.key, on)
        ),
        "size": pack_value(pack.EVALUATION_SIZE.key, on),
        "score": pack_value(pack.PASS_SCORE.key, on),
        "share": pack_value(pack.UNSATISFIED_SHARE.key, on),
        "months": pack_value(pack.LOOK_BACK_MONTHS.key, on),
    }
    return codes, text % numbers


def as_int(value):
    return int(value) if value and str(value).isdigit() else None


# --- Cases ---------------------------------------------------------------------------


def visible_cases(user, *flows):
    flows = flows or FLOWS
    return cases_visible_to(user, Case.objects.filter(flow_class__in=flows))


def visible_case(user, pk, *flows):
    """The case if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        visible_cases(user, *flows).select_related("organisation", "township"), pk=pk
    )


def open_tasks(case):
    return list(Task.objects.filter(process_id=case.pk, status__in=OPEN).order_by("created"))


def step_title(name):
    for flow_class in FLOWS:
        node = getattr(flow_class.instance, name, None)
        if node is not None and name != "start":
            return str(node.task_title or node)
    return str(OTHER_STEPS.get(name, name))


OTHER_STEPS = {
    "start": _("Opened"),
    "referral": _("Department referral"),
    "report_problem": _("Problem reported rectified"),
    "check_problem": _("Problem checked by the township"),
    "look_back_sample": _("Look-back sample"),
}


@dataclass
class Waiting:
    task: Task
    case: Case
    deadline: object
    mark: str


def waiting_for(user, today=None):
    """The user's open rectification steps, with each case's earliest deadline."""
    today = today or timezone.localdate()
    tasks = list(inbox(user).filter(process__flow_class__in=FLOWS)[:100])
    deadlines = open_deadlines_by_case({task.process_id for task in tasks})
    return [
        Waiting(
            task,
            task.process.case,
            deadlines.get(task.process_id),
            deadline_mark(deadlines.get(task.process_id), today),
        )
        for task in tasks
    ]


# --- Screening rounds --------------------------------------------------------------


def visible_rounds(user):
    """Rounds whose case the user sees, or in which they see an organisation's check."""
    checks = visible_cases(user, OrganisationCheckFlow).values("pk")
    rounds = visible_cases(user, ScreeningRoundFlow).values("pk")
    return (
        ScreeningRound.objects.filter(Q(case__in=rounds) | Q(checks__case__in=checks))
        .distinct()
        .select_related("case", "county")
        .order_by("-opened_on", "-pk")
    )


def visible_round(user, pk):
    return get_object_or_404(visible_rounds(user), pk=pk)


@dataclass
class CheckRow:
    check: OrganisationCheck
    task: Task | None
    findings: list


def check_rows(user, screening):
    """Each check of the round the user may see, with its open step and its findings."""
    cases = visible_cases(user, OrganisationCheckFlow)
    checks = (
        OrganisationCheck.objects.filter(round=screening, case__in=cases)
        .select_related("case__organisation", "case__township")
        .prefetch_related(
            Prefetch(
                "findings",
                Finding.objects.select_related("situation", "department", "document"),
            )
        )
        .order_by("case__org_path")
    )
    checks = list(checks)
    tasks = {}
    for task in Task.objects.filter(process_id__in=[c.pk for c in checks], status__in=OPEN):
        tasks[task.process_id] = task
    return [CheckRow(check, tasks.get(check.pk), list(check.findings.all())) for check in checks]


def round_summary(screening):
    """How far the round is: checks at each step, and whether the list is decided."""
    counts = {}
    for task in Task.objects.filter(
        process_id__in=screening.checks.values("case"), status__in=OPEN
    ):
        title = step_title(task.flow_task.name)
        counts[title] = counts.get(title, 0) + 1
    verified = screening.checks.filter(county_checked_on__isnull=False).count()
    ratio = pack_value(pack.LISTING_RATIO.key, timezone.localdate())
    return {
        "open": sorted(counts.items()),
        "verified": verified,
        "ratio": ratio,
        "cap": rules.listing_cap(screening.covered, ratio),
    }


def referral_departments(user, county):
    """Departments of the county the user may refer for: their own, or all for the county."""
    departments = Organisation.objects.subtree(county).filter(kind=OrganisationKind.DEPARTMENT)
    if organisations_in_scope(user, "file_for_county").filter(pk=county.pk).exists():
        return departments.order_by("path")
    own = organisations_in_scope(user, "review_for_department")
    return departments.filter(pk__in=own.values("pk")).order_by("path")


def departments_to_refer(user, screening):
    """The departments `user` may refer for in the round: 404 when the round is out of
    their sight, 403 when they see it but may not refer."""
    departments = referral_departments(user, screening.county)
    if not departments.exists():
        if not visible_rounds(user).filter(pk=screening.pk).exists():
            raise NotVisible(_("No such round."))
        raise NotPermitted(_("Referrals come from a department or the county."))
    return departments


def counties_for(user):
    """Counties where the user may open a round."""
    return organisations_in_scope(user, "file_for_county").filter(tier=Tier.COUNTY)


# --- The ledger ---------------------------------------------------------------------


def ledger_filters(user, params):
    """The ledger's filters from the query string, each limited to what the user sees."""
    townships = Organisation.objects.filter(
        tier=Tier.TOWNSHIP,
        pk__in=visible_cases(user, RectificationFlow).values("township"),
    ).order_by("path")
    stage = params.get("stage") or None
    filters = {
        "screening": visible_rounds(user).filter(pk=as_int(params.get("round"))).first(),
        "township": townships.filter(pk=as_int(params.get("township"))).first(),
        "stage": stage if stage in ledger.STAGES or stage == ledger.CLOSED else None,
        "overdue": params.get("overdue") in ("1", "true"),
    }
    return filters, townships


# --- A rectification case ------------------------------------------------------------


def listing_of(case):
    return Listing.objects.select_related("round", "earlier").get(case_id=case.pk)


def forces(case):
    return case.rectification_forces.select_related("person", "unit").order_by("kind")


def problems(case):
    return (
        Problem.objects.filter(case_id=case.pk)
        .select_related("situation", "report")
        .prefetch_related(Prefetch("measures", Measure.objects.order_by("due_on", "pk")))
        .order_by("pk")
    )


def acceptances(case):
    return (
        Acceptance.objects.filter(case_id=case.pk)
        .select_related("document")
        .order_by("held_on", "pk")
    )


def later_listings(case):
    """Cases that listed the organisation again and name this one as their earlier case."""
    return Listing.objects.filter(earlier_id=case.pk).select_related("case").order_by("listed_on")


def documents(case):
    return Document.objects.filter(case_id=case.pk).select_related("created_by")


# --- History ---------------------------------------------------------------------------

HIDDEN_KEYS = {"documents"}


def _labels():
    return history.field_labels(
        (Listing, Problem, Acceptance, OrganisationCheck, ScreeningRound), STEP_FORMS.values()
    )


def _shown(value):
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def data_line(data, labels=None):
    """An event's data as one readable line (its documents are listed elsewhere)."""
    labels = labels or _labels()
    return "; ".join(
        f"{labels.get(key, key)}: {_shown(value)}"
        for key, value in (data or {}).items()
        if key not in HIDDEN_KEYS and value not in (None, "", [], {})
    )


def timeline(case):
    labels = _labels()
    return history.timeline(
        history.case_events(case),
        lambda step: step_title(step) if step else "",
        lambda data: data_line(data, labels),
    )
