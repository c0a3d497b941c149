"""Schema changes that several apps' migrations make the same way."""

from django.db import migrations


def drop_foreign_key_index(alter_field, *, table, index, column):
    """`alter_field` (an AlterField to db_index=False) done by dropping the
    foreign key's own index by name, for a column another index starts with.

    Altering the field itself would make PostgreSQL drop and re-add the
    constraint, checking it over every row (31 s for 25.6 million
    notifications at 1M cases), and SQLite rebuild the table, losing the
    audit tables' append-only triggers. Django names the index the same on
    both.
    """
    return migrations.SeparateDatabaseAndState(
        state_operations=[alter_field],
        database_operations=[
            migrations.RunSQL(
                f"DROP INDEX IF EXISTS {index}", f"CREATE INDEX {index} ON {table} ({column})"
            )
        ],
    )


def rows_per_case(table, columns, rows):
    """Tell PostgreSQL's planner that each of `columns` of `table` takes one
    value per case, with about `rows` rows each (a no-op elsewhere).

    ANALYZE estimates a column's distinct values from a sample of 30,000
    rows; a case's two dozen events spread over 23.5 million came out as
    43,660 chains instead of 1,000,000. The planner then expected 540 events
    on a case page and joined their organisations by hashing the whole table:
    24 ms of a 60 ms page at 1M cases, against 0.2 ms by index. A negative
    n_distinct is a share of the rows, so it stays true as the table grows.
    The table is analysed again so the setting takes effect at once.
    """
    share = -1 / rows
    settings = ", ".join(f'ALTER COLUMN "{c}" SET (n_distinct = {share:.4f})' for c in columns)
    resets = ", ".join(f'ALTER COLUMN "{c}" RESET (n_distinct)' for c in columns)

    def run(*statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return operation

    return migrations.RunPython(
        run(f'ALTER TABLE "{table}" {settings}', f'ANALYZE "{table}"'),
        run(f'ALTER TABLE "{table}" {resets}', f'ANALYZE "{table}"'),
    )
