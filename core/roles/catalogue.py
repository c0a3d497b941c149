"""The roles people hold in organisations and the permissions each gives.

Each permission is an object permission on Organisation (see its Meta) and is
granted on the role's scope: the organisation whose subtree the role acts on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.organisations.models import OrganisationKind, Tier


class Role(models.TextChoices):
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    BRANCH_ORGANISER = "branch_organiser", _("Branch organising member")
    TOWNSHIP_SECRETARY = "township_secretary", _("Township committee secretary")
    TOWNSHIP_ORGANISER = "township_organiser", _("Township organiser")
    COUNTY_ORG_STAFF = "county_org_staff", _("County organisation department staff")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Joint-review department officer")
    AUDITOR = "auditor", _("Auditor")


PERMISSIONS = {
    Role.BRANCH_SECRETARY: ["view_cases", "act_for_branch"],
    Role.BRANCH_ORGANISER: ["view_cases", "act_for_branch"],
    Role.TOWNSHIP_SECRETARY: ["view_cases", "review_for_township", "approve_for_committee"],
    Role.TOWNSHIP_ORGANISER: ["view_cases", "review_for_township", "approve_for_committee"],
    Role.COUNTY_ORG_STAFF: ["view_cases", "file_for_county", "manage_roles", "read_audit"],
    Role.DEPARTMENT_REVIEWER: ["review_for_department"],
    Role.AUDITOR: ["view_cases", "read_audit"],
}

# Where each role may be held: (organisation kinds, tiers). An auditor may be
# granted any organisation; the grant is what they read.
HELD_IN = {
    Role.BRANCH_SECRETARY: ({OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH}, None),
    Role.BRANCH_ORGANISER: ({OrganisationKind.BRANCH, OrganisationKind.GENERAL_BRANCH}, None),
    Role.TOWNSHIP_SECRETARY: ({OrganisationKind.COMMITTEE}, {Tier.TOWNSHIP}),
    Role.TOWNSHIP_ORGANISER: ({OrganisationKind.COMMITTEE}, {Tier.TOWNSHIP}),
    Role.COUNTY_ORG_STAFF: ({OrganisationKind.DEPARTMENT}, {Tier.COUNTY}),
    Role.DEPARTMENT_REVIEWER: ({OrganisationKind.DEPARTMENT}, None),
    Role.AUDITOR: (None, None),
}


def scope_of(role, organisation):
    """County department staff act on the whole county: the department's parent."""
    if role == Role.COUNTY_ORG_STAFF:
        return organisation.parent
    return organisation


def roles_with(permission):
    return [role for role, perms in PERMISSIONS.items() if permission in perms]
