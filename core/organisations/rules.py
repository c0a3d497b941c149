"""Rules about organisations, as pure functions citing their source."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_approval_authority(org):
    """R1.20: only a party committee (党委) with that authority approves new
    members; a general branch (党总支) or a temporary organisation never does.
    Village and community committees under a township hold no authority: that
    is data (the flag stays off), not a type rule."""
    from core.organisations.models import OrganisationKind

    if not org.can_approve_members:
        return
    if org.kind != OrganisationKind.COMMITTEE:
        raise ValidationError(
            _("R1.20: only a party committee may hold approval authority for new members.")
        )
    if org.is_temporary:
        raise ValidationError(
            _("R1.20: a temporary party organisation may not approve new members.")
        )
