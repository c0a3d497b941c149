from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.organisations.models import Organisation
from core.oversight.rules import BRANCH_KINDS


class PlanForm(forms.Form):
    """The year's plan for the township or one of its branches."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned = forms.IntegerField(label=_("Planned admissions"), min_value=0)
    planned_young = forms.IntegerField(label=_("Of whom under 35"), min_value=0, required=False)
    planned_educated = forms.IntegerField(
        label=_("Of whom with high-school education or more"), min_value=0, required=False
    )

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.subtree(township)
            .filter(Q(pk=township.pk) | Q(kind__in=BRANCH_KINDS))
            .order_by("path")
        )
