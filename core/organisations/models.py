from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")  # 党委
    GENERAL_BRANCH = "general_branch", _("General branch")  # 党总支
    BRANCH = "branch", _("Branch")  # 党支部
    GROUP = "group", _("Party group")  # 党小组
    DEPARTMENT = "department", _("Department")  # 县委组织部、县纪委监委、公安局……


class Tier(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    GRASSROOTS = "grassroots", _("Grassroots")


class Domain(models.TextChoices):
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    ENTERPRISE = "enterprise", _("Enterprise")
    ORGAN = "organ", _("Party and government organ")
    INSTITUTION = "institution", _("Public institution")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other")


class OrganisationQuerySet(models.QuerySet):
    def subtree(self, root):
        """Every organisation under `root`, `root` included: one indexed prefix scan."""
        return self.filter(path__startswith=root.path)

    def subtree_of_any(self, roots):
        return self.under_any(root.path for root in roots)

    def under_any(self, paths):
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(path__startswith=path)
        return self.filter(query)


class Organisation(models.Model):
    """A node of the tree county committee -> township committees -> general
    branches -> branches -> party groups, plus the county's departments.

    `path` is the materialised path of primary keys ("/1/7/42/"), so "everything
    under X" is `path LIKE '/1/7/%'`, served by the pattern index below.
    """

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    domain = models.CharField(
        _("domain"), max_length=20, choices=Domain.choices, default=Domain.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=False)
    can_approve_members = models.BooleanField(
        _("holds approval authority for new members"),
        default=False,
        help_text=_("Only a party committee may hold it (R1.20)."),
    )
    is_temporary = models.BooleanField(_("temporary organisation"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        # Object permissions, granted with guardian on the organisation where a
        # role acts and read down its subtree (core.roles.scope).
        permissions = [
            ("view_cases", _("See the cases of the organisations below")),
            ("act_for_branch", _("Do the steps of a branch")),
            ("review_for_township", _("Review for the township committee")),
            ("approve_for_committee", _("Vote approvals for a committee with authority")),
            ("file_for_county", _("Review and file for the county organisation department")),
            ("review_for_department", _("Give a department's opinion in a joint review")),
            ("read_audit", _("Read and verify the audit history")),
            ("manage_roles", _("Grant and end roles")),
        ]
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"])
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(can_approve_members=False)
                | models.Q(kind=OrganisationKind.COMMITTEE, is_temporary=False),
                name="org_only_committee_approves",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path needs our own primary key, so a new row is written twice.
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def clean(self):
        from core.organisations.rules import check_approval_authority

        check_approval_authority(self)
        if self.parent_id and self.pk and str(self.pk) in self.parent.ancestor_ids_str():
            raise ValidationError(_("An organisation cannot be placed under itself."))

    def ancestor_ids_str(self):
        """Primary keys from the root down to this organisation, as strings."""
        return self.path.strip("/").split("/")

    def ancestor_ids(self):
        return [int(pk) for pk in self.ancestor_ids_str()]

    def ancestors(self):
        """Root first, this organisation last."""
        return Organisation.objects.filter(pk__in=self.ancestor_ids()).order_by("path")

    def is_within(self, other):
        return self.path.startswith(other.path)

    def township(self):
        """The township committee this organisation belongs to, if any."""
        return (
            Organisation.objects.filter(pk__in=self.ancestor_ids(), tier=Tier.TOWNSHIP)
            .order_by("path")
            .first()
        )

    def approving_committee(self):
        """The nearest committee above or at this one holding approval authority (R1.20)."""
        return (
            Organisation.objects.filter(pk__in=self.ancestor_ids(), can_approve_members=True)
            .order_by("-path")
            .first()
        )
