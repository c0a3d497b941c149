"""Hashing, appending and verifying the audit chains."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.audit.models import AuditAnchor, AuditEvent

GENESIS = "0" * 64


def _canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def plain_json(data):
    """Dates, decimals and UUIDs as the strings the database will give back."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def event_hash(event) -> str:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "case": event.case_id,
        "task": event.task_id,
        "action": event.action,
        "step": event.step,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "actor_organisation": event.actor_organisation_id,
        "opinion": event.opinion,
        "data": event.data,
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "prev": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


def anchor_hash(anchor) -> str:
    payload = {
        "created_at": anchor.created_at.astimezone(UTC).isoformat(),
        "last_event_id": anchor.last_event_id,
        "heads": anchor.heads,
        "prev": anchor.prev_hash,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


def append(*, chain, action, actor=None, **fields) -> AuditEvent:
    """Add an event at the end of `chain`, inside the caller's transaction.

    The caller holds the lock on the chain's subject (the case row), so the
    last event read here is still the last at commit; the unique (chain, seq)
    constraint refuses a second writer that got past anyway.
    """
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        chain=chain,
        seq=(last["seq"] + 1) if last else 1,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        created_at=timezone.now(),
        prev_hash=last["hash"] if last else GENESIS,
        **fields,
    )
    event.data = plain_json(event.data)
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event


@transaction.atomic
def anchor() -> AuditAnchor | None:
    """Checkpoint the heads of the chains that grew since the last anchor."""
    previous = AuditAnchor.objects.select_for_update().order_by("-pk").first()
    since = previous.last_event_id if previous else 0
    new = (
        AuditEvent.objects.filter(pk__gt=since)
        .order_by("pk")
        .values_list("pk", "chain", "seq", "hash")
    )
    heads, last_id = {}, since
    for pk, chain, seq, digest in new.iterator(chunk_size=10000):
        heads[chain] = [seq, digest]
        last_id = pk
    if not heads:
        return None
    anchor = AuditAnchor(
        created_at=timezone.now(),
        last_event_id=last_id,
        heads=heads,
        prev_hash=previous.hash if previous else GENESIS,
    )
    anchor.hash = anchor_hash(anchor)
    anchor.save(force_insert=True)
    return anchor


@dataclass
class Break:
    """The first place where the recorded history does not add up."""

    where: str
    reason: str

    def __str__(self):
        return f"{self.where}: {self.reason}"


@dataclass
class Report:
    events: int
    chains: int
    anchors: int
    breaks: list

    @property
    def ok(self):
        return not self.breaks


def verify(chain=None) -> Report:
    """Recompute every chain (or one) and the anchors; list the first break of each."""
    events = AuditEvent.objects.order_by("chain", "seq")
    if chain:
        events = events.filter(chain=chain)
    breaks, broken_chains = [], set()
    count = chains = 0
    current, expected_seq, prev = None, 1, GENESIS
    for event in events.iterator(chunk_size=5000):
        count += 1
        if event.chain != current:
            current, expected_seq, prev, chains = event.chain, 1, GENESIS, chains + 1
        if event.chain in broken_chains:
            continue
        where = f"event {event.pk} ({event.chain} #{event.seq})"
        reason = None
        if event.seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {event.seq}: events are missing"
        elif event.prev_hash != prev:
            reason = "does not link to the event before it"
        elif event_hash(event) != event.hash:
            reason = "its content was changed after it was written"
        if reason:
            breaks.append(Break(where, reason))
            broken_chains.add(event.chain)
        expected_seq, prev = event.seq + 1, event.hash
    anchors = 0 if chain else _verify_anchors(breaks)
    return Report(events=count, chains=chains, anchors=anchors, breaks=breaks)


def _verify_anchors(breaks) -> int:
    prev, count = GENESIS, 0
    for anchor in AuditAnchor.objects.order_by("pk").iterator(chunk_size=500):
        count += 1
        if anchor.prev_hash != prev or anchor_hash(anchor) != anchor.hash:
            breaks.append(Break(f"anchor {anchor.pk}", "the anchor chain was altered"))
            return count
        prev = anchor.hash
        for chain_key, (seq, digest) in anchor.heads.items():
            found = (
                AuditEvent.objects.filter(chain=chain_key, seq=seq)
                .values_list("hash", flat=True)
                .first()
            )
            if found != digest:
                breaks.append(
                    Break(
                        f"anchor {anchor.pk}",
                        f"{chain_key} #{seq} anchored but now {'missing' if found is None else 'different'}",
                    )
                )
    return count
