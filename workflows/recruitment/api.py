"""The member-development API: start a case, do any step, file records, transfer.

Every body is validated by the same form as the web page (forms.py) and
handed to the same service (services.py); before the body is read the user
is authorised for the step, so someone out of scope gets 404 and someone in
scope without the role gets 403, whatever they sent.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import READ_ERRORS, WRITE_ERRORS, ServiceErrors, valid
from core.api.forms import body_of
from core.api.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    PersonRefSerializer,
    register_dossier,
)
from core.api.steps import camel, complete_step, step_schema
from core.api.views import case_detail, human_task
from core.flowkit import services as flowkit
from core.flowkit.selectors import cases_visible_to
from core.organisations.models import Organisation
from workflows.recruitment import forms, services
from workflows.recruitment.flows import STAGES, RecruitmentFlow, human_steps
from workflows.recruitment.models import Dossier, Record, Recruitment

# --- Representations -----------------------------------------------------------


class DossierSerializer(serializers.ModelSerializer):
    """The dates, people, decisions and outcome of a member-development case."""

    contacts = PersonRefSerializer(many=True)
    sponsors = PersonRefSerializer(many=True)
    relatives = PersonRefSerializer(many=True)
    decisions = serializers.DictField(help_text=_("The choice made at each branching step."))

    class Meta:
        model = Dossier
        exclude = ["case"]


register_dossier(
    RecruitmentFlow,
    DossierSerializer,
    lambda case: Dossier.objects.prefetch_related("contacts", "sponsors", "relatives").get(
        case_id=case.pk
    ),
)


class RecordSerializer(serializers.ModelSerializer):
    data = serializers.DictField()

    class Meta:
        model = Record
        fields = ["id", "kind", "step", "dated", "text", "data", "sha256", "created_at"]


# --- Bodies, described from the forms -----------------------------------------

WHO = {
    "act_for_branch": _("the branch"),
    "review_for_township": _("the township committee"),
    "approve_for_committee": _("the committee with approval authority"),
    "file_for_county": _("the county organisation department"),
}


def _step_body(node):
    codename = node._owner_permission.split(".", 1)[1]
    about = format_lazy(
        _("Step {number} ({stage}): {title}. Done by {who} ({codename})."),
        number=f"{node.step_number:g}",
        stage=STAGES[node.stage],
        title=node.task_title,
        who=WHO[codename],
        codename=codename,
    )
    return body_of(forms.STEP_FORMS[node.name], f"{camel(node.name)}Step", about)


STEP_BODIES = {node.name: _step_body(node) for node in human_steps()}

APPLICATION = body_of(
    forms.ApplicationForm,
    "Application",
    _("An application received by a branch (step 1)."),
    branch=serializers.IntegerField(label=_("Branch that received the application")),
)
RECORD = body_of(forms.RecordForm, "RecordBody", _("A half-yearly evaluation or a probation note."))
TRANSFER = body_of(forms.TransferForm, "Transfer", _("Move the case to another branch."))

STEP_LIST = format_lazy(
    "{intro}\n\n" + "\n".join(f"- `{name}`: `{camel(name)}Step`" for name in STEP_BODIES),
    intro=_(
        "Do the open step `id` of a member-development case. The body is the step's "
        "fields (which step is open: `open_steps` of the case, or the inbox); dates are "
        "ISO 8601, people and organisations their ids. The step's rules are checked "
        "before anything is written. Bodies by step:"
    ),
)


# --- Views ----------------------------------------------------------------------


def _case(pk):
    return get_object_or_404(Recruitment.objects.filter(flow_class=RecruitmentFlow), pk=pk)


class BranchSerializer(serializers.Serializer):
    branch = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())


class StartCase(ServiceErrors, APIView):
    """Record an application received by a branch: starts a member-development case."""

    parser_classes = [JSONParser]

    @extend_schema(request=APPLICATION, responses={201: CaseDetailSerializer, **WRITE_ERRORS})
    def post(self, request):
        found = BranchSerializer(data=request.data)
        found.is_valid(raise_exception=True)
        branch = found.validated_data["branch"]
        flowkit.authorise(request.user, "act_for_branch", branch)
        fields = valid(forms.ApplicationForm(data=request.data, branch=branch))
        case = services.apply(actor=request.user, branch=branch, **fields)
        return Response(case_detail(case.pk), status=status.HTTP_201_CREATED)


class CompleteStep(ServiceErrors, APIView):
    parser_classes = [JSONParser]

    @step_schema("RecruitmentStep", STEP_BODIES, STEP_LIST)
    def post(self, request, pk):
        task = human_task(pk, RecruitmentFlow)
        case = complete_step(
            request.user,
            task,
            lambda case: forms.STEP_FORMS[task.flow_task.name](data=request.data, case=case),
            services.complete,
        )
        return Response(case_detail(case.pk))


class CaseRecords(ServiceErrors, APIView):
    """The documents of a case; evaluations and probation notes are filed here."""

    parser_classes = [JSONParser]

    @extend_schema(responses={200: RecordSerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        case = get_object_or_404(
            cases_visible_to(request.user, Recruitment.objects.filter(flow_class=RecruitmentFlow)),
            pk=pk,
        )
        return Response(RecordSerializer(Record.objects.filter(case=case), many=True).data)

    @extend_schema(request=RECORD, responses={201: RecordSerializer, **WRITE_ERRORS})
    def post(self, request, pk):
        case = _case(pk)
        flowkit.authorise(request.user, "act_for_branch", case.organisation, case)
        fields = valid(forms.RecordForm(data=request.data))
        services.add_record(actor=request.user, case=case, **fields)
        record = Record.objects.filter(
            case=case, kind=fields["kind"], created_by=request.user
        ).latest("pk")
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)


class TransferCase(ServiceErrors, APIView):
    """Move the case, with the person, to the branch of their new unit (R1.8, R1.26)."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=TRANSFER,
        responses={
            200: OpenApiResponse(
                CaseSerializer,
                description=_("The case at its new branch (the user may no longer see it)."),
            ),
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk):
        case = _case(pk)
        flowkit.authorise(request.user, "act_for_branch", case.organisation, case)
        fields = valid(forms.TransferForm(data=request.data))
        case = services.transfer(actor=request.user, case=case, **fields)
        return Response(CaseSerializer(case).data)


urlpatterns = [
    path("cases/", StartCase.as_view(), name="api-recruitment-start"),
    path("cases/<int:pk>/records/", CaseRecords.as_view(), name="api-recruitment-records"),
    path("cases/<int:pk>/transfer/", TransferCase.as_view(), name="api-recruitment-transfer"),
    path("tasks/<int:pk>/complete/", CompleteStep.as_view(), name="api-recruitment-complete"),
]
