"""The schema of a body that a Django form validates.

Write endpoints validate with the procedure's own forms, so the browser and
the API accept exactly the same input. These serializers only describe those
forms in the OpenAPI schema: same fields, types, choices and labels. Files are
not part of a JSON body and are left out.
"""

from django import forms
from rest_framework import serializers


def _field(field):
    common = {"required": field.required, "label": field.label}
    if field.help_text:
        common["help_text"] = field.help_text
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(
            child=serializers.IntegerField(), allow_empty=not field.required, **common
        )
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=not field.required, **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(
            choices=[(k, v) for k, v in field.choices if k != ""],
            allow_blank=not field.required,
            **common,
        )
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.DecimalField):  # before IntegerField: it subclasses it
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=field.min_value,
            coerce_to_string=False,
            **common,
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, **common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            allow_blank=not field.required, max_length=field.max_length, **common
        )
    raise TypeError(f"no schema for {type(field).__name__}")


def body_of(form_class, name, description="", **extra):
    """A serializer named `name` describing `form_class`'s fields (plus `extra` fields)."""
    fields = {
        field_name: _field(field)
        for field_name, field in form_class.base_fields.items()
        if not isinstance(field, forms.FileField)
    }
    fields.update(extra)
    return type(f"{name}Serializer", (serializers.Serializer,), {**fields, "__doc__": description})
