"""Hashing, appending and verifying the audit chains."""

import hashlib
import json
import multiprocessing
from dataclasses import dataclass
from datetime import UTC

import psycopg
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from psycopg.pq import Format

from core.audit.models import AuditAnchor, AuditEvent
from core.audit.walk import GENESIS, HASHED, canonical, hash_of, select, walk, walk_range


def plain_json(data):
    """Dates, decimals and UUIDs as the strings the database will give back."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def event_hash(event) -> str:
    return hash_of(*(getattr(event, field) for field in HASHED))


def anchor_hash(anchor) -> str:
    payload = {
        "created_at": anchor.created_at.astimezone(UTC).isoformat(),
        "last_event_id": anchor.last_event_id,
        "heads": anchor.heads,
        "prev": anchor.prev_hash,
    }
    return hashlib.sha256(canonical(payload)).hexdigest()


def append(*, chain, action, actor=None, **fields) -> AuditEvent:
    """Add an event at the end of `chain`, inside the caller's transaction.

    The caller holds the lock on the chain's subject (the case row), so the
    last event read here is still the last at commit; the unique (chain, seq)
    constraint refuses a second writer that got past anyway.
    """
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        chain=chain,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "",
        **fields,
    )
    _seal(event, last["seq"] if last else 0, last["hash"] if last else GENESIS, timezone.now())
    event.save(force_insert=True)
    return event


def _seal(event, last_seq, last_hash, now):
    """Place `event` after (last_seq, last_hash) of its chain and hash it."""
    event.seq, event.prev_hash, event.created_at = last_seq + 1, last_hash, now
    event.data = plain_json(event.data)
    event.hash = event_hash(event)


def append_many(events) -> list[AuditEvent]:
    """Add unsaved events (chain, action, fields set; any chains, in order) at the
    ends of their chains: one read of all the heads, one insert.

    For batch jobs such as the deadline sweep; the caller holds the locks on
    the chains' subjects, as for `append`."""
    heads = _heads({event.chain for event in events})
    now = timezone.now()
    for event in events:
        _seal(event, *heads.get(event.chain, (0, GENESIS)), now)
        heads[event.chain] = (event.seq, event.hash)
    return AuditEvent.objects.bulk_create(events)


# On PostgreSQL each chain's last event is one backward step in the (chain,
# seq) index. The portable query below reads every event of the chains and
# runs its subquery for each: for a sweep batch of 700 cases at 1M cases,
# 11,266 rows and 383 ms against 139 ms (EXPLAIN ANALYZE, docs/sizing.md).
HEADS_SQL = (
    "SELECT last.chain, last.seq, last.hash FROM unnest(%s::varchar[]) AS wanted(chain) "
    f"CROSS JOIN LATERAL (SELECT chain, seq, hash FROM {AuditEvent._meta.db_table} "
    "WHERE chain = wanted.chain ORDER BY seq DESC LIMIT 1) AS last"
)


def _heads(chains):
    """{chain: (seq, hash)} of the last event of each of `chains` that has one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(HEADS_SQL, [sorted(chains)])
            rows = cursor.fetchall()
    else:
        last = AuditEvent.objects.filter(chain=OuterRef("chain")).order_by("-seq").values("seq")
        rows = AuditEvent.objects.filter(chain__in=chains, seq=Subquery(last[:1])).values_list(
            "chain", "seq", "hash"
        )
    return {chain: (seq, digest) for chain, seq, digest in rows}


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


def verify(chain=None, jobs=1) -> Report:
    """Recompute every chain (or one) and the anchors; list the first break of each.

    With `jobs` > 1 on PostgreSQL the chains are cut into that many ranges of
    their keys, each checked by a spawned process with its own connection:
    hashing is CPU-bound Python and chains are independent. Inside a
    transaction the walk stays here: other connections would not see what it
    has not committed."""
    ranges = _key_ranges(jobs) if chain is None and _can_spread(jobs) else []
    parts = _walk_in_processes(ranges) if len(ranges) > 1 else [walk(_rows(chain))]
    breaks = [
        Break(f"event {pk} ({key} #{seq})", reason)
        for part in parts
        for pk, key, seq, reason in part[2]
    ]
    anchors = 0 if chain else _verify_anchors(breaks)
    return Report(
        events=sum(part[0] for part in parts),
        chains=sum(part[1] for part in parts),
        anchors=anchors,
        breaks=breaks,
    )


def intact(events) -> bool:
    """Whether `events`, one whole chain read in seq order as models, still verify.

    The same walk as verify(chain=…), on events a page has already read for
    its history: a case page read its chain twice, once to show it and once
    to check it."""
    rows = (
        (event.pk, *(getattr(event, field) for field in HASHED), event.hash) for event in events
    )
    return not walk(rows)[2]


def _can_spread(jobs):
    return jobs > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


def _key_ranges(jobs):
    """Up to `jobs` ranges (low, high) of chain keys with about as many events
    each, cut at PostgreSQL's statistics of the column (histogram, or most
    common values when there are few chains), sorted by the database so the
    ranges follow its collation: no scan of the table. One open range when
    the table has not been analysed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(v ORDER BY v) FROM pg_stats, "
            "unnest(COALESCE(histogram_bounds, most_common_vals)::text::text[]) AS v "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'chain'",
            [AuditEvent._meta.db_table],
        )
        bounds = cursor.fetchone()[0] or []
    cuts = (
        list(dict.fromkeys(bounds[len(bounds) * i // jobs] for i in range(1, jobs)))
        if bounds
        else []
    )
    edges = [None, *cuts, None]
    return list(zip(edges, edges[1:], strict=False))


def _walk_in_processes(ranges):
    params = connection.get_connection_params()
    conninfo = {
        k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)
    }
    table = AuditEvent._meta.db_table
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(len(ranges)) as pool:
        return pool.starmap(walk_range, [(conninfo, table, low, high) for low, high in ranges])


def _rows(chain):
    """The events as plain tuples (pk, *HASHED, hash), in chain order.

    Building a model instance per event was most of the time verify spent in
    Python. On PostgreSQL the whole-database walk also skips Django's loaders:
    Django parses every timestamptz in pure Python, psycopg's own loaders do
    it in C (sizing: 23,600 -> 33,500 events/s from plain tuples alone)."""
    if chain:
        # One case's chain, checked on its page: a few dozen events read at once,
        # without the server-side cursor iterator() opens (DECLARE … WITH HOLD,
        # FETCH, CLOSE: three round trips and a materialised result).
        events = AuditEvent.objects.filter(chain=chain).order_by("seq")
        yield from events.values_list("pk", *HASHED, "hash")
        return
    if connection.vendor != "postgresql":
        events = AuditEvent.objects.order_by("chain", "seq")
        yield from events.values_list("pk", *HASHED, "hash").iterator(chunk_size=5000)
        return
    with transaction.atomic(), connection.connection.cursor(name="verify_audit") as cursor:
        for name in ("timestamptz", "jsonb"):
            info = psycopg.adapters.types[name]
            cursor.adapters.register_loader(
                info.oid, psycopg.adapters.get_loader(info.oid, Format.TEXT)
            )
        cursor.itersize = 5000
        cursor.execute(*select(AuditEvent._meta.db_table))
        yield from cursor


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
