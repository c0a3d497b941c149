"""Where a task or a case is worked on: the procedure's own page when it has one."""

from django.urls import NoReverseMatch, reverse


def procedure_url(flow_class, name, pk):
    """A procedure's own page (its URL namespace is the flow's app label), if it has one."""
    try:
        return reverse(f"{flow_class.instance.app_label}:{name}", args=[pk])
    except NoReverseMatch:
        return None


def task_link(task):
    return procedure_url(task.flow_task.flow_class, "task", task.pk) or reverse(
        "case-detail", args=[task.process_id]
    )


def case_link(case):
    return procedure_url(case.flow_class, "case", case.pk) or reverse("case-detail", args=[case.pk])
