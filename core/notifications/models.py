from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNMENT = "assignment", _("New step to do")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Overdue, escalated")
    HANDOVER = "handover", _("Handed over to you")
    OTHER = "other", _("Other")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user, shown in the site and sent by e-mail when they have one.

    `title` and `body` hold the English source text (marked with gettext_noop
    where they are written) and `params` its placeholders, so each reader sees
    the message in the language of the page they read it on.
    """

    # Not indexed on its own: both indexes below start with it (178 MB of
    # 25.6 million notices at 1M cases, and one more write per notice).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A failed delivery is kept here and tried again by the deadline sweep.
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created"], name="notification_newest"),
        ]

    def __str__(self):
        return self.subject

    def _render(self, text):
        # Placeholders that are themselves English source (a step's title, a
        # deadline's label) are translated too; names and dates pass unchanged.
        # An empty string would fetch the catalogue header, so it is skipped.
        params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in self.params.items()}
        return gettext(text) % params if text else ""

    @property
    def subject(self):
        return self._render(self.title)

    @property
    def text(self):
        return self._render(self.body)

    @property
    def is_unread(self):
        return self.read_at is None
