"""Notifications: who hears of reminders and missed dates, in which language, by
e-mail with failures retried, and each user seeing only their own."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from core.cases.deadlines import sweep
from core.notifications import context_processors
from core.notifications.context_processors import unread
from core.notifications.models import Kind, Notification
from core.notifications.services import MAX_ATTEMPTS, RETRY_AFTER, notify, purge_old
from core.notifications.tasks import purge_notifications
from tests.plans import plan

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 16)
DAY = timedelta(days=1)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def _recipients(kind):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}


def test_the_sweep_reminds_the_branch_and_tells_branch_and_township_of_a_miss(
    county, probe_case, watch
):
    watch(probe_case, DUE)
    sweep(DUE - 7 * DAY)
    assert _recipients(Kind.REMINDER) == {"dc_branch_sec", "dc_branch_org"}
    assert _recipients(Kind.OVERDUE) == set()

    sweep(DUE + DAY)
    assert _recipients(Kind.OVERDUE) == {
        "dc_branch_sec",
        "dc_branch_org",
        "dc_organiser",
        "dc_secretary",
    }
    sweep(DUE + 2 * DAY)  # marked once, told once
    assert Notification.objects.filter(kind=Kind.OVERDUE).count() == 4
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 2


def test_a_notice_is_read_in_the_readers_language(county, probe_case, watch):
    watch(probe_case, DUE)
    sweep(DUE - 7 * DAY)
    notice = Notification.objects.filter(kind=Kind.REMINDER).first()
    with translation.override("en"):
        assert notice.subject == "Due on 2026-03-16: Talk with the applicant"
    with translation.override("zh-hans"):
        assert translation.gettext("Talk with the applicant") in notice.subject
        assert "Talk with the applicant" not in notice.subject


def test_a_failed_e_mail_keeps_the_change_and_is_sent_by_a_later_sweep(
    county, settings, django_capture_on_commit_callbacks
):
    user = county.users["dc_organiser"]
    user.email = "chen@example.org"
    user.save()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify(
            [user], kind=Kind.OTHER, title=gettext_noop("Step done: %(step)s"), params={"step": "x"}
        )
    notice.refresh_from_db()
    assert (notice.emailed_at, notice.email_attempts) == (None, 1)
    assert "mail server down" in notice.email_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep()
    assert mail.outbox == []  # too fresh: its own send may still be under way
    Notification.objects.filter(pk=notice.pk).update(created=timezone.now() - RETRY_AFTER)
    sweep()
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["chen@example.org"]]


def test_e_mail_is_given_up_after_the_last_attempt(county, settings):
    user = county.users["dc_organiser"]
    user.email = "chen@example.org"
    user.save()
    (notice,) = notify([user], kind=Kind.OTHER, title=gettext_noop("Reminder"))
    Notification.objects.filter(pk=notice.pk).update(
        created=timezone.now() - RETRY_AFTER, email_attempts=MAX_ATTEMPTS
    )
    sweep()
    assert mail.outbox == []


def test_users_without_e_mail_get_the_notice_in_the_site_only(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([county.users["dc_organiser"]], kind=Kind.OTHER, title=gettext_noop("Reminder"))
    assert callbacks == []
    assert Notification.objects.filter(recipient=county.users["dc_organiser"]).exists()


# --- Pages -----------------------------------------------------------------------


def _notice(user, title="Reminder"):
    (row,) = notify([user], kind=Kind.OTHER, title=title)
    return row


def test_the_list_shows_only_my_notices_newest_first_with_unread_marked(county, client_as):
    me, other = county.users["dc_organiser"], county.users["xs_organiser"]
    _notice(me, "Reminder")
    newest = _notice(me, "Handed over to you")
    _notice(other, "Overdue, escalated")
    response = client_as(me).get("/notifications/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [n.pk for n in rows] == [newest.pk, rows[1].pk]
    assert all(n.recipient == me for n in rows)
    assert response.context["unread"] == 2
    assert response.content.decode().count('class="unread"') == 2


def test_mark_read_and_mark_all_read(county, client_as):
    me = county.users["dc_organiser"]
    first, second, third = (_notice(me) for _ in range(3))
    client = client_as(me)
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=me).unread().count() == 2
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=me).unread().exists()


def test_another_users_notice_is_not_found_and_stays_unread(county, client_as):
    theirs = _notice(county.users["xs_organiser"])
    client = client_as(county.users["dc_organiser"])
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"/notifications/{theirs.pk}/read/").status_code == 405


def test_the_unread_count_for_templates(county):
    me = county.users["dc_organiser"]
    read, _unread, _mine_too = (_notice(me) for _ in range(3))
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    _notice(county.users["xs_organiser"])
    request = RequestFactory().get("/")
    request.user = me
    assert unread(request)["unread_notifications"] == 2
    request.user = county.users["dc_secretary"]
    assert unread(request)["unread_notifications"] == 0


def test_the_unread_count_stops_at_99_plus(county, monkeypatch):
    monkeypatch.setattr(context_processors, "COUNTED_UP_TO", 3)
    me = county.users["dc_organiser"]
    request = RequestFactory().get("/")
    request.user = me
    for expected in (1, 2, "2+", "2+"):
        _notice(me)
        assert unread(request)["unread_notifications"] == expected


def test_the_unread_count_is_zero_for_anonymous_visitors():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread(request) == {"unread_notifications": 0}


def _aged(user, days):
    row = _notice(user)
    Notification.objects.filter(pk=row.pk).update(created=timezone.now() - timedelta(days=days))
    return row.pk


def test_notices_past_their_retention_are_deleted_read_or_not(county, settings):
    settings.PARTYFLOW_NOTIFICATION_DAYS = 30
    me, other = county.users["dc_organiser"], county.users["xs_organiser"]
    old_read = _aged(me, 31)
    Notification.objects.filter(pk=old_read).update(read_at=timezone.now())
    _aged(me, 400)  # never read
    _aged(other, 45)  # another user's
    young = [_aged(me, 29), _aged(other, 1)]
    assert purge_old(batch=2) == 3
    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(young)
    assert purge_old() == 0


def test_the_nightly_beat_purges_notifications(county, settings):
    settings.PARTYFLOW_NOTIFICATION_DAYS = 30
    _aged(county.users["dc_organiser"], 60)
    entry = settings.CELERY_BEAT_SCHEDULE["purge-notifications"]
    assert entry["task"] == purge_notifications.name
    assert purge_notifications.delay().get() == 1
    assert not Notification.objects.exists()


def test_a_users_notices_go_with_the_user(county):
    """The recipient has no index of its own; the cascade finds the notices
    through the indexes that start with it."""
    user = get_user_model().objects.create(username="leaver")
    for someone in (user, county.users["dc_organiser"]):
        notify([someone], kind=Kind.OTHER, title=gettext_noop("Reminder"))
    user.delete()
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "dc_organiser"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
def test_a_users_notices_are_found_by_index(county):
    user = county.users["dc_branch_sec"]
    found = plan(Notification.objects.filter(recipient=user))
    assert "notification_newest" in found or "notification_unread" in found, found
