"""The parameters a province may set, each with its national (or usual) default.

Procedures declare their parameters at import time with `parameter(...)`;
`core.rulepack.models.RulePack` holds the values a province has chosen. The
default is what applies when no pack sets the key, so an empty database runs
on the regulations' own numbers.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Parameter:
    key: str
    default: object
    label: str
    basis: str  # the R-code or document the default comes from
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value):
        """Refuse a value of the wrong type or outside the allowed range."""
        if type(value) is not type(self.default):
            raise ValidationError(
                _("%(key)s must be of the same kind as its default %(default)r.")
                % {"key": self.key, "default": self.default}
            )
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValidationError(
                    _("%(key)s may not be below %(min)s.") % {"key": self.key, "min": self.minimum}
                )
            if self.maximum is not None and value > self.maximum:
                raise ValidationError(
                    _("%(key)s may not be above %(max)s.") % {"key": self.key, "max": self.maximum}
                )


PARAMETERS: dict[str, Parameter] = {}


def parameter(key, default, label, basis, minimum=None, maximum=None) -> Parameter:
    param = Parameter(key, default, label, basis, minimum, maximum)
    PARAMETERS[key] = param
    return param
