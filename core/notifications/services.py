"""Writing notifications and sending them by e-mail.

`notify` writes the in-app rows in the caller's transaction, so they exist
exactly when the change they announce was committed; the e-mail is sent with
transaction.on_commit, so a change rolled back sends nothing. A failed
delivery never undoes the change: it is recorded on the row and tried again
by `retry_emails`, which the deadline sweep runs.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.notifications.models import Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Rows younger than this may still be waiting for their own on_commit send.
RETRY_AFTER = timedelta(minutes=10)


def notify(recipients, *, kind, title, body="", params=None, case=None, link=""):
    """One notification to each of `recipients` (users); returns the rows written."""
    fields = {"kind": kind, "title": title, "body": body, "params": params, "case": case}
    return notify_many([(recipients, {**fields, "link": link})])


def notify_many(notices):
    """Several notices at once, each `(recipients, fields)` with the fields of
    `notify`: one insert for all (the deadline sweep announces hundreds at a time)."""
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, **{**fields, "params": fields.get("params") or {}})
        for recipients, fields in notices
        for user in {user.pk: user for user in recipients}.values()
    )
    to_mail = [row.pk for row in rows if row.recipient.email]
    if to_mail:
        transaction.on_commit(lambda: send_emails(to_mail))
    return rows


def _message(row):
    # E-mail has no page language: it is written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        site = getattr(settings, "PARTYFLOW_SITE_URL", "")
        link = f"\n\n{site}{row.link}" if row.link else ""
        return f"{_('PartyFlow')}: {row.subject}", f"{row.text}{link}"


def send_emails(pks):
    """Send the rows' e-mails; each failure is kept on its row for the next try."""
    rows = Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).select_related(
        "recipient"
    )
    sent = 0
    for row in rows:
        subject, text = _message(row)
        try:
            send_mail(subject, text, None, [row.recipient.email])
        except OSError as error:  # SMTP and socket errors alike: kept for the retry
            log.warning("notification %s not e-mailed: %s", row.pk, error)
            Notification.objects.filter(pk=row.pk).update(
                email_attempts=row.email_attempts + 1, email_error=str(error)[:300]
            )
        else:
            sent += 1
            Notification.objects.filter(pk=row.pk).update(
                emailed_at=timezone.now(), email_attempts=row.email_attempts + 1, email_error=""
            )
    return sent


def retry_emails(now=None):
    """Send again what failed (or was never tried), up to MAX_ATTEMPTS times each."""
    now = now or timezone.now()
    pks = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_attempts__lt=MAX_ATTEMPTS,
            created__lte=now - RETRY_AFTER,
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:500]
    )
    return send_emails(pks) if pks else 0


def purge_old(now=None, batch=10_000):
    """Delete the notifications older than PARTYFLOW_NOTIFICATION_DAYS, read or not;
    returns how many.

    A notice tells someone of a step; the case's audit chain and its records
    are what keeps the step. Kept for ever, notices were a seventh of the
    database (9.4 KB a case at 1,000,000 cases, docs/sizing.md). They go in
    batches along the primary key, so the table is read once and no long lock
    is held on it.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.PARTYFLOW_NOTIFICATION_DAYS)
    deleted, after = 0, 0
    while True:
        pks = list(
            Notification.objects.filter(pk__gt=after, created__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            return deleted
        after = pks[-1]
        deleted += Notification.objects.filter(pk__in=pks).delete()[0]


def mark_read(user, pks=None):
    """Mark the user's own notifications read (all unread ones when `pks` is None)."""
    rows = Notification.objects.filter(recipient=user).unread()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=timezone.now())
