from django import forms
from django.utils.translation import gettext_lazy as _

from core.people import idnumber
from core.people.models import Person


class PersonForm(forms.ModelForm):
    """Entry of a person: the ID number is checked against birth date and gender."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=15)

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "occupation",
            "organisation",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number and cleaned.get("birth_date") and cleaned.get("gender"):
            try:
                cleaned["id_number"] = idnumber.validate_id_number(
                    number, birth_date=cleaned["birth_date"], gender=cleaned["gender"]
                )
            except forms.ValidationError as error:
                self.add_error("id_number", error)
            else:
                existing = Person.find_by_id_number(cleaned["id_number"])
                if existing and existing.pk != self.instance.pk:
                    self.add_error(
                        "id_number", _("A person with this ID number is already recorded.")
                    )
                else:
                    self.instance.store_validated_id_number(cleaned["id_number"])
        return cleaned
