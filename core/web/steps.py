"""What every procedure's step page does with its form: show it, do the step on
POST through the procedure's service, or say why not."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.flowkit.selectors import OPEN
from core.web.refusals import RULE_CODES, refusal


def step_form(request, task, case, form_class, complete, back, codes=RULE_CODES):
    """(response, form, error) for the step page.

    A valid POST does the step through `complete` (the procedure's service); then,
    or when the step was done before, the response is `back()`, where the user goes
    next. Otherwise the response is None and the page shows `form` again, with
    `error` (the refusal led by its rule's code) when a rule or a step done
    meanwhile refused it; the service wrote nothing then.
    """
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, case=case)
        if not form.is_valid():
            return None, form, None
        try:
            complete(actor=request.user, task=task, **form.kwargs())
        except ValidationError as refused:
            return None, form, refusal(refused, codes)
        task.refresh_from_db()
        if task.status in OPEN:
            messages.info(request, _("Recorded; the step stays open."))
        else:
            messages.success(
                request, _("Step done: %(step)s") % {"step": task.flow_task.task_title}
            )
        return back(), form, None
    if task.status not in OPEN:
        messages.info(request, _("This step has already been done."))
        return back(), None, None
    return None, form_class(case=case), None
