"""The oversight API: a township's development plans, and the county's list of poor villages.

Bodies are validated by the page's forms (forms.py) and handed to the same
services. The user is authorised before the body is read: without an
oversight role 403, a township or village outside one's own 404, a township
committee changing the county's list 403, whatever they sent. A refusing rule
is answered 400 {rule, detail}, and nothing is written.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import BAD_INPUT, FORBIDDEN, NOT_FOUND, REFUSED, ServiceErrors, valid
from core.api.forms import body_of
from core.api.serializers import OrganisationRefSerializer
from core.organisations.models import Organisation
from core.oversight import forms, selectors, services
from core.oversight.models import DevelopmentPlan, PoorVillage

# --- Representations -----------------------------------------------------------


class OversightPlanSerializer(serializers.ModelSerializer):
    """A year's plan of admissions for a township committee or one of its branches."""

    organisation = OrganisationRefSerializer()

    class Meta:
        model = DevelopmentPlan
        fields = ["organisation", "year", "planned", "planned_young", "planned_educated"]


class OversightPoorVillageSerializer(serializers.Serializer):
    """A village's party branch and whether it is on the county's list of poor villages."""

    organisation = OrganisationRefSerializer()
    listed = serializers.BooleanField()
    listed_on = serializers.DateField(
        allow_null=True, help_text=_("The day it was put on the list; null while off it.")
    )


def _village(organisation, row):
    return {
        "organisation": organisation,
        "listed": row is not None,
        "listed_on": row and row.listed_on,
    }


class PlanFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, help_text=_("Only this year's plans."))


class TownshipFilterSerializer(serializers.Serializer):
    township = serializers.IntegerField(
        required=False, help_text=_("Only the villages of this township.")
    )


PLAN = body_of(
    forms.PlanForm,
    "OversightPlanBody",
    _(
        "The year's plan of the township (`organisation` is the township's id) or of one of "
        "its branches; a plan already entered for that year is corrected."
    ),
)
LISTING = body_of(
    forms.PoorVillageForm,
    "OversightPoorVillageBody",
    _("Put the village on the county's list of poor villages, or take it off."),
)
CHANGE_ERRORS = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}
READ_ERRORS = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND}


# --- Views -----------------------------------------------------------------------


class Plans(ServiceErrors, APIView):
    """A township's development plans and its branches', for its committee and the county."""

    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[PlanFilterSerializer],
        responses={200: OversightPlanSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        township = selectors.overseen_township(request.user, pk)
        query = PlanFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plans = selectors.plans_of(township, query.validated_data.get("year"))
        return Response(OversightPlanSerializer(plans, many=True).data)

    @extend_schema(request=PLAN, responses={200: OversightPlanSerializer, **CHANGE_ERRORS})
    def post(self, request, pk):
        township = selectors.overseen_township(request.user, pk)
        fields = valid(forms.PlanForm(request.data, township=township))
        plan = services.enter_plan(actor=request.user, **fields)
        return Response(OversightPlanSerializer(plan).data)


class PoorVillages(ServiceErrors, APIView):
    """The listed poor villages a township committee or the county oversees."""

    @extend_schema(
        parameters=[TownshipFilterSerializer],
        responses={200: OversightPoorVillageSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        query = TownshipFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        pk = query.validated_data.get("township")
        township = selectors.overseen_township(request.user, pk) if pk is not None else None
        rows = selectors.poor_villages_seen(request.user, township)
        data = [_village(row.organisation, row) for row in rows]
        return Response(OversightPoorVillageSerializer(data, many=True).data)


class Listing(ServiceErrors, APIView):
    """The county organisation department puts a village on its list or takes it off."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=LISTING, responses={200: OversightPoorVillageSerializer, **CHANGE_ERRORS}
    )
    def post(self, request, pk):
        village = get_object_or_404(Organisation, pk=pk)
        services.authorise_listing(request.user, village)
        fields = valid(forms.PoorVillageForm(request.data))
        services.list_poor_village(actor=request.user, organisation=village, **fields)
        row = PoorVillage.objects.filter(organisation=village).first()
        return Response(OversightPoorVillageSerializer(_village(village, row)).data)


urlpatterns = [
    path("townships/<int:pk>/plans/", Plans.as_view(), name="api-oversight-plans"),
    path("poor-villages/", PoorVillages.as_view(), name="api-oversight-poor-villages"),
    path("poor-villages/<int:pk>/", Listing.as_view(), name="api-oversight-poor-village"),
]
