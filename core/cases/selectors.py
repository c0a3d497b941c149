"""Reads of deadlines for inboxes and oversight pages."""

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


def escalated_to(user):
    """Overdue deadlines escalated to an organisation the user reviews or files for.

    A township sees its branches' missed dates; the county sees missed approvals.
    """
    held = scope_paths(user, ["review_for_township", "file_for_county"])
    paths = [path for found in held.values() for path in found]
    if not paths:
        return Deadline.objects.none()
    rows = Deadline.objects.filter(
        state=DeadlineState.OPEN, overdue_at__isnull=False, case__status=PROCESS.NEW
    )
    query = None
    for path in paths:
        q = rows.filter(escalate_to__path__startswith=path)
        query = q if query is None else query | q
    return query.select_related("case", "responsible", "escalate_to").order_by("due_on")
