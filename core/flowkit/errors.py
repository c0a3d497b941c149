"""What the service path answers when it refuses; views map these to 403/404/400."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


class NotVisible(Http404):
    """The actor may not even know the case exists: answered as 404."""


class NotPermitted(PermissionDenied):
    """The actor sees the case but may not do this: answered as 403."""


class AlreadyDone(ValidationError):
    """The task was completed or cancelled meanwhile (another click, another user)."""


class RuleViolation(ValidationError):
    """A rule of the regulations refuses the change; `rule` is its R-code."""

    def __init__(self, rule, message, params=None):
        super().__init__(message, code=rule, params=params)
        self.rule = rule
