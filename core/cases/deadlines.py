"""Opening, closing and sweeping deadlines.

`open_deadline` / `close_deadlines` are called by procedure services inside
their step (under the case lock). `sweep` is the beat's job: it takes each due
row with SKIP LOCKED on PostgreSQL, so several dispatchers share the work and
never act twice on one deadline, and writes the reminder or the overdue mark
into the case's chain in the same transaction as the row update.
"""

from datetime import date, timedelta

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from core.audit.chain import append_many
from core.audit.events import Action, system_case_event
from core.cases.models import Case, Deadline, DeadlineState
from core.database import prepared_statements
from core.notifications import announce
from core.notifications.services import retry_emails


def open_deadline(
    case,
    *,
    kind,
    label,
    due_on,
    responsible,
    rule="",
    remind_days=7,
    escalate_to=None,
    is_earliest=False,
):
    """Start watching a date; a deadline of the same kind still open is replaced."""
    close_deadlines(case, kind, state=DeadlineState.DROPPED)
    return Deadline.objects.create(
        case=case,
        kind=kind,
        label=label,
        rule=rule,
        due_on=due_on,
        remind_on=due_on - timedelta(days=remind_days),
        responsible=responsible,
        escalate_to=escalate_to,
        is_earliest=is_earliest,
    )


def close_deadlines(case, *kinds, state=DeadlineState.MET):
    """Stop watching: the step was done (met) or the case went another way (dropped)."""
    open_rows = Deadline.objects.filter(case=case, state=DeadlineState.OPEN)
    if kinds:
        open_rows = open_rows.filter(kind__in=kinds)
    return open_rows.update(state=state, closed_at=timezone.now())


def _due(today):
    remind = Q(reminded_at__isnull=True, remind_on__lte=today)
    overdue = Q(overdue_at__isnull=True, due_on__lt=today, is_earliest=False)
    # remind_on <= today is redundant with both arms (a constraint keeps
    # remind_on <= due_on), but it lets the walk of the `deadline_pending`
    # index pass over rows not yet due without reading them.
    return Deadline.objects.filter(remind | overdue, state=DeadlineState.OPEN, remind_on__lte=today)


def _due_rows(today):
    # A cancelled case may still hold open rows; nobody can act on it any more,
    # so reminding or escalating it would only be noise.
    return _due(today).filter(case__status=PROCESS.NEW)


# A sweep that marks this many rows refreshes the table's planner statistics.
# After 394,836 overdue marks at 1,000,000 cases the planner still believed the
# overdue index held one row, and every township and county inbox took 3-4 s
# instead of 14 ms until the next ANALYZE; autovacuum would have waited for a
# tenth of the table to change (docs/sizing.md).
ANALYZE_AFTER = 10_000


def sweep(today: date | None = None, batch=500) -> dict:
    """Remind and mark overdue every deadline that has come due; returns counts.

    Locks go case first, then deadline, as in the services, so a sweep and a
    step never deadlock. A case locked by someone else (a step in progress, or
    another dispatcher) is skipped and its deadlines are seen by the next sweep.
    """
    today = today or timezone.localdate()
    counts = {"reminded": 0, "overdue": 0, "skipped": 0}
    after = 0
    while True:
        case_ids = list(_next_cases(today, after)[:batch])
        if not case_ids:
            # E-mails of notifications that failed before are tried again here,
            # the one job that runs every few minutes anyway.
            retry_emails()
            if counts["reminded"] + counts["overdue"] >= ANALYZE_AFTER:
                _refresh_statistics()
            return counts
        after = case_ids[-1]
        with prepared_statements(), transaction.atomic():
            locked = _lock_cases(case_ids)
            counts["skipped"] += len(set(case_ids) - set(locked))
            rows = _due_rows(today).filter(case_id__in=locked).select_related("case")
            _act_on(list(rows.order_by("pk")), today, counts)


def _next_cases(today, after):
    """The cases after `after` with due deadlines, in order.

    Whether a case is still open is left to the rows read under its lock
    (`_due_rows`): joined here, the planner walked every open case and looked
    each up in the pending index (0.74 s at 1M cases with nothing due) instead
    of reading the few pending rows.
    """
    due = _due(today).filter(case_id__gt=after).order_by("case_id")
    return due.values_list("case_id", flat=True).distinct()


def _refresh_statistics():
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Deadline._meta.db_table}")


def _lock_cases(case_ids):
    cases = Case.objects.filter(pk__in=case_ids).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        cases = cases.select_for_update(skip_locked=True)
    return list(cases.values_list("pk", flat=True))


def _act_on(rows, today, counts):
    """Remind and mark overdue a batch of due rows with a fixed number of queries
    (events, notifications and row updates each written at once): one at a time,
    a sweep of 100,000 timers took 14 minutes (docs/sizing.md)."""
    now = timezone.now()
    reminded = [r for r in rows if r.reminded_at is None and r.remind_on <= today]
    overdue = [r for r in rows if r.overdue_at is None and not r.is_earliest and r.due_on < today]
    reminding, escalating = {r.pk for r in reminded}, {r.pk for r in overdue}
    events = []
    for row in rows:
        data = {"deadline": row.pk, "kind": row.kind, "rule": row.rule, "due_on": row.due_on}
        if row.pk in reminding:
            events.append(
                _event(row, Action.DEADLINE_REMINDED, data, responsible=row.responsible_id)
            )
        if row.pk in escalating:
            events.append(
                _event(row, Action.DEADLINE_OVERDUE, data, escalated_to=row.escalate_to_id)
            )
    append_many(events)
    announce.deadlines_due(reminded, overdue)
    # Both dates in one UPDATE: every update of a row writes a new version of
    # it into each index, as both dates are in `deadline_pending`'s condition.
    marked = Deadline.objects.filter(pk__in=reminding | escalating)
    marked.update(
        reminded_at=_now_if_in(reminding, now, "reminded_at"),
        overdue_at=_now_if_in(escalating, now, "overdue_at"),
    )
    counts["reminded"] += len(reminded)
    counts["overdue"] += len(overdue)


def _now_if_in(pks, now, field):
    return models.Case(models.When(pk__in=pks, then=models.Value(now)), default=models.F(field))


def _event(row, action, data, **more):
    return system_case_event(case=row.case, action=action, step=row.kind, data={**data, **more})
