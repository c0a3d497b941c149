"""Data and assertions the rectification tests share."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db.models import Model
from viewflow.workflow.models import Task

from core.audit.models import AuditEvent
from core.cases.models import Case, Deadline
from core.flowkit.errors import RuleViolation
from workflows.recruitment.flows import RecruitmentFlow
from workflows.recruitment.models import Dossier, Recruitment
from workflows.rectification import services
from workflows.rectification.forms import FORCE_FIELDS
from workflows.rectification.models import (
    Acceptance,
    Document,
    Finding,
    Force,
    Listing,
    Measure,
    OrganisationCheck,
    Problem,
    RoundKind,
    ScreeningRound,
)
from workflows.rectification.scenario import acting_user, evidence_file

DAY = timedelta(days=1)
OPENED = date(2024, 3, 1)
W4_BY_TOWNSHIP = {"code": "W4", "statement": "2023年下半年未召开支部党员大会，主题党日流于形式。"}


@contextmanager
def refused(code):
    """The block raises RuleViolation with rule `code`."""
    with pytest.raises(RuleViolation) as info:
        yield info
    assert info.value.rule == code


def snapshot():
    """Everything a rectification service may write, as plain values."""
    return (
        list(Case.objects.values_list("pk", "status", "organisation_id").order_by("pk")),
        list(Task.objects.values_list("pk", "status", "owner_id").order_by("pk")),
        AuditEvent.objects.count(),
        list(Deadline.objects.values_list("pk", "state", "due_on").order_by("pk")),
        list(ScreeningRound.objects.values().order_by("pk")),
        list(OrganisationCheck.objects.values().order_by("pk")),
        list(Finding.objects.values().order_by("pk")),
        list(Listing.objects.values().order_by("pk")),
        list(Problem.objects.values().order_by("pk")),
        Measure.objects.count(),
        Force.objects.count(),
        Acceptance.objects.count(),
        Document.objects.count(),
    )


@contextmanager
def refused_unchanged(code):
    """Refused with `code`, and nothing written."""
    before = snapshot()
    with refused(code) as info:
        yield info
    assert snapshot() == before


@contextmanager
def unchanged(error):
    """Raises `error` (NotVisible, NotPermitted ...), and nothing written."""
    before = snapshot()
    with pytest.raises(error) as info:
        yield info
    assert snapshot() == before


def check_of(round_case, organisation):
    return OrganisationCheck.objects.get(round__case=round_case, case__organisation=organisation)


def admitted(branch, approved_on):
    """A member-development case of `branch` whose admission was approved on `approved_on`."""
    case = Recruitment(flow_class=RecruitmentFlow, title="admitted")
    case.place_in(branch)
    case.save()
    Dossier.objects.create(
        case=case, applied_on=approved_on - timedelta(days=700), approved_on=approved_on
    )


def open_annual(county, opened_on=OPENED):
    return services.open_round(
        actor=county.users["county_staff"],
        county=county.orgs["county"],
        kind=RoundKind.ANNUAL,
        opened_on=opened_on,
    )


def report(walk, problem, **changes):
    fields = {
        "actor": acting_user("act_for_branch", walk.case.organisation),
        "problem": problem,
        "done_on": (walk.listing.planned_on or walk.listing.listed_on) + 20 * DAY,
        "text": "已按期召开支部党员大会，附会议记录。",
        "file": evidence_file(),
    }
    return services.report_problem(**{**fields, **changes})


def check(walk, problem, **changes):
    fields = {
        "actor": acting_user("review_for_township", walk.case.township),
        "problem": problem,
        "accepted": True,
        "checked_on": walk.listing.planned_on + 25 * DAY,
        "text": "",
    }
    return services.check_problem(**{**fields, **changes})


# --- Bodies for the pages and the API, from the scenario's service arguments ----------


def _plain(value, json):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, bool) and not json:
        return "on" if value else ""
    return value


def step_body(name, fields, json=False):
    """The form body of step `name` for the scenario's `fields` (services.complete's
    arguments): what a user types on the step page, or sends to the API."""
    fields = dict(fields)
    body = {}
    for n, item in enumerate(fields.pop("findings", ()), start=1):
        body[f"raise_{n}_code"] = item["code"]
        body[f"raise_{n}_statement"] = item["statement"]
    for pk, (confirmed, reason) in fields.pop("decisions", {}).items():
        body[f"decision_{pk}"] = "confirm" if confirmed else "dismiss"
        body[f"reason_{pk}"] = reason
    for kind, holder in fields.pop("forces", {}).items():
        body[FORCE_FIELDS[kind]] = holder.pk
    for measure in fields.pop("measures", ()):
        pk = getattr(measure["problem"], "pk", measure["problem"])
        body[f"measure_{pk}"] = measure["text"]
        body[f"due_{pk}"] = measure["due_on"].isoformat()
    if "shortcomings" in fields:
        body["shortcomings"] = "\n".join(fields.pop("shortcomings"))
    for key, value in fields.items():
        if isinstance(value, list | tuple):
            body[key] = [_plain(item, json) for item in value]
        elif value is not None:
            body[key] = _plain(value, json)
    return body
