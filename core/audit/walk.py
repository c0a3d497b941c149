"""The hash of an event and the walk that checks chains of them.

Nothing here imports Django, so a process spawned to check a range of chains
starts in a moment and talks to PostgreSQL through its own connection: a
process that shared its parent's connection state once failed mid-walk.
"""

import hashlib
import json
from datetime import UTC

import psycopg

GENESIS = "0" * 64

# The fields an event's hash covers, in the order the walk reads them.
HASHED = (
    "chain", "seq", "case_id", "task_id", "action", "step", "actor_id", "actor_name",
    "actor_role", "actor_organisation_id", "opinion", "data", "created_at", "prev_hash",
)  # fmt: skip


def canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def hash_of(chain, seq, case, task, action, step, actor, actor_name, actor_role,
            actor_organisation, opinion, data, created_at, prev) -> str:  # fmt: skip
    payload = {
        "chain": chain,
        "seq": seq,
        "case": case,
        "task": task,
        "action": action,
        "step": step,
        "actor": actor,
        "actor_name": actor_name,
        "actor_role": actor_role,
        "actor_organisation": actor_organisation,
        "opinion": opinion,
        "data": data,
        "created_at": created_at.astimezone(UTC).isoformat(),
        "prev": prev,
    }
    return hashlib.sha256(canonical(payload)).hexdigest()


def walk(rows):
    """Check rows (pk, *HASHED, hash) given whole chains in (chain, seq) order.

    Returns (events, chains, breaks), a break being (pk, chain, seq, reason)
    for the first bad event of a chain; the rest of that chain is skipped."""
    breaks, broken_chains = [], set()
    count = chains = 0
    current, expected_seq, prev = None, 1, GENESIS
    for pk, *hashed, digest in rows:
        count += 1
        event_chain, seq, prev_hash = hashed[0], hashed[1], hashed[-1]
        if event_chain != current:
            current, expected_seq, prev, chains = event_chain, 1, GENESIS, chains + 1
        if event_chain in broken_chains:
            continue
        reason = None
        if seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {seq}: events are missing"
        elif prev_hash != prev:
            reason = "does not link to the event before it"
        elif hash_of(*hashed) != digest:
            reason = "its content was changed after it was written"
        if reason:
            breaks.append((pk, event_chain, seq, reason))
            broken_chains.add(event_chain)
        expected_seq, prev = seq + 1, digest
    return count, chains, breaks


def select(table, low=None, high=None):
    """SQL and parameters reading the rows `walk` takes, of the chains with
    low <= chain < high (None: open)."""
    where, params = [], []
    if low is not None:
        where.append("chain >= %s")
        params.append(low)
    if high is not None:
        where.append("chain < %s")
        params.append(high)
    sql = (
        f"SELECT id, {', '.join(HASHED)}, hash FROM {table}"
        f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY chain, seq"
    )
    return sql, params


def walk_range(conninfo, table, low, high):
    """`walk` the chains in [low, high) through a new connection, with a
    server-side cursor and psycopg's own (C) loaders."""
    with psycopg.connect(**conninfo) as conn, conn.cursor(name="verify_audit") as cursor:
        cursor.itersize = 5000
        cursor.execute(*select(table, low, high))
        return walk(cursor)
