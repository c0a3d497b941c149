"""API views shared by every procedure: cases, their history, the inbox, take and release.

Reads go through the scoped selectors (a case out of sight is 404, as on the
site); changes go through core.flowkit.services, which authorise, lock, check
and audit in one transaction.
"""

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from core.api.cases import in_progress, open_filter
from core.api.errors import BAD_INPUT, CONFLICT, FORBIDDEN, NOT_FOUND, READ_ERRORS, ServiceErrors
from core.api.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    HistorySerializer,
    StepSerializer,
    TaskSerializer,
)
from core.audit.chain import verify
from core.audit.events import case_chain
from core.audit.models import AuditEvent
from core.cases.models import Case
from core.cases.selectors import open_deadlines_by_case
from core.flowkit import services
from core.flowkit.errors import AlreadyDone, NotVisible
from core.flowkit.nodes import ScopedView
from core.flowkit.selectors import OPEN, cases_visible_to, inbox, task_permission
from core.organisations.models import Organisation

CASE_RELATED = ("organisation", "township", "subject")


def human_task(pk, flow_class=None):
    """The step task `pk` (of `flow_class`, if given); 404 for anything else."""
    task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk)
    node = task.flow_task
    if not isinstance(node, ScopedView):
        raise NotVisible(_("No such step."))
    if flow_class is not None and node.flow_class is not flow_class:
        raise NotVisible(_("No such step."))
    return task


def check_may_do(user, task):
    """Answer 404, 403 or 409 before the body is read; the service checks again under lock."""
    case = task.process.coerced
    organisation = task.flow_task.target_organisation(case)
    services.authorise(user, task_permission(task), organisation, case)
    if task.status not in OPEN:
        raise AlreadyDone(_("This step has already been done or cancelled."), code="already_done")
    return case


def case_detail(pk):
    """The case as it is after a change (the service worked on its own copy)."""
    case = Case.objects.select_related(*CASE_RELATED).get(pk=pk)
    return CaseDetailSerializer(case).data


class CaseFilterSerializer(serializers.Serializer):
    flow = serializers.CharField(
        required=False, help_text=gettext_lazy("Only cases of this procedure, e.g. recruitment.")
    )
    organisation = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("Only cases of this organisation and those below it."),
    )
    open = open_filter()


class CaseList(ServiceErrors, generics.ListAPIView):
    """Cases the user may see, newest first."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        cases = cases_visible_to(self.request.user).select_related(*CASE_RELATED)
        if wanted.get("flow"):
            cases = cases.filter(flow_class__startswith=f"{wanted['flow']}/")
        if wanted.get("organisation") is not None:
            org = Organisation.objects.filter(pk=wanted["organisation"]).first()
            cases = cases.filter(org_path__startswith=org.path) if org else cases.none()
        return in_progress(cases, wanted.get("open")).order_by("-created", "-pk")

    @extend_schema(
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDetail(ServiceErrors, generics.RetrieveAPIView):
    """The case, its open steps and deadlines, and its procedure's dossier."""

    serializer_class = CaseDetailSerializer

    def get_queryset(self):
        return cases_visible_to(self.request.user).select_related(*CASE_RELATED)

    @extend_schema(responses={200: CaseDetailSerializer, **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseHistory(ServiceErrors, APIView):
    """Everything recorded about the case, in order, and whether the record is intact."""

    @extend_schema(responses={200: HistorySerializer, **READ_ERRORS})
    def get(self, request, pk):
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        chain = case_chain(case)
        events = (
            AuditEvent.objects.filter(chain=chain)
            .select_related("actor_organisation")
            .order_by("seq")
        )
        history = {"verified": verify(chain=chain).ok, "events": events}
        return Response(HistorySerializer(history).data)


class TaskList(ServiceErrors, generics.ListAPIView):
    """The user's inbox: open steps they may take or have taken, oldest first."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        related = (f"process__case__{name}" for name in CASE_RELATED)
        return inbox(self.request.user).select_related(*related)

    @extend_schema(responses={200: TaskSerializer(many=True), 403: FORBIDDEN})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        deadlines = open_deadlines_by_case({task.process_id for task in page})
        prefetch_related_objects(list(deadlines.values()), "responsible")
        data = TaskSerializer(page, many=True, context={"deadlines": deadlines}).data
        return self.get_paginated_response(data)


class ReleaseSerializer(serializers.Serializer):
    opinion = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("Why the step is given back.")
    )


TASK_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class TaskTake(ServiceErrors, APIView):
    """Claim an open step so colleagues see who is on it."""

    @extend_schema(request=None, responses={200: StepSerializer, **TASK_ERRORS})
    def post(self, request, pk):
        task = services.take_task(actor=request.user, task=human_task(pk))
        return Response(StepSerializer(task).data)


class TaskRelease(ServiceErrors, APIView):
    """Give a taken step back to the organisation's queue."""

    @extend_schema(
        request=ReleaseSerializer, responses={200: StepSerializer, 400: BAD_INPUT, **TASK_ERRORS}
    )
    def post(self, request, pk):
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.release_task(
            actor=request.user, task=human_task(pk), opinion=body.validated_data.get("opinion", "")
        )
        return Response(StepSerializer(task).data)


class HandOverSerializer(serializers.Serializer):
    to_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text=gettext_lazy("The colleague's user id; they must be allowed to take the step."),
    )
    opinion = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("A note for the colleague.")
    )


class TaskHandOver(ServiceErrors, APIView):
    """Hand a step you hold (or may take) to a colleague who may take it; recorded."""

    @extend_schema(
        request=HandOverSerializer,
        responses={200: StepSerializer, 400: BAD_INPUT, **TASK_ERRORS},
    )
    def post(self, request, pk):
        task = human_task(pk)
        check_may_do(request.user, task)
        body = HandOverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.hand_over(
            actor=request.user,
            task=task,
            to_user=body.validated_data["to_user"],
            opinion=body.validated_data.get("opinion", ""),
        )
        return Response(StepSerializer(task).data)
