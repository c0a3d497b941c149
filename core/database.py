"""Prepared statements for the service path, on PostgreSQL.

Parameters are bound on the server everywhere (`on_postgresql` in the
settings), but statements are prepared only inside `prepared_statements()`,
which the service path's transactions use. Their queries find rows by key,
and a prepared statement is not planned again: on the 100k set a step's
queries spent more time being planned than run (the acting-role lookup:
1.9 ms planning, 0.24 ms execution), and preparing them took a step's SQL
time from 11.5–12.7 ms to 7.1–7.4 ms (docs/sizing.md, session 7).

Searches, inboxes and reports plan every query for its own parameters:
prepared, PostgreSQL soon switched the auditor search to a generic plan
that took 22–25 ms a query instead of 6–11 ms.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def prepared_statements():
    """Within the block, the second run of a statement on this connection is
    prepared, and later runs reuse it."""
    if connection.vendor != "postgresql" or not settings.PARTYFLOW_PREPARED_STATEMENTS:
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    before = driver.prepare_threshold
    driver.prepare_threshold = 1
    try:
        yield
    finally:
        driver.prepare_threshold = before
