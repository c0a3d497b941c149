"""Progress of a running import, committed apart from the import itself.

The import is one transaction (all or nothing), so anything it writes stays
invisible to the page that polls until the very end. Progress therefore goes
through a second, autocommitting connection of its own:

* PostgreSQL: the second connection updates `rows_done` on the job row, which
  the import's transaction never touches while it runs (the job is marked
  running and committed before, and finished only after this connection is
  closed). Were the import's transaction to lock the job row, the progress
  UPDATE would wait for it, in the same process: a self-deadlock. Writes are
  batched (at most one a second) so a big file does not double its round trips.
* SQLite (the embedded default): one writer at a time, and the import's
  transaction holds the write lock from its BEGIN (IMMEDIATE mode), so a
  second connection could only wait for it. Nothing is written while the job
  runs; the counters are set when it finishes. The embedded default runs the
  task inside the upload request anyway, so its page opens on a finished job.
"""

import time

from django.db import DEFAULT_DB_ALIAS, connections

from core.imports.models import ImportJob

EVERY_SECONDS = 1.0


class Progress:
    def __init__(self, job_pk):
        self.job_pk, self.done, self.written_at = job_pk, 0, 0.0
        self.side = None
        default = connections[DEFAULT_DB_ALIAS]
        if default.vendor == "postgresql":
            # A connection of our own, outside the handler: not shared, not in any atomic block.
            self.side = type(default)(dict(default.settings_dict), alias="imports_progress")
            table = ImportJob._meta.db_table
            quote = default.ops.quote_name
            self.sql = (
                f"UPDATE {quote(table)} SET {quote('rows_done')} = %s, "
                f"{quote('progress_at')} = now() WHERE id = %s"
            )

    def advance(self):
        self.done += 1
        now = time.monotonic()
        if self.side is not None and now - self.written_at >= EVERY_SECONDS:
            self.written_at = now
            with self.side.cursor() as cursor:
                cursor.execute(self.sql, [self.done, self.job_pk])

    def close(self):
        if self.side is not None:
            self.side.close()
            self.side = None
