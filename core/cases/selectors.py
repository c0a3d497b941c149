"""Reads of deadlines for inboxes and oversight pages."""

from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from core.cases.models import Deadline, DeadlineState
from core.roles.scope import scope_paths


def open_deadlines_by_case(case_ids):
    """{case_id: the case's earliest open deadline} for marking an inbox page."""
    found = {}
    rows = Deadline.objects.filter(case_id__in=list(case_ids), state=DeadlineState.OPEN)
    for row in rows.order_by("due_on"):
        found.setdefault(row.case_id, row)
    return found


def _escalated(user):
    """Overdue open deadlines escalated to an organisation the user reviews or
    files for, whatever their case's state."""
    held = scope_paths(user, ["review_for_township", "file_for_county"])
    paths = [path for found in held.values() for path in found]
    if not paths:
        return Deadline.objects.none()
    rows = Deadline.objects.filter(state=DeadlineState.OPEN, overdue_at__isnull=False)
    query = None
    for path in paths:
        q = rows.filter(escalate_to__path__startswith=path)
        query = q if query is None else query | q
    return query


def escalated_to(user):
    """Overdue deadlines escalated to an organisation the user reviews or files for.

    A township sees its branches' missed dates; the county sees missed approvals.
    """
    return _as_listed(_escalated(user).filter(case__status=PROCESS.NEW))


def most_overdue(user, count):
    """The first `count` of escalated_to(user), read in two steps.

    Sorted with their cases joined, every escalated deadline of a county was
    joined to its case, process and organisations before the first fifty were
    kept (1,596 of them, 23 ms at 1,000,000 cases). Here the deadlines are
    sorted alone, the open cases picked from the head of that order, and only
    the chosen rows read with their case and organisations. A deadline of a
    finished case is passed over, as escalated_to does."""
    candidates = _escalated(user).order_by("due_on", "pk").values_list("pk", "case_id")
    chosen, start = [], 0
    while len(chosen) < count:
        batch = list(candidates[start : start + 2 * count])
        if not batch:
            break
        open_cases = set(
            Process.objects.filter(
                pk__in={case for _, case in batch}, status=PROCESS.NEW
            ).values_list("pk", flat=True)
        )
        chosen += [pk for pk, case in batch if case in open_cases]
        start += len(batch)
    return _as_listed(Deadline.objects.filter(pk__in=chosen[:count]))


def _as_listed(rows):
    """Escalated rows as the inbox lists them: with what it names, most overdue first."""
    return rows.select_related("case", "responsible", "escalate_to").order_by("due_on", "pk")
