from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only entry of a hash chain.

    A chain is the history of one subject ("case:42", "person:7"); `seq` counts
    from 1 inside it and `hash` covers the event and its predecessor's hash, so
    a changed, removed or inserted row breaks the chain from there on.
    Database triggers (migration 0002) refuse UPDATE and DELETE.
    """

    chain = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    # Indexed with seq below, which serves every lookup by case (migration 0004).
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        db_index=False,
    )
    task_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=48)
    step = models.CharField(_("step"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opinion = models.TextField(_("opinion"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [models.Index(fields=["case", "seq"]), models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action}"


class AuditAnchor(models.Model):
    """A periodic checkpoint over every chain that grew since the previous one.

    Anchors form their own hash chain; each names the head (seq, hash) of the
    chains it covers, so cutting the tail off a chain, or deleting a whole
    chain, is found even though each chain is only linked to itself.
    """

    created_at = models.DateTimeField()
    last_event_id = models.BigIntegerField()
    heads = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"anchor #{self.pk} up to event {self.last_event_id}"
