"""Who acts for a generated case: the users holding the roles around its branch."""

from datetime import date

from django.contrib.auth import get_user_model

from core.roles.catalogue import Role
from workflows.recruitment import scenario


def _holder(role, **where):
    return (
        get_user_model()
        .objects.filter(
            person__roles__role=role, **{f"person__roles__{k}": v for k, v in where.items()}
        )
        .order_by("pk")
        .first()
    )


def actors_for(case):
    township = case.township
    organiser = _holder(Role.TOWNSHIP_ORGANISER, organisation=township)
    return scenario.Actors(
        branch=_holder(Role.BRANCH_SECRETARY, organisation=case.organisation),
        township=organiser,
        committee=organiser,
        county=_holder(Role.COUNTY_ORG_STAFF, scope=township.parent),
    )


def planned_day(walk, name, today):
    """The day the scenario would do step `name`: the case may only go on then."""
    days = [v for v in walk.fields(name).values() if isinstance(v, date)]
    return max([today, *days])
