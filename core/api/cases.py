"""What every list of cases in the API filters on the same way."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers
from viewflow.workflow.status import PROCESS


def open_filter():
    """The `open` query parameter of a case list."""
    return serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("true: only cases in progress; false: only finished ones."),
    )


def in_progress(cases, wanted):
    """The cases in progress (`wanted` true), the finished ones (false), or all (None)."""
    if wanted is True:
        return cases.filter(status=PROCESS.NEW)
    if wanted is False:
        return cases.exclude(status=PROCESS.NEW)
    return cases
