"""The rectification API: the cases and the ledger, any step, problems reported and
checked, referrals.

Every body is validated by the same form as the web page (forms.py) and
handed to the same service (services.py); before the body is read the user
is authorised, so someone out of scope gets 404 and someone in scope without
the role gets 403, whatever they sent. Evidence files go as multipart form
data; everything else may be JSON.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import READ_ERRORS, WRITE_ERRORS, ServiceErrors, valid
from core.api.forms import body_of
from core.api.serializers import (
    CaseSerializer,
    OrganisationRefSerializer,
    register_dossier,
)
from core.api.steps import camel, complete_step, step_schema
from core.api.views import case_detail, human_task
from core.flowkit import services as flowkit
from core.flowkit.errors import NotVisible
from workflows.rectification import forms, ledger, selectors, services
from workflows.rectification.flows import (
    OrganisationCheckFlow,
    RectificationFlow,
    ScreeningRoundFlow,
)
from workflows.rectification.models import (
    Acceptance,
    Finding,
    Force,
    Listing,
    Measure,
    OrganisationCheck,
    Problem,
    ScreeningRound,
    Source,
)

PARSERS = [JSONParser, MultiPartParser]

# --- Representations -----------------------------------------------------------------


class RectificationFindingSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="situation.code")
    situation = serializers.CharField(source="situation.name")
    organisation = serializers.IntegerField(source="org_check.case.organisation_id")
    evidence = serializers.DictField(help_text=_("What PartyFlow read from its records."))
    # Plain strings: one choice set under two names would be two enums in the schema.
    township_decision = serializers.CharField(help_text=_("confirmed, dismissed or ''."))
    county_decision = serializers.CharField(help_text=_("confirmed, dismissed or ''."))

    class Meta:
        model = Finding
        fields = [
            "id",
            "organisation",
            "code",
            "situation",
            "source",
            "statement",
            "evidence",
            "department",
            "department_kind",
            "received_on",
            "township_decision",
            "township_reason",
            "county_decision",
            "county_reason",
        ]


class RectificationOrganisationCheckSerializer(serializers.ModelSerializer):
    """An organisation's check in a screening round, with the situations raised."""

    findings = RectificationFindingSerializer(many=True)
    unavailable = serializers.DictField(
        help_text=_("Situations PartyFlow could not propose, and why.")
    )

    class Meta:
        model = OrganisationCheck
        exclude = ["case"]


class RectificationScreeningRoundSerializer(serializers.ModelSerializer):
    """A screening round and its list decision."""

    county = OrganisationRefSerializer()

    class Meta:
        model = ScreeningRound
        exclude = ["case"]


class RectificationForceSerializer(serializers.ModelSerializer):
    holder = serializers.CharField()
    post = serializers.CharField(help_text=_("first_secretary or instructor (stationed only)."))

    class Meta:
        model = Force
        fields = ["kind", "person", "unit", "post", "holder", "assigned_on"]


class RectificationMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "text", "due_on"]


class RectificationProblemSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="situation.code", allow_null=True, default=None)
    measures = RectificationMeasureSerializer(many=True)
    evidence_sha256 = serializers.CharField(
        source="report.sha256", default="", help_text=_("SHA-256 of the evidence file.")
    )

    class Meta:
        model = Problem
        fields = [
            "id",
            "case",
            "code",
            "text",
            "origin",
            "due_on",
            "state",
            "closed_on",
            "measures",
            "evidence_sha256",
        ]


class RectificationAcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acceptance
        exclude = ["case", "document"]


class RectificationListingSerializer(serializers.ModelSerializer):
    """A listed organisation's rectification: forces, problems, acceptances, look-back."""

    forces = RectificationForceSerializer(source="case.rectification_forces", many=True)
    problems = RectificationProblemSerializer(source="case.rectification_problems", many=True)
    acceptances = RectificationAcceptanceSerializer(source="case.acceptances", many=True)

    class Meta:
        model = Listing
        exclude = ["case"]


register_dossier(
    RectificationFlow,
    RectificationListingSerializer,
    lambda case: Listing.objects.get(case_id=case.pk),
)
register_dossier(
    OrganisationCheckFlow,
    RectificationOrganisationCheckSerializer,
    lambda case: OrganisationCheck.objects.get(case_id=case.pk),
)
register_dossier(
    ScreeningRoundFlow,
    RectificationScreeningRoundSerializer,
    lambda case: ScreeningRound.objects.get(case_id=case.pk),
)


class RectificationLedgerRowSerializer(serializers.Serializer):
    """One row of the ledger (台账); the Excel download has the same rows and columns."""

    case = serializers.IntegerField()
    township = serializers.CharField()
    organisation = serializers.CharField()
    domain = serializers.CharField()
    round = serializers.CharField()
    basis = serializers.CharField()
    listed_on = serializers.DateField()
    listed_before = serializers.BooleanField()
    earlier_case = serializers.IntegerField(allow_null=True)
    situations = serializers.CharField()
    stage = serializers.CharField()
    step = serializers.CharField(help_text=_("The open step ('' once the case is closed)."))
    county_leader = serializers.CharField()
    township_leader = serializers.CharField()
    stationed = serializers.CharField()
    paired_unit = serializers.CharField()
    problems = serializers.IntegerField()
    open_problems = serializers.IntegerField()
    next_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    last_acceptance = serializers.CharField()
    delisted_on = serializers.DateField(allow_null=True)
    look_back = serializers.CharField()


class RectificationLedgerFilterSerializer(serializers.Serializer):
    round = serializers.IntegerField(required=False, help_text=_("Only this screening round."))
    township = serializers.IntegerField(required=False, help_text=_("Only this township."))
    stage = serializers.ChoiceField(
        choices=[*ledger.STAGES, ledger.CLOSED],
        required=False,
        help_text=_("Only cases at this step, or closed ones."),
    )
    overdue = serializers.BooleanField(required=False, help_text=_("Only overdue cases."))


# --- Bodies, described from the forms ---------------------------------------------------


def _codes(form_class):
    """Situations are named by code (W1 …), not by id."""
    fields = {}
    for name in forms.CODE_FIELDS & set(form_class.base_fields):
        field = form_class.base_fields[name]
        fields[name] = serializers.CharField(
            label=field.label, required=field.required, allow_blank=not field.required
        )
    for name in forms.CODE_LIST_FIELDS & set(form_class.base_fields):
        field = form_class.base_fields[name]
        fields[name] = serializers.ListField(
            child=serializers.CharField(), label=field.label, required=field.required
        )
    return fields


ROW_FIELDS = {
    "township_check": _(
        "Plus, for every finding before the township: `decision_<finding id>` (confirm or "
        "dismiss) and `reason_<finding id>` (required when dismissed)."
    ),
    "county_check": _(
        "Plus, for every finding the township did not dismiss: `decision_<finding id>` "
        "(confirm or dismiss) and `reason_<finding id>` (required when dismissed)."
    ),
    "make_plan": _(
        "Plus, for every open problem: `measure_<problem id>` (the measure) and "
        "`due_<problem id>` (its due date)."
    ),
}


def _step_body(name):
    node = next(
        getattr(flow.instance, name) for flow in selectors.FLOWS if hasattr(flow.instance, name)
    )
    codes, _text = selectors.GUIDE[name]
    about = format_lazy(
        "{title} ({codes}). {rows}",
        title=node.task_title,
        codes=codes,
        rows=ROW_FIELDS.get(name, ""),
    )
    form = forms.STEP_FORMS[name]
    return body_of(form, f"Rectification{camel(name)}Step", about, **_codes(form))


STEP_BODIES = {name: _step_body(name) for name in forms.STEP_FORMS}
STEP_LIST = format_lazy(
    "{intro}\n\n" + "\n".join(f"- `{n}`: `Rectification{camel(n)}Step`" for n in STEP_BODIES),
    intro=_(
        "Do the open step `id` of a screening round, an organisation's check or a "
        "rectification case. The body is the step's fields (dates ISO 8601, people and "
        "organisations their ids, situations their codes); files go as multipart form data. "
        "The step's rules are checked before anything is written. Bodies by step:"
    ),
)
REPORT = body_of(
    forms.ProblemReportForm,
    "RectificationProblemReport",
    _("A problem reported rectified, with its evidence file (multipart)."),
    file=serializers.FileField(label=_("Evidence")),
)
CHECK = body_of(
    forms.ProblemCheckForm, "RectificationProblemCheck", _("The township's check of a problem.")
)
REFERRAL = body_of(
    forms.ReferralForm,
    "RectificationReferral",
    _("A department's referral of an organisation in the round."),
    **_codes(forms.ReferralForm),
)


# --- Views -------------------------------------------------------------------------------


