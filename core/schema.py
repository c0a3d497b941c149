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
