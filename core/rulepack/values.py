"""Reading the parameter in force on a date."""

from datetime import date

from django.utils import timezone

from core.rulepack.models import RulePack
from core.rulepack.registry import PARAMETERS


def value(key: str, on: date | None = None):
    """The value of `key` in the newest pack in force on `on` (today if not given)
    that sets it, else the default."""
    default = PARAMETERS[key].default
    on = on or timezone.localdate()
    # A pack entered ahead of its date is not in force yet, even when asked "now".
    packs = RulePack.objects.filter(values__has_key=key, effective_from__lte=on)
    pack = packs.order_by("-effective_from", "-version").only("values").first()
    return default if pack is None else pack.values[key]


def in_force(on: date | None = None) -> dict:
    """Every parameter with the value in force on `on` (for pages and exports)."""
    return {key: value(key, on) for key in PARAMETERS}
