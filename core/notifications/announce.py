"""What the engine tells people, and whom: new steps, reminders, missed dates, handovers.

Each function is called inside the transaction of the change it announces
(a step, the deadline sweep, a handover). Texts are English source marked
with gettext_noop; the reader's language is chosen when they are shown.
"""

from django.utils import translation
from django.utils.translation import gettext_noop

from core.flowkit.selectors import MAX_RECIPIENTS, officers_by_organisation, users_who_may_take
from core.notifications.links import case_link, task_link
from core.notifications.models import Kind
from core.notifications.services import notify, notify_many


def _step_params(task, case):
    # The step's title is a lazy translation: keep its English source, which
    # the notification translates for each reader.
    with translation.override("en"):
        step = str(task.flow_task.task_title or task.flow_task.name)
    return {"step": step, "case": case.title}


def new_tasks(case, tasks):
    """Tell everyone who may take each new step that it is waiting for them."""
    for task in tasks:
        notify(
            users_who_may_take(task, case)[:MAX_RECIPIENTS],
            kind=Kind.ASSIGNMENT,
            title=gettext_noop("New step: %(step)s"),
            body=gettext_noop("The step “%(step)s” of %(case)s is waiting for you or a colleague."),
            params=_step_params(task, case),
            case=case,
            link=task_link(task),
        )


def _deadline_params(deadline):
    return {
        "what": deadline.label,
        "due": deadline.due_on.isoformat(),
        "case": deadline.case.title,
    }


REMINDER = {
    "kind": Kind.REMINDER,
    "title": gettext_noop("Due on %(due)s: %(what)s"),
    "body": gettext_noop("%(case)s: “%(what)s” is due on %(due)s."),
}
# The responsible organisation and the one the miss is escalated to both hear of it.
OVERDUE = {
    "kind": Kind.OVERDUE,
    "title": gettext_noop("Overdue since %(due)s: %(what)s"),
    "body": gettext_noop(
        "%(case)s: “%(what)s” was due on %(due)s and is not done; "
        "the higher organisation has been told."
    ),
}


def deadlines_due(reminded, overdue):
    """Remind the officers responsible for `reminded`, and tell those responsible
    for `overdue` and those it is escalated to; one query for all the recipients."""
    officers = officers_by_organisation(
        {d.responsible_id for d in reminded + overdue} | {d.escalate_to_id for d in overdue}
    )

    def notice(deadline, text, organisations):
        recipients = {u.pk: u for pk in organisations for u in officers.get(pk, [])}
        fields = {
            **text,
            "params": _deadline_params(deadline),
            "case": deadline.case,
            "link": case_link(deadline.case),
        }
        return sorted(recipients.values(), key=lambda u: u.pk)[:MAX_RECIPIENTS], fields

    notify_many(
        [notice(d, REMINDER, [d.responsible_id]) for d in reminded]
        + [notice(d, OVERDUE, [d.responsible_id, d.escalate_to_id]) for d in overdue]
    )


def handed_over(task, case, actor, to_user):
    notify(
        [to_user],
        kind=Kind.HANDOVER,
        title=gettext_noop("Handed over to you: %(step)s"),
        body=gettext_noop("%(name)s handed the step “%(step)s” of %(case)s over to you."),
        params={**_step_params(task, case), "name": actor.get_full_name() or actor.username},
        case=case,
        link=task_link(task),
    )
