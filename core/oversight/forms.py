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


class PoorVillageForm(forms.Form):
    """A village put on the county's list of poor villages, or taken off it, on a day."""

    # Required, but True and False are both answers: checked in clean_listed.
    listed = forms.NullBooleanField(
        label=_("On the list"),
        help_text=_("true to put the village on the list, false to take it off."),
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        help_text=_("The day it is put on the list or taken off; today when left empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_listed(self):
        listed = self.cleaned_data["listed"]
        if listed is None:
            raise forms.ValidationError(
                _("Say whether the village goes on the list or off it."), code="required"
            )
        return listed


class VillageFilterForm(forms.Form):
    """Narrows the county's villages on the page: a county has hundreds."""

    township = forms.ModelChoiceField(
        label=_("Township"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    name = forms.CharField(label=_("Name contains"), required=False, max_length=50)
    listed = forms.ChoiceField(
        label=_("On the list"),
        required=False,
        choices=[("", _("All")), ("yes", _("Listed")), ("no", _("Not listed"))],
    )

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships.order_by("path")

    def filter(self, villages):
        """The villages the valid filters leave (all of them when none is valid)."""
        if not self.is_valid():
            return villages
        wanted = self.cleaned_data
        if wanted["township"]:
            villages = villages.filter(path__startswith=wanted["township"].path)
        if wanted["name"]:
            villages = villages.filter(name__icontains=wanted["name"])
        if wanted["listed"]:
            villages = villages.filter(poor_village__isnull=wanted["listed"] == "no")
        return villages
