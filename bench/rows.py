"""Writing generated rows fast: COPY on PostgreSQL, executemany elsewhere.

Rows are tuples in the column order of `columns(model)`; JSON columns are
written as already-serialised text so the same tuple serves both backends.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime

import psycopg
from django.core.management.color import no_style
from django.db import connection, transaction


def columns(model):
    """The model's own columns (a multi-table child's table lacks its parent's)."""
    return [f.column for f in model._meta.local_concrete_fields]


class Ids:
    """Primary keys handed out in Python, above whatever the table holds.

    The generator is the only writer of its database, so no sequence is read
    row by row; `reset_sequences` moves the sequences past the last key given.
    """

    def __init__(self):
        self._next = {}

    def take(self, model, count=1):
        table = model._meta.db_table
        if table not in self._next:
            pk = model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
                self._next[table] = cursor.fetchone()[0] + 1
        first = self._next[table]
        self._next[table] += count
        return first


class Blocks:
    """Primary keys for processes copying at once: each batch reserves its blocks
    from the tables' sequences (PostgreSQL), one reservation at a time."""

    LOCK = 7_070_707

    def __init__(self):
        self._next, self._end = {}, {}

    def reserve(self, counts):
        """`counts`: {model: keys needed}; in its own short transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.LOCK])
            for model, count in counts.items():
                if not count:
                    continue
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [table, pk, table, pk, count],
                )
                last = cursor.fetchone()[0]
                self._next[table], self._end[table] = last - count + 1, last + 1

    def take(self, model, count=1):
        table = model._meta.db_table
        first = self._next[table]
        self._next[table] += count
        if self._next[table] > self._end[table]:
            raise RuntimeError(f"{table}: more keys taken than reserved")
        return first


def reset_sequences(model_list):
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(sql)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Writer:
    """Buffers rows per table and writes them in table order on `flush`."""

    def __init__(self, order):
        self.order = [m._meta.db_table for m in order]
        self.cols = {m._meta.db_table: columns(m) for m in order}
        self.rows = {table: [] for table in self.order}
        self.written = dict.fromkeys(self.order, 0)

    def add(self, model, row):
        self.rows[model._meta.db_table].append(row)

    def pending(self):
        return sum(len(r) for r in self.rows.values())

    def flush(self):
        for table in self.order:
            rows = self.rows[table]
            if rows:
                self._write(table, self.cols[table], rows)
                self.written[table] += len(rows)
                self.rows[table] = []

    def _write(self, table, cols, rows):
        names = ", ".join(cols)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(cols))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def backend_cpu():
    """CPU seconds used so far by this connection's PostgreSQL backend, if it runs
    on this machine (figures on a shared machine are read in CPU time, not wall)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu():
    times = os.times()
    return times.user + times.system


def bulk_session():
    """Load settings for the generator's session on PostgreSQL: the rows are
    consistent by construction, so foreign keys are not re-checked row by row
    (session_replication_role skips the FK triggers), and commits do not wait
    for the WAL flush. Nothing else in the database is changed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")


# Secondary indexes (not primary keys or unique constraints) of the given tables.
_DEFERRABLE = """
SELECT ix.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ix ON ix.oid = i.indexrelid
WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
  )
ORDER BY pg_relation_size(i.indrelid) DESC
"""


@contextmanager
def indexes_built_after(model_list, url, processes=2):
    """Drop the secondary indexes of the models' tables for the body and build
    them again after it, `processes` at a time (PostgreSQL only).

    Kept up row by row, these indexes cost PostgreSQL more CPU per row the
    bigger the tables grow (×22 for ×10 rows between 100k and 1M cases); one
    sort per index at the end is linear. Keys and unique constraints stay, so
    a copy that collides still fails at once; a run that fails leaves the
    database without them (generate it again with --fresh).
    """
    tables = [m._meta.db_table for m in model_list]
    with connection.cursor() as cursor:
        cursor.execute(_DEFERRABLE, [tables])
        deferred = cursor.fetchall()
        for name, _ in deferred:
            cursor.execute(f'DROP INDEX "{name}"')
    yield [name for name, _ in deferred]
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(lambda d: _build(url, d[1]), deferred))


def _build(url, definition):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(definition)


def vacuum(url, processes=2):
    """VACUUM every table of the database, the largest first, `processes` at a time.

    A live database is vacuumed by autovacuum, which marks the pages whose rows
    every transaction sees; index-only scans skip the table only on such pages
    (unvacuumed, the county inbox read 2,349 case pages at 1M cases instead of
    none). The benchmark machine's server runs with autovacuum off, so the
    generated set is vacuumed once here, as time would have done.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace ORDER BY pg_relation_size(oid) DESC"
            )
        ]

    def run(table):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'VACUUM "{table}"')

    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(run, tables))
