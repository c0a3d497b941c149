"""How the API answers a refusal, and how the schema documents it.

The services refuse with core.flowkit.errors: NotVisible is answered 404,
NotPermitted 403 (DRF's own handler does both), a RuleViolation 400 with its
R-code, AlreadyDone 409. Invalid input, from a Django form or a DRF
serializer, is answered 400 {"errors": {field: [messages]}}. The services
refuse before they commit, so nothing is written on any of these answers.
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.flowkit.errors import AlreadyDone, RuleViolation

NON_FIELD = "non_field_errors"


class FormInvalid(exceptions.ValidationError):
    """A Django form refused the body; carries its errors field by field."""

    def __init__(self, form):
        super().__init__(
            {
                NON_FIELD if field == "__all__" else field: [e["message"] for e in errors]
                for field, errors in form.errors.get_json_data().items()
            }
        )


def _as_posted(form):
    """A JSON body in the shape a browser posts: one string per field, a list of
    strings for a multiple choice. Django's fields expect that shape (a date field
    given a list or a number would raise, not refuse); any other shape is refused."""
    if isinstance(form.data, MultiValueDict):  # a form or multipart body: already so
        return
    if not isinstance(form.data, dict):
        raise exceptions.ValidationError({NON_FIELD: [_("A JSON object is expected.")]})
    data, wrong = {}, {}
    for name, value in form.data.items():
        field = form.fields.get(name)
        many = isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))
        values = value if many and isinstance(value, list) else [value]
        if any(isinstance(v, (list, dict)) for v in values) or (
            many and value is not None and not isinstance(value, list)
        ):
            wrong[name] = [
                _("A list of values is expected.") if many else _("One value is expected.")
            ]
            continue
        posted = [v if v is None or isinstance(v, str) else str(v) for v in values]
        data[name] = posted if many and isinstance(value, list) else posted[0]
    if wrong:
        raise exceptions.ValidationError(wrong)
    form.data = data


def valid(form):
    """The form's cleaned data, or FormInvalid."""
    _as_posted(form)
    if not form.is_valid():
        raise FormInvalid(form)
    return form.cleaned_data


def _answer(body, code):
    set_rollback()
    return Response(body, status=code)


def exception_handler(exc, context):
    if isinstance(exc, RuleViolation):
        return _answer({"rule": exc.rule, "detail": " ".join(exc.messages)}, 400)
    if isinstance(exc, AlreadyDone):
        return _answer({"detail": " ".join(exc.messages)}, status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return _answer({"errors": {NON_FIELD: exc.messages}}, 400)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {NON_FIELD: exc.detail}
        return _answer({"errors": detail}, 400)
    return drf_exception_handler(exc, context)


class ServiceErrors:
    """Mixed into every API view so refusals are answered as above whatever
    REST_FRAMEWORK["EXCEPTION_HANDLER"] says."""

    def get_exception_handler(self):
        return exception_handler


# --- For the schema ------------------------------------------------------------


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Why the request was refused."))


class RuleErrorSerializer(serializers.Serializer):
    rule = serializers.CharField(
        help_text=_("The rule that refuses the change: an R-code of the regulations, or 'date'.")
    )
    detail = serializers.CharField(help_text=_("What the rule requires, in the user's language."))


class FormErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages by field name; 'non_field_errors' for the body as a whole."),
    )


NOT_FOUND = OpenApiResponse(
    DetailSerializer, description=_("No such object, or it is outside the user's scope.")
)
FORBIDDEN = OpenApiResponse(
    DetailSerializer,
    description=_("Not logged in, or the user sees the case but their roles do not allow this."),
)
CONFLICT = OpenApiResponse(
    DetailSerializer, description=_("The step was done, cancelled or taken meanwhile.")
)
BAD_INPUT = OpenApiResponse(FormErrorsSerializer, description=_("The input is invalid."))
REFUSED = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="Refusal",
        serializers=[RuleErrorSerializer, FormErrorsSerializer],
        resource_type_field_name=None,
    ),
    description=_(
        "A rule of the regulations refuses the change ({rule, detail}), "
        "or the body is invalid ({errors})."
    ),
)
READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
WRITE_ERRORS = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
