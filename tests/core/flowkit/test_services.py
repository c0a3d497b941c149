"""The single service path: permission on the object, lock, audit in the same
transaction, and nothing written when anything refuses."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.cases.models import Case
from core.flowkit import services
from core.flowkit.errors import AlreadyDone, NotPermitted, NotVisible, RuleViolation
from tests.probe.flows import ProbeFlow


def _review_task(case):
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)


def _counts():
    return Case.objects.count(), Task.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
def test_branch_secretary_starts_a_case_with_scope_columns_and_an_audit_event(county, start_probe):
    case = start_probe()
    assert case.organisation == county.orgs["dongcheng_village"]
    assert case.township == county.orgs["dongcheng"]
    assert case.org_path == county.orgs["dongcheng_village"].path
    event = AuditEvent.objects.get(case=case)
    assert (event.action, event.seq, event.actor_role) == ("case_started", 1, "branch_secretary")
    assert event.actor_organisation == county.orgs["dongcheng_village"]
    assert _review_task(case).owner_permission == "organisations.review_for_township"


@pytest.mark.django_db
def test_branch_of_another_township_cannot_start_a_case_here(county, start_probe):
    before = _counts()
    with pytest.raises(NotPermitted):
        start_probe(actor=county.users["xs_branch_sec"])
    assert _counts() == before


@pytest.mark.django_db
def test_township_organiser_completes_the_review(county, start_probe):
    case = start_probe()
    task = _review_task(case)
    with services.step(actor=county.users["dc_organiser"], task=task) as change:
        change.complete(opinion="同意", data={"verdict": "ok"})
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.status == STATUS.DONE
    assert task.owner == county.users["dc_organiser"]
    assert case.status == "DONE"
    last = AuditEvent.objects.filter(case=case).order_by("-seq").first()
    assert (last.action, last.step, last.opinion, last.data) == (
        "task_completed",
        "review",
        "同意",
        {"verdict": "ok"},
    )
    assert last.actor_role == "township_organiser"


@pytest.mark.django_db
def test_other_townships_organiser_gets_not_visible_and_nothing_changes(county, start_probe):
    task = _review_task(start_probe())
    before = _counts()
    with (
        pytest.raises(NotVisible),
        services.step(actor=county.users["xs_organiser"], task=task) as c,
    ):
        c.complete()
    assert _counts() == before
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW


@pytest.mark.django_db
def test_branch_secretary_sees_the_case_but_may_not_review_it(county, start_probe):
    task = _review_task(start_probe())
    with (
        pytest.raises(NotPermitted),
        services.step(actor=county.users["dc_branch_sec"], task=task) as c,
    ):
        c.complete()
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW


@pytest.mark.django_db
def test_rule_violation_inside_the_step_rolls_everything_back(county, start_probe):
    case = start_probe()
    task = _review_task(case)
    events = AuditEvent.objects.count()
    with (
        pytest.raises(RuleViolation) as refused,
        services.step(actor=county.users["dc_organiser"], task=task) as change,
    ):
        change.complete(opinion="同意")
        raise RuleViolation("R0.0", "refused after the activation ran")
    assert refused.value.rule == "R0.0"
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW
    assert Case.objects.get(pk=case.pk).status == "NEW"
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_done_step_cannot_be_done_twice(county, start_probe):
    task = _review_task(start_probe())
    with services.step(actor=county.users["dc_organiser"], task=task) as change:
        change.complete()
    stale = Task.objects.get(pk=task.pk)
    stale.status = STATUS.NEW  # as a second browser tab still believes
    with (
        pytest.raises(AlreadyDone),
        services.step(actor=county.users["dc_secretary"], task=stale) as c,
    ):
        c.complete()
    assert AuditEvent.objects.filter(action="task_completed").count() == 1


@pytest.mark.django_db
def test_take_and_release_are_recorded_and_block_colleagues(county, start_probe):
    case = start_probe()
    task = _review_task(case)
    services.take_task(actor=county.users["dc_organiser"], task=task)
    task.refresh_from_db()
    assert task.owner == county.users["dc_organiser"]
    with (
        pytest.raises(NotPermitted),
        services.step(actor=county.users["dc_secretary"], task=task) as c,
    ):
        c.complete()
    services.release_task(actor=county.users["dc_secretary"], task=task, opinion="换人办理")
    task.refresh_from_db()
    assert task.owner is None
    assert task.status == STATUS.NEW
    actions = list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["case_started", "task_assigned", "task_unassigned"]


@pytest.mark.django_db
def test_a_step_that_writes_no_audit_event_is_refused(county, start_probe):
    task = _review_task(start_probe())
    with (
        pytest.raises(RuntimeError),
        services.step(actor=county.users["dc_organiser"], task=task) as c,
    ):
        services.activation_of(c.task).assign(county.users["dc_organiser"])
    assert Task.objects.get(pk=task.pk).owner is None


@pytest.mark.django_db
def test_township_cancels_a_case_with_a_reason_and_it_is_recorded(county, start_probe):
    case = start_probe()
    services.cancel_case(actor=county.users["dc_secretary"], case=case, reason="申请人撤回申请")
    case.refresh_from_db()
    assert case.status == "CANCELED"
    assert _review_task(case).status == STATUS.CANCELED
    event = AuditEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.opinion, event.data) == (
        "case_cancelled",
        "申请人撤回申请",
        {"open_steps": ["review"]},
    )


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_the_right_township(county, start_probe):
    case = start_probe()
    before = _counts()
    with pytest.raises(RuleViolation):
        services.cancel_case(actor=county.users["dc_secretary"], case=case, reason=" ")
    with pytest.raises(NotVisible):
        services.cancel_case(actor=county.users["xs_organiser"], case=case, reason="越权")
    with pytest.raises(NotPermitted):
        services.cancel_case(actor=county.users["dc_branch_sec"], case=case, reason="越权")
    assert _counts() == before
    assert Case.objects.get(pk=case.pk).status == "NEW"
