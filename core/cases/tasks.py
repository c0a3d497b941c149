from celery import shared_task
from viewflow.workflow.timers import fire_due_timers


@shared_task
def fire_flow_timers():
    """Beat task: fire due viewflow timers (viewflow ships no celery task for it)."""
    return fire_due_timers()


@shared_task
def sweep_deadlines():
    """Beat task: reminders before due dates, overdue marks and escalation after."""
    from core.cases.deadlines import sweep

    return sweep()
