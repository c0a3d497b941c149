"""Handing a step to a colleague: only to someone who may take it, recorded in the
case's history with a notice to the colleague, and nothing written on a refusal."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.audit.models import AuditEvent
from core.flowkit import services
from core.flowkit.errors import NotPermitted, NotVisible
from core.notifications.models import Kind, Notification
from tests.probe.flows import ProbeFlow


def _review(case):
    return Task.objects.get(process=case, flow_task=ProbeFlow.review)


@pytest.fixture
def secretary(county):
    """The Dongcheng township secretary, with an e-mail address."""
    user = county.users["dc_secretary"]
    user.email = "liu@example.org"
    user.save()
    return user


def _written():
    return AuditEvent.objects.count(), Notification.objects.count()


@pytest.mark.django_db
def test_a_held_step_is_handed_to_a_colleague_recorded_and_announced(county, start_probe):
    organiser, secretary = county.users["dc_organiser"], county.users["dc_secretary"]
    case = start_probe()
    task = services.take_task(actor=organiser, task=_review(case))

    services.hand_over(actor=organiser, task=task, to_user=secretary, opinion="请刘书记审核")

    task.refresh_from_db()
    assert (task.owner, task.status) == (secretary, STATUS.ASSIGNED)
    event = AuditEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.actor, event.opinion) == (
        "task_handed_over",
        organiser,
        "请刘书记审核",
    )
    assert event.data == {"from": organiser.pk, "to": secretary.pk}
    notice = Notification.objects.get(recipient=secretary, kind=Kind.HANDOVER)
    assert notice.case_id == case.pk
    assert notice.params["name"] == organiser.get_full_name()


@pytest.mark.django_db
def test_a_step_nobody_took_may_be_handed_over_by_whoever_may_take_it(county, start_probe):
    secretary = county.users["dc_secretary"]
    task = _review(start_probe())
    services.hand_over(actor=county.users["dc_organiser"], task=task, to_user=secretary)
    task.refresh_from_db()
    assert (task.owner, task.status) == (secretary, STATUS.ASSIGNED)


@pytest.mark.django_db
def test_handover_to_a_colleague_of_another_township_is_refused_and_writes_nothing(
    county, start_probe
):
    organiser = county.users["dc_organiser"]
    task = services.take_task(actor=organiser, task=_review(start_probe()))
    before = _written()
    with pytest.raises(ValidationError) as refused:
        services.hand_over(actor=organiser, task=task, to_user=county.users["xs_organiser"])
    assert refused.value.code == "not_a_colleague"
    task.refresh_from_db()
    assert task.owner == organiser
    assert _written() == before


@pytest.mark.django_db
def test_a_step_held_by_someone_else_cannot_be_handed_over(county, start_probe):
    secretary = county.users["dc_secretary"]
    task = services.take_task(actor=secretary, task=_review(start_probe()))
    before = _written()
    with pytest.raises(NotPermitted):
        services.hand_over(
            actor=county.users["dc_organiser"], task=task, to_user=county.users["dc_organiser"]
        )
    assert _written() == before


@pytest.mark.django_db
def test_someone_out_of_scope_cannot_hand_over_and_handing_to_oneself_is_refused(
    county, start_probe
):
    task = _review(start_probe())
    before = _written()
    with pytest.raises(NotVisible):
        services.hand_over(
            actor=county.users["xs_organiser"], task=task, to_user=county.users["dc_organiser"]
        )
    with pytest.raises(ValidationError) as refused:
        services.hand_over(
            actor=county.users["dc_organiser"], task=task, to_user=county.users["dc_organiser"]
        )
    assert refused.value.code == "same_user"
    assert _written() == before


@pytest.mark.django_db
def test_a_new_step_is_announced_to_everyone_who_may_take_it_and_e_mailed(
    county, start_probe, secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = start_probe()
    notices = Notification.objects.filter(case=case, kind=Kind.ASSIGNMENT)
    assert {n.recipient.username for n in notices} == {"dc_organiser", "dc_secretary"}
    assert notices.first().link == f"/cases/{case.pk}/"
    assert [m.to for m in mail.outbox] == [["liu@example.org"]]
    assert case.title in mail.outbox[0].body
    assert Notification.objects.get(recipient=secretary).emailed_at is not None


@pytest.mark.django_db
def test_a_change_rolled_back_announces_and_sends_nothing(
    start_probe, secretary, django_capture_on_commit_callbacks
):
    # The start announces its step and queues the e-mail; then the caller's
    # transaction around it fails.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        start_probe()
        assert Notification.objects.filter(recipient=secretary).exists()
        raise RuntimeError("the caller's own write failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []
