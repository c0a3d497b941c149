"""The cadre-vetting API: the cases a user sees, any step, a township's batch,
an appointment, objections during publicity, and a department's verdicts.

Every body is validated by the same form as the web page (forms.py) and
handed to the same service (services.py). Before the body is read the user
is authorised, so someone out of scope gets 404 and someone in scope without
the role gets 403, whatever they sent. A department's verdicts are read
through `selectors.department_findings`: another department gets 404.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.cases import in_progress, open_filter
from core.api.errors import BAD_INPUT, FORBIDDEN, READ_ERRORS, WRITE_ERRORS, ServiceErrors, valid
from core.api.forms import body_of
from core.api.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    PersonRefSerializer,
    StepSerializer,
    register_dossier,
)
from core.api.steps import camel, complete_step, step_schema
from core.api.views import human_task
from core.cases.models import Case
from core.flowkit import services as flowkit
from core.flowkit.errors import NotPermitted, NotVisible
from core.flowkit.selectors import OPEN
from core.organisations.models import Organisation
from workflows.vetting import casefile, forms, selectors, services
from workflows.vetting.flows import (
    JointReviewFlow,
    ReserveCadreFlow,
    SecretaryFilingFlow,
    SelectionFlow,
)
from workflows.vetting.models import (
    Appointment,
    Batch,
    Candidate,
    Objection,
    Referral,
    ReserveDossier,
    SecretaryDossier,
    SelectionDossier,
    Verdict,
)

# --- Representations -----------------------------------------------------------


class VettingCandidateSerializer(serializers.ModelSerializer):
    """A candidate's result and the negative-list codes against them (never the evidence)."""

    person = PersonRefSerializer()

    class Meta:
        model = Candidate
        fields = ["id", "person", "post", "result", "reasons"]


class VettingBatchSerializer(serializers.ModelSerializer):
    """A joint review's batch: what the township and the county both see."""

    candidates = VettingCandidateSerializer(many=True)
    decisions = serializers.DictField()

    class Meta:
        model = Batch
        exclude = ["case"]


class VettingSecretarySerializer(serializers.ModelSerializer):
    decisions = serializers.DictField()

    class Meta:
        model = SecretaryDossier
        exclude = ["case"]


class VettingSelectionSerializer(serializers.ModelSerializer):
    decisions = serializers.DictField()

    class Meta:
        model = SelectionDossier
        exclude = ["case"]


class VettingReserveSerializer(serializers.ModelSerializer):
    decisions = serializers.DictField()
    # A plain string: member development names another choice set "nomination".
    nomination = serializers.CharField(help_text=_("self, members or masses."))

    class Meta:
        model = ReserveDossier
        exclude = ["case"]


for flow_class, serializer, model in [
    (JointReviewFlow, VettingBatchSerializer, Batch),
    (SecretaryFilingFlow, VettingSecretarySerializer, SecretaryDossier),
    (SelectionFlow, VettingSelectionSerializer, SelectionDossier),
    (ReserveCadreFlow, VettingReserveSerializer, ReserveDossier),
]:
    register_dossier(
        flow_class, serializer, lambda case, model=model: model.objects.get(case_id=case.pk)
    )


class VerdictSerializer(serializers.ModelSerializer):
    """One department's answer on one candidate: clear, or a finding with its evidence."""

    candidate = serializers.IntegerField(source="candidate_id")
    person = PersonRefSerializer(source="candidate.person")
    item = serializers.CharField(source="item.code", allow_null=True, default=None)

    class Meta:
        model = Verdict
        fields = ["candidate", "person", "item", "occurred_on", "evidence", "recorded_on"]


class AppointmentSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()

    class Meta:
        model = Appointment
        fields = ["id", "person", "organisation", "post", "appointed_on", "case"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "case", "received_on", "text", "resolved_on", "upheld", "resolution"]


class VettingCaseDetailSerializer(CaseDetailSerializer):
    """The case after a change. A batch waiting on its departments holds a task
    that is nobody's step (the Handle the last answer fires); it is left out of
    the open steps, which list what someone may do."""

    @extend_schema_field(StepSerializer(many=True))
    def get_open_steps(self, case):
        tasks = case.task_set.filter(status__in=OPEN, owner_permission__isnull=False)
        return StepSerializer(tasks.select_related("owner").order_by("created"), many=True).data


def _detail(case):
    return VettingCaseDetailSerializer(
        Case.objects.select_related("organisation", "township", "subject").get(pk=case.pk)
    ).data


# --- Bodies, described from the forms -----------------------------------------


class AnswerSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(help_text=_("The candidate's id in the batch."))
    item = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The negative-list code found, or empty (or 'clear') when nothing was."),
    )
    occurred_on = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(required=False, allow_blank=True)


class CandidateBodySerializer(serializers.Serializer):
    person = serializers.IntegerField()
    post = serializers.CharField()


# Fields a step's form builds per candidate, described as one list or map instead.
ROWS = {
    forms.ReviewForm: {
        "answers": AnswerSerializer(many=True, help_text=_("One answer per candidate."))
    },
    forms.PubliciseForm: {
        "upheld": serializers.DictField(
            child=serializers.CharField(),
            required=False,
            help_text=_("Candidate id -> why the objection against them is upheld."),
        )
    },
}


def _step_bodies():
    bodies = {}
    for flow_class, steps in forms.STEP_FORMS.items():
        prefix = flow_class.__name__.removesuffix("Flow")
        for name, form_class in steps.items():
            node = getattr(flow_class.instance, name)
            about = format_lazy(
                "{title} ({flow}, `{name}`)",
                title=node.task_title,
                flow=flow_class.process_title,
                name=name,
            )
            bodies[flow_class, name] = body_of(
                form_class,
                f"Vetting{prefix}{camel(name)}Step",
                about,
                **ROWS.get(form_class, {}),
            )
    return bodies


STEP_BODIES = _step_bodies()
BATCH = body_of(
    forms.BatchForm,
    "VettingBatchBody",
    _("A township's candidates for one village (§3a)."),
    candidates=CandidateBodySerializer(many=True),
)
APPOINTMENT = body_of(
    forms.AppointmentForm,
    "VettingAppointmentBody",
    _("A village cadre takes a post; refused (V3a.8) without a passed, final joint review."),
)
OBJECTION = body_of(forms.ObjectionForm, "VettingObjectionBody", _("An objection received."))
RESOLUTION = body_of(
    forms.ResolutionForm, "VettingResolutionBody", _("The verification of an objection.")
)

STEP_LIST = format_lazy(
    "{intro}\n\n" + "\n".join(f"- `{flow.__name__}.{name}`" for flow, name in STEP_BODIES),
    intro=_(
        "Do the open step `id` of a cadre-vetting case (see the inbox). The body is the "
        "step's fields; dates are ISO 8601, people and organisations their ids. The step's "
        "rules are checked before anything is written. Steps:"
    ),
)


def _form_data(form_class, body):
    """The form's data from a JSON body (the per-candidate rows come as a list or map)."""
    return form_class.data_from(body) if hasattr(form_class, "data_from") else body


# --- Views ----------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    open = open_filter()


class CaseList(ServiceErrors, generics.ListAPIView):
    """Vetting cases the user sees (a department's reviewers: their own reviews), newest first."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        cases = casefile.visible_cases(self.request.user)
        return in_progress(cases, filters.validated_data.get("open")).order_by("-created", "-pk")

    @extend_schema(
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CompleteStep(ServiceErrors, APIView):
    parser_classes = [JSONParser]

    @step_schema("VettingStep", STEP_BODIES, STEP_LIST, VettingCaseDetailSerializer)
    def post(self, request, pk):
        task = human_task(pk)
        form_class = forms.step_form(task)
        if form_class is None:
            raise NotVisible(_("No such step."))
        case = complete_step(
            request.user,
            task,
            lambda case: form_class(data=_form_data(form_class, request.data), case=case),
            services.complete,
        )
        return Response(_detail(case))


class VillageSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())


def _village(request, refused):
    """The village the body names, once the user acts for its township (404/403 before).
    Whoever acts for no village's township is refused (`refused`) before the body is read."""
    if not forms.villages(request.user, "review_for_township").exists():
        raise NotPermitted(refused)
    found = VillageSerializer(data=request.data)
    found.is_valid(raise_exception=True)
    village = found.validated_data["village"]
    flowkit.authorise(request.user, "review_for_township", village)
    return village


class SubmitBatch(ServiceErrors, APIView):
    """A township submits candidates for one village: starts a joint review."""

    parser_classes = [JSONParser]

    @extend_schema(request=BATCH, responses={201: VettingCaseDetailSerializer, **WRITE_ERRORS})
    def post(self, request):
        _village(request, _("Your roles do not let you start this."))
        body = CandidateBodySerializer(data=request.data.get("candidates") or [], many=True)
        body.is_valid(raise_exception=True)
        form = forms.BatchForm(
            data=forms.BatchForm.data_from(request.data),
            user=request.user,
            rows=max(len(body.validated_data), 1),
        )
        valid(form)
        case = services.submit_batch(actor=request.user, **form.kwargs())
        return Response(_detail(case), status=status.HTTP_201_CREATED)


class Appoint(ServiceErrors, APIView):
    """Record a village cadre taking a post (未经联审者不得任职: V3a.8)."""

    parser_classes = [JSONParser]

    @extend_schema(request=APPOINTMENT, responses={201: AppointmentSerializer, **WRITE_ERRORS})
    def post(self, request):
        _village(request, _("Your roles do not let you record appointments."))
        form = forms.AppointmentForm(data=request.data, user=request.user)
        valid(form)
        appointment = services.appoint(actor=request.user, **form.kwargs())
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


def _selection(user, pk):
    """A selection the user sees, once they may act for its county (404/403 before)."""
    case = get_object_or_404(casefile.visible_cases(user).filter(flow_class=SelectionFlow), pk=pk)
    flowkit.authorise(user, "file_for_county", selectors.county_of(case.organisation), case)
    return case


class RaiseObjection(ServiceErrors, APIView):
    """Record an objection received during the pre-appointment publicity (V3c.5)."""

    parser_classes = [JSONParser]

    @extend_schema(request=OBJECTION, responses={201: ObjectionSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        case = _selection(request.user, pk)
        fields = valid(forms.ObjectionForm(data=request.data))
        objection = services.raise_objection(actor=request.user, case=case, **fields)
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ResolveObjection(ServiceErrors, APIView):
    """Record the verification of an objection: upheld (no appointment) or not (V3c.5)."""

    parser_classes = [JSONParser]

    @extend_schema(request=RESOLUTION, responses={200: ObjectionSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        objection = get_object_or_404(Objection, pk=pk)
        _selection(request.user, objection.case_id)
        form = forms.ResolutionForm(data=request.data)
        valid(form)
        objection = services.resolve_objection(
            actor=request.user, objection=objection, **form.kwargs()
        )
        return Response(ObjectionSerializer(objection).data)


class ReferralVerdicts(ServiceErrors, APIView):
    """One department's verdicts on a batch: for that department, the county
    organisation department and auditors; anyone else gets 404."""

    @extend_schema(responses={200: VerdictSerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        referral = get_object_or_404(Referral.objects.select_related("case"), case_id=pk)
        verdicts = selectors.department_findings(request.user, referral)
        return Response(VerdictSerializer(verdicts, many=True).data)


urlpatterns = [
    path("cases/", CaseList.as_view(), name="api-vetting-cases"),
    path("batches/", SubmitBatch.as_view(), name="api-vetting-batch"),
    path("appointments/", Appoint.as_view(), name="api-vetting-appoint"),
    path("cases/<int:pk>/objections/", RaiseObjection.as_view(), name="api-vetting-objection"),
    path("cases/<int:pk>/verdicts/", ReferralVerdicts.as_view(), name="api-vetting-verdicts"),
    path("objections/<int:pk>/resolve/", ResolveObjection.as_view(), name="api-vetting-resolve"),
    path("tasks/<int:pk>/complete/", CompleteStep.as_view(), name="api-vetting-complete"),
]
