"""Where a task or a case is worked on: the procedure's own page when it has one."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

# A primary key no table will reach. Each URL name is reversed once with it, and
# a link to any other row is that URL with the key replaced: walking the resolver
# for every link took an eighth of the deadline sweep's time (one link a notice).
_ANY_PK = 987654321987654321


@lru_cache(maxsize=256)
def _pattern(name, root_urlconf, prefix):
    try:
        return reverse(name, args=[_ANY_PK])
    except NoReverseMatch:
        return None


def url_for(name, pk):
    """reverse(name, args=[pk]) for a URL that takes one key, at a fraction of its cost."""
    # Keyed on the URLconf and the script prefix in force, so a test overriding
    # the one, or a site mounted under a path, gets its own links. (No view sets
    # a request's own urlconf.)
    pattern = _pattern(name, settings.ROOT_URLCONF, get_script_prefix())
    return pattern.replace(str(_ANY_PK), str(pk)) if pattern else None


@lru_cache(maxsize=64)
def _namespace(flow_class):
    # A flow's app label, read once: `flow_class.instance` costs more than the link.
    return flow_class.instance.app_label


def procedure_url(flow_class, name, pk):
    """A procedure's own page (its URL namespace is the flow's app label), if it has one."""
    return url_for(f"{_namespace(flow_class)}:{name}", pk)


def task_link(task):
    return procedure_url(task.flow_task.flow_class, "task", task.pk) or url_for(
        "case-detail", task.process_id
    )


def case_link(case):
    return procedure_url(case.flow_class, "case", case.pk) or url_for("case-detail", case.pk)
