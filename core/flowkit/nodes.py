"""Human steps whose permission is read down the organisation tree.

viewflow's own checks ask guardian for a permission on one object; ours ask
whether the user holds the step's permission on the case's organisation or on
an organisation above it (core.roles.scope). The service path calls these
checks itself, because viewflow does not enforce them on direct calls.
"""

from viewflow.workflow import flow
from viewflow.workflow.status import STATUS

from core.flowkit.selectors import can_view_case, task_permission
from core.roles.scope import has_scope


class ScopedView(flow.View):
    """A step done by whoever holds `.Permission("organisations.<codename>")`
    over the organisation named by `obj` (default: the case's organisation)."""

    def target_organisation(self, case):
        if self._owner_permission_obj:
            return self._owner_permission_obj(case)
        return case.organisation

    def may_act(self, user, task) -> bool:
        case = task.process.coerced
        return has_scope(user, task_permission(task), self.target_organisation(case))

    def can_view(self, user, task):
        return can_view_case(user, task.process.coerced) or self.may_act(user, task)

    def can_assign(self, user, task):
        return task.status == STATUS.NEW and task.owner_id is None and self.may_act(user, task)

    def can_unassign(self, user, task):
        return task.status == STATUS.ASSIGNED and self.may_act(user, task)

    def can_execute(self, user, task):
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            return False
        if task.owner_id and task.owner_id != user.pk:
            return False
        return self.may_act(user, task)
