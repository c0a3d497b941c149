"""The auditor's only write: the record that something was exported."""

from django.contrib.auth import get_user_model
from django.db import transaction

from core.audit.chain import append
from core.roles.catalogue import roles_with
from core.roles.models import RoleAssignment

EXPORTED = "exported"


def export_chain(user) -> str:
    return f"user:{user.pk}"


@transaction.atomic
def record_export(*, actor, data):
    """Append to the exporter's own chain who exported what, in which role.

    The user row is locked so that two exports by the same person at once
    take their turns on the chain instead of colliding on its sequence.
    """
    get_user_model().objects.select_for_update().get(pk=actor.pk)
    role = (
        RoleAssignment.objects.active()
        .filter(person__user=actor, role__in=roles_with("read_audit"))
        .select_related("organisation")
        .first()
    )
    return append(
        chain=export_chain(actor),
        action=EXPORTED,
        actor=actor,
        actor_role=role.role if role else "",
        actor_organisation=role.organisation if role else None,
        data=data,
    )
