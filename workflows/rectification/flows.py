"""整顿软弱涣散基层党组织 as three viewflow graphs.

The graphs only say which step follows which and who may do it; services.py
checks and writes. Steps are done by the body §2.3 names:

- the organisation itself (self-check): act_for_branch on it;
- the township committee (re-check, plan, rectification, checking each
  problem): review_for_township on the case's township;
- the county organisation department (verification, the list, forces,
  acceptance, delisting, look-back): file_for_county on the county.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from core.cases.models import Case
from core.flowkit.flows import CaseFlow
from core.flowkit.nodes import ScopedView
from core.organisations.models import Organisation, Tier
from workflows.rectification.models import (
    Acceptance,
    OrganisationCheckCase,
    Rectification,
    ScreeningRoundCase,
)


def _case(process):
    return process if isinstance(process, Case) else process.coerced


def township_of(process):
    return _case(process).township


def county_of(process):
    organisation = _case(process).organisation
    return (
        Organisation.objects.filter(pk__in=organisation.ancestor_ids(), tier=Tier.COUNTY)
        .order_by("path")
        .first()
    )


def _step(title, codename, target=None):
    node = ScopedView(UpdateProcessView.as_view()).Annotation(title=title)
    node.Permission(f"organisations.{codename}", obj=target)
    return node


def _organisation(title):
    return _step(title, "act_for_branch")


def _township(title):
    return _step(title, "review_for_township", township_of)


def _county(title):
    return _step(title, "file_for_county", county_of)


class ScreeningRoundFlow(CaseFlow):
    """排查 then 确定 (§2.3.1–3): the county opens a round over its organisations and,
    once each is verified, decides the list at a standing-committee meeting."""

    process_class = ScreeningRoundCase
    process_title = _("Screening round")

    start = flow.StartHandle(this.start_case).Next(this.decide_list)
    decide_list = _county(_("Decide the list")).Next(this.end)
    end = flow.End().Annotation(title=_("List decided"))


class OrganisationCheckFlow(CaseFlow):
    """One organisation's check in a round: itself, the township, the county (§2.3.1)."""

    process_class = OrganisationCheckCase
    process_title = _("Screening check")

    start = flow.StartHandle(this.start_case).Next(this.self_check)
    self_check = _organisation(_("Self-check")).Next(this.township_check)
    township_check = _township(_("Re-check by the township")).Next(this.county_check)
    county_check = _county(_("Verification by the county")).Next(this.end)
    end = flow.End().Annotation(title=_("Verified"))


def acceptance_passed(activation):
    return Acceptance.objects.filter(case_id=activation.process.pk).latest().passed


class RectificationFlow(CaseFlow):
    """One listed organisation, from the list to the look-back (§2.3.3–8)."""

    process_class = Rectification
    process_title = _("Rectification of a weak and lax organisation")

    start = flow.StartHandle(this.start_case).Next(this.assign_forces)
    assign_forces = _county(_("Assign the forces")).Next(this.make_plan)
    make_plan = _township(_("Adopt the plan")).Next(this.rectify)
    rectify = _township(_("Rectify item by item")).Next(this.acceptance)
    acceptance = _county(_("Acceptance")).Next(this.accepted)
    accepted = (
        flow.Switch()
        .Annotation(title=_("Acceptance passed?"))
        .Case(this.delist, acceptance_passed)
        .Default(this.rectify)
    )
    delist = _county(_("Delist")).Next(this.look_back)
    look_back = _county(_("Look-back")).Next(this.end)
    end = flow.End().Annotation(title=_("Closed"))
