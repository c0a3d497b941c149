"""Entering the annual development plan and the list of poor villages.

Same path as every change: authorise (404 out of sight, 403 without an
oversight role), lock the organisation, rule checks, write, audit event in the
organisation's oversight chain, all in one transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.chain import append
from core.flowkit.errors import NotPermitted, NotVisible
from core.flowkit.services import acting_role
from core.organisations.models import Organisation
from core.oversight import rules
from core.oversight.models import DevelopmentPlan, PoorVillage
from core.oversight.selectors import KEEPING_THE_LIST, OVERSEEING, oversees, oversees_anything


class Action:
    PLAN_ENTERED = "plan_entered"
    POOR_VILLAGE_LISTED = "poor_village_listed"
    POOR_VILLAGE_DELISTED = "poor_village_delisted"


def _authorise(actor, organisation, codenames):
    """The role the actor uses over `organisation`: the first of `codenames` held."""
    for codename in codenames:
        role = acting_role(actor, codename, organisation)
        if role is not None:
            return role
    # Another township's organisation is out of sight; one's own is only not theirs to do.
    if oversees_anything(actor) and not oversees(actor, organisation):
        raise NotVisible(_("No such organisation."))
    raise NotPermitted(_("Your roles do not allow this for %(org)s.") % {"org": organisation})


def authorise_listing(actor, organisation):
    """Refuse (404/403) as list_poor_village would, so a page or the API can answer
    before it reads the form; the service checks again in its transaction."""
    return _authorise(actor, organisation, KEEPING_THE_LIST)


def _locked(organisation):
    """The organisation row locked, so two entries for it are written one after the other."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _event(actor, role, organisation, action, data):
    return append(
        chain=f"oversight:{organisation.pk}",
        action=action,
        actor=actor,
        actor_role=role.role,
        actor_organisation=role.organisation,
        data={"organisation": organisation.pk, **data},
    )


@transaction.atomic
def enter_plan(
    *, actor, organisation, year, planned, planned_young=None, planned_educated=None, today=None
):
    """Set (or correct) the year's plan of a township or a branch; the county or the
    township enters it."""
    role = _authorise(actor, organisation, OVERSEEING)
    organisation = _locked(organisation)
    rules.check_plan_organisation(organisation)
    rules.check_plan_year(year, today or timezone.localdate())
    rules.check_plan_structure(planned, planned_young, planned_educated)
    figures = {
        "planned": planned,
        "planned_young": planned_young,
        "planned_educated": planned_educated,
    }
    before = (
        DevelopmentPlan.objects.filter(organisation=organisation, year=year)
        .values(*figures)
        .first()
    )
    plan, _created = DevelopmentPlan.objects.update_or_create(
        organisation=organisation, year=year, defaults=figures
    )
    _event(
        actor, role, organisation, Action.PLAN_ENTERED, {"year": year, **figures, "before": before}
    )
    return plan


@transaction.atomic
def list_poor_village(*, actor, organisation, listed, on=None):
    """Put a village on the county's list of poor villages, or take it off."""
    role = authorise_listing(actor, organisation)
    organisation = _locked(organisation)
    on = on or timezone.localdate()
    if listed:
        rules.check_poor_village(organisation)
        _row, created = PoorVillage.objects.get_or_create(
            organisation=organisation, defaults={"listed_on": on}
        )
        if created:
            _event(actor, role, organisation, Action.POOR_VILLAGE_LISTED, {"listed_on": on})
        return
    deleted, _rows = PoorVillage.objects.filter(organisation=organisation).delete()
    if deleted:
        _event(actor, role, organisation, Action.POOR_VILLAGE_DELISTED, {"delisted_on": on})
