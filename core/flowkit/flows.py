from viewflow.workflow import flow, lock

from core.cases.models import Case
from core.flowkit.selectors import can_view_case
from core.roles.scope import holds


class CaseFlow(flow.Flow):
    """Base of every procedure: row locks, and visibility read per case.

    Subclasses declare `start = flow.StartHandle(this.start_case).Next(...)`;
    the service path starts them through `core.flowkit.services.start_case`.
    """

    process_class = Case
    # FOR UPDATE on the case row; SQLite ignores it and serialises writers
    # through its IMMEDIATE transactions instead.
    lock_impl = lock.select_for_update_lock

    def start_case(self, activation, organisation, title, subject=None):
        activation.process.place_in(organisation)
        activation.process.title = title
        activation.process.about(subject)
        return activation.process

    def has_view_permission(self, user, obj=None):
        if obj is None:
            return user.is_authenticated and holds(user, "view_cases")
        return can_view_case(user, obj)

    def has_manage_permission(self, user, obj=None):
        # Cancel, undo and revive go through the service path, never viewflow's
        # management views, so that they are checked and recorded.
        return False
