"""Read representations shared by every procedure: cases, steps, deadlines, history.

A person appears with the masked ID number only. Each procedure adds its own
part of a case (the recruitment dossier, ...) with `register_dossier`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from viewflow.workflow.status import PROCESS

from core.audit.models import AuditEvent
from core.cases.models import Case, Deadline, DeadlineState
from core.flowkit.selectors import OPEN, task_permission
from core.organisations.models import Organisation
from core.people.models import Person
from core.roles.catalogue import Role


@dataclass(frozen=True)
class DossierPart:
    serializer: type[serializers.Serializer]
    load: Callable[[Case], object]  # the instance `serializer` represents


# flow class -> its procedure's part of a case detail
DOSSIERS: dict[type, DossierPart] = {}


def register_dossier(flow_class, serializer, load):
    DOSSIERS[flow_class] = DossierPart(serializer, load)


def flow_name(flow_class):
    """The short name clients filter on (?flow=recruitment): the flow's app label."""
    return flow_class.instance.app_label if flow_class else ""


def user_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "id_number_masked"]


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user_name(user)


class DeadlineSerializer(serializers.ModelSerializer):
    responsible = OrganisationRefSerializer()
    overdue = serializers.BooleanField(source="is_overdue")
    label = serializers.CharField(
        source="title", help_text=_("What is due, in the reader's language.")
    )

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "label",
            "rule",
            "due_on",
            "remind_on",
            "is_earliest",
            "overdue",
            "responsible",
        ]


class StepSerializer(serializers.Serializer):
    """An open step of a case: what it is and which permission it asks for."""

    id = serializers.IntegerField(help_text=_("Task id, for take, release and complete."))
    step = serializers.CharField(source="flow_task.name")
    title = serializers.CharField(source="flow_task.task_title")
    permission = serializers.SerializerMethodField(
        help_text=_("Organisation permission the step asks for, e.g. act_for_branch.")
    )
    status = serializers.CharField(help_text=_("NEW (in the queue) or ASSIGNED (taken)."))
    owner = UserRefSerializer(allow_null=True, help_text=_("Who has taken the step."))
    created = serializers.DateTimeField()

    def get_permission(self, task) -> str:
        return task_permission(task)


class CaseSerializer(serializers.ModelSerializer):
    flow = serializers.SerializerMethodField(help_text=_("The procedure, e.g. recruitment."))
    organisation = OrganisationRefSerializer()
    township = OrganisationRefSerializer(allow_null=True)
    subject = PersonRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=PROCESS.choices)

    class Meta:
        model = Case
        fields = [
            "id",
            "flow",
            "title",
            "organisation",
            "township",
            "subject",
            "status",
            "created",
            "finished",
        ]

    def get_flow(self, case) -> str:
        return flow_name(case.flow_class)


def _dossier_schema():
    return PolymorphicProxySerializer(
        component_name="ProcedureDossier",
        serializers=lambda: [part.serializer for part in DOSSIERS.values()],
        resource_type_field_name=None,
        allow_null=True,
    )


class CaseDetailSerializer(CaseSerializer):
    open_steps = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField(help_text=_("Open deadlines, earliest first."))
    dossier = serializers.SerializerMethodField(
        help_text=_("The procedure's own record of the case (null if it keeps none).")
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "open_steps", "deadlines", "dossier"]

    @extend_schema_field(StepSerializer(many=True))
    def get_open_steps(self, case):
        # Only people's steps: a join waiting on other cases (a batch on its
        # departments' reviews) is open too, but asks nobody for anything.
        tasks = (
            case.task_set.filter(status__in=OPEN, owner_permission__isnull=False)
            .select_related("owner")
            .order_by("created")
        )
        return StepSerializer(tasks, many=True).data

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case):
        rows = case.deadlines.filter(state=DeadlineState.OPEN).select_related("responsible")
        return DeadlineSerializer(rows, many=True).data

    @extend_schema_field(_dossier_schema())
    def get_dossier(self, case):
        part = DOSSIERS.get(case.flow_class)
        return part.serializer(part.load(case)).data if part else None


class TaskSerializer(StepSerializer):
    """A step in the user's inbox, with its case and the case's next deadline."""

    flow = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    due = serializers.SerializerMethodField(
        help_text=_("The case's earliest open deadline, if any.")
    )

    def get_flow(self, task) -> str:
        return flow_name(task.flow_task.flow_class)

    @extend_schema_field(CaseSerializer)
    def get_case(self, task):
        return CaseSerializer(task.process.case).data

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_due(self, task):
        deadline = self.context["deadlines"].get(task.process_id)
        return DeadlineSerializer(deadline).data if deadline else None


class EventSerializer(serializers.ModelSerializer):
    time = serializers.DateTimeField(source="created_at")
    actor = serializers.CharField(source="actor_name", help_text=_("Name at the time."))
    role = serializers.CharField(source="actor_role", help_text=_("Role used, if any."))
    role_label = serializers.SerializerMethodField()
    organisation = OrganisationRefSerializer(source="actor_organisation", allow_null=True)
    data = serializers.DictField(help_text=_("What the step recorded; keys depend on the step."))

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "time",
            "action",
            "step",
            "actor",
            "role",
            "role_label",
            "organisation",
            "opinion",
            "data",
            "hash",
        ]

    def get_role_label(self, event) -> str:
        return Role(event.actor_role).label if event.actor_role in Role.values else ""


class HistorySerializer(serializers.Serializer):
    verified = serializers.BooleanField(
        help_text=_("The case's hash chain recomputes without a break.")
    )
    events = EventSerializer(many=True)
