"""PostgreSQL's plan for a test's query."""

from django.db import connection


def plan(queryset, *, ruled_out=("seqscan",)):
    """The EXPLAIN text of `queryset` with the scans in `ruled_out` disabled.

    A test holds a handful of rows, which the planner would rather read whole;
    ruling that out makes the plan show whether an index can serve the query
    at all (the setting lasts until the test's transaction ends).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in ruled_out:
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())
