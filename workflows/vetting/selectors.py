"""Reads for cadre vetting, scoped like every other read.

A department's findings are seen by whoever sees its review case down the
tree (the county organisation department and auditors granted the county:
view_cases on the county) and by that department's own reviewers; never by
another department, and never by the township, which learns only the
result of each candidate.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.flowkit.errors import NotVisible
from core.flowkit.selectors import can_view_case, cases_visible_to
from core.organisations.models import Organisation, Tier
from core.roles.scope import has_scope, organisations_in_scope
from workflows.vetting.models import (
    Candidate,
    DepartmentFunction,
    Referral,
    Result,
    ReviewingDepartment,
    Verdict,
)


def county_of(organisation):
    """The county committee at or above `organisation`."""
    return (
        Organisation.objects.filter(pk__in=organisation.ancestor_ids(), tier=Tier.COUNTY)
        .order_by("path")
        .first()
    )


def departments_of(county):
    """The county's active reviewing departments."""
    return ReviewingDepartment.objects.filter(
        organisation__parent=county, active=True
    ).select_related("organisation")


def joint_review_departments(county):
    return departments_of(county).filter(in_joint_review=True)


def department_with(county, function):
    return departments_of(county).filter(function=function).first()


def discipline_body(county):
    """The county's discipline inspection and supervision body (§3c opinion)."""
    department = department_with(county, DepartmentFunction.DISCIPLINE)
    if department is None:
        raise ReviewingDepartment.DoesNotExist(county)
    return department


def latest_candidacy(person, village):
    """The person's most recent concluded joint review for `village`, or None.

    A later failure outweighs an earlier pass, and a review still under way
    counts only once concluded.
    """
    return (
        Candidate.objects.filter(person=person, batch__village=village)
        .exclude(result=Result.PENDING)
        .select_related("batch")
        .order_by("-batch__concluded_on", "-pk")
        .first()
    )


def may_read_findings(user, review_case) -> bool:
    return can_view_case(user, review_case) or has_scope(
        user, "review_for_department", review_case.organisation
    )


def department_findings(user, referral):
    """The verdicts of one department's review, for those allowed to read them."""
    if not may_read_findings(user, referral.case):
        raise NotVisible(_("No such review."))
    return referral.verdicts.select_related("candidate__person", "item")


def verdicts_visible_to(user):
    """Every verdict the user may read: all under their view_cases scope, plus
    their own departments' verdicts."""
    visible_cases = cases_visible_to(user).values("pk")
    own = organisations_in_scope(user, "review_for_department").values("pk")
    return Verdict.objects.filter(
        Q(referral__case__in=visible_cases) | Q(referral__department__organisation__in=own)
    )


def referrals_for(user):
    """The department reviews the user may open (their own department's, or all in sight)."""
    visible_cases = cases_visible_to(user).values("pk")
    own = organisations_in_scope(user, "review_for_department").values("pk")
    return Referral.objects.filter(
        Q(case__in=visible_cases) | Q(department__organisation__in=own)
    ).select_related("case", "department__organisation", "batch")