class CaseList(ServiceErrors, APIView):
    """The rectification cases the user may see, newest first."""

    @extend_schema(responses={200: CaseSerializer(many=True), **READ_ERRORS})
    def get(self, request):
        cases = (
            selectors.visible_cases(request.user, RectificationFlow)
            .select_related("organisation", "township", "subject")
            .order_by("-created", "-pk")
        )
        return Response(CaseSerializer(cases, many=True).data)


class Ledger(ServiceErrors, APIView):
    """The ledger (台账) as the user may see it, with the page's filters."""

    @extend_schema(
        parameters=[RectificationLedgerFilterSerializer],
        responses={200: RectificationLedgerRowSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        query = RectificationLedgerFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters, _townships = selectors.ledger_filters(request.user, request.query_params)
        rows = ledger.ledger_rows(request.user, **filters)
        return Response(RectificationLedgerRowSerializer(rows, many=True).data)


class CompleteStep(ServiceErrors, APIView):
    parser_classes = PARSERS

    @step_schema("RectificationStep", STEP_BODIES, STEP_LIST)
    def post(self, request, pk):
        task = human_task(pk)
        if task.flow_task.flow_class not in selectors.FLOWS:
            raise NotVisible(_("No such step."))
        case = complete_step(
            request.user,
            task,
            lambda case: forms.STEP_FORMS[task.flow_task.name](
                request.data, request.FILES, case=case
            ),
            services.complete,
        )
        return Response(case_detail(case.pk))


def _problem(user, pk, codename):
    """The problem, once the user may act on it: 404 out of sight, 403 otherwise."""
    problem = get_object_or_404(Problem.objects.select_related("case"), pk=pk)
    case = problem.case
    target = case.organisation if codename == "act_for_branch" else case.township
    flowkit.authorise(user, codename, target, case)
    return problem


class ReportProblem(ServiceErrors, APIView):
    """The organisation reports a problem rectified, with its evidence (Z2.3.6)."""

    parser_classes = PARSERS

    @extend_schema(
        request={"multipart/form-data": REPORT},
        responses={200: RectificationProblemSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk):
        problem = _problem(request.user, pk, "act_for_branch")
        fields = valid(forms.ProblemReportForm(request.data, request.FILES))
        problem = services.report_problem(actor=request.user, problem=problem, **fields)
        return Response(RectificationProblemSerializer(problem).data)


class CheckProblem(ServiceErrors, APIView):
    """The township closes a reported problem, or reopens it saying why (Z2.3.6)."""

    parser_classes = PARSERS

    @extend_schema(request=CHECK, responses={200: RectificationProblemSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        problem = _problem(request.user, pk, "review_for_township")
        fields = valid(forms.ProblemCheckForm(request.data))
        problem = services.check_problem(actor=request.user, problem=problem, **fields)
        return Response(RectificationProblemSerializer(problem).data)


class Referrals(ServiceErrors, APIView):
    """Departments' referrals in a screening round (Z2.3.1)."""

    parser_classes = PARSERS

    @extend_schema(responses={200: RectificationFindingSerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        screening = selectors.visible_round(request.user, pk)
        checks = selectors.visible_cases(request.user, OrganisationCheckFlow)
        findings = Finding.objects.filter(
            org_check__round=screening, org_check__case__in=checks, source=Source.REFERRAL
        ).select_related("situation", "org_check__case")
        return Response(RectificationFindingSerializer(findings, many=True).data)

    @extend_schema(
        request=REFERRAL, responses={201: RectificationFindingSerializer, **WRITE_ERRORS}
    )
    def post(self, request, pk):
        screening = get_object_or_404(ScreeningRound.objects.select_related("county"), pk=pk)
        departments = selectors.departments_to_refer(request.user, screening)
        form = forms.ReferralForm(
            request.data, request.FILES, screening=screening, departments=departments
        )
        valid(form)
        finding = services.refer(actor=request.user, screening=screening, **form.kwargs())
        return Response(
            RectificationFindingSerializer(finding).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("cases/", CaseList.as_view(), name="api-rectification-cases"),
    path("ledger/", Ledger.as_view(), name="api-rectification-ledger"),
    path("tasks/<int:pk>/complete/", CompleteStep.as_view(), name="api-rectification-complete"),
    path("problems/<int:pk>/report/", ReportProblem.as_view(), name="api-rectification-report"),
    path("problems/<int:pk>/check/", CheckProblem.as_view(), name="api-rectification-check"),
    path("rounds/<int:pk>/referrals/", Referrals.as_view(), name="api-rectification-referrals"),
]
