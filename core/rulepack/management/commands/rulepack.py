"""Print every rule-pack parameter: its default, its basis and the value in force.

Operators check what a province's packs have changed; the docs quote the list.
Values are shown as JSON, the way they are entered in a pack.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rulepack.registry import PARAMETERS
from core.rulepack.values import value


class Command(BaseCommand):
    help = "List every rule-pack parameter with its default, basis and the value in force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            help="the day to show the values in force on (YYYY-MM-DD; default today)",
        )

    def handle(self, *args, on=None, **options):
        on = on or timezone.localdate()
        for key in sorted(PARAMETERS):
            param = PARAMETERS[key]
            limits = ""
            if param.minimum is not None or param.maximum is not None:
                limits = _("  allowed: %(min)s to %(max)s") % {
                    "min": "…" if param.minimum is None else param.minimum,
                    "max": "…" if param.maximum is None else param.maximum,
                }
            self.stdout.write(key)
            self.stdout.write(f"    {param.label}")
            self.stdout.write(
                "    "
                + _("in force on %(on)s: %(value)s  default: %(default)s  basis: %(basis)s")
                % {
                    "on": on,
                    "value": json.dumps(value(key, on), ensure_ascii=False),
                    "default": json.dumps(param.default, ensure_ascii=False),
                    "basis": param.basis,
                }
                + limits
            )
