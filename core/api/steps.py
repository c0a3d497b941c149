"""What every procedure's "do a step" endpoint shares: its schema, and the order in
which it checks (who may do the step before the body is read, then the body, then
the service, which checks again under lock)."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema

from core.api.errors import WRITE_ERRORS, valid
from core.api.serializers import CaseDetailSerializer
from core.api.views import check_may_do


def camel(name):
    """A step's name as it stands in a schema component's name: make_plan -> MakePlan."""
    return "".join(part.title() for part in name.split("_"))


def step_schema(component_name, bodies, description, detail=CaseDetailSerializer):
    """The schema of a procedure's step endpoint: any of the steps' bodies, the case back."""
    return extend_schema(
        description=description,
        request=PolymorphicProxySerializer(
            component_name=component_name,
            serializers=list(bodies.values()),
            resource_type_field_name=None,
        ),
        responses={200: detail, **WRITE_ERRORS},
    )


def complete_step(user, task, form_for, complete):
    """Do `task` with the form `form_for(case)` builds from the body; 404, 403 or 409
    before the body is read, 400 when the form or a rule refuses. Returns the case."""
    case = check_may_do(user, task)
    form = form_for(case)
    valid(form)
    complete(actor=user, task=task, **form.kwargs())
    return case
