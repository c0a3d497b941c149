"""Who may see a whole resident ID number, and the record of each look."""

from django.db import transaction

from core.audit.chain import append
from core.flowkit.errors import NotPermitted
from core.roles.scope import has_scope


def may_see_id_number(user, person) -> bool:
    """The branch that keeps the person's file and the county organisation
    department need the whole number; everyone else sees it masked."""
    return has_scope(user, "act_for_branch", person.organisation) or has_scope(
        user, "file_for_county", person.organisation
    )


@transaction.atomic
def reveal_id_number(*, actor, person) -> str:
    if not may_see_id_number(actor, person):
        raise NotPermitted()
    append(chain=f"person:{person.pk}", action="id_number_viewed", actor=actor)
    return person.id_number
