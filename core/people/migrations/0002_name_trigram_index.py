"""Find people by part of their name through a trigram index (PostgreSQL only).

The auditor's search asks whether a name contains a text; no B-tree serves
that. A GIN index of trigrams (pg_trgm) does, built on each name with every
character tripled, so that a text of one or two characters (a surname, a
Chinese given name) has trigrams too: see core/people/names.py, which writes
the same expression in the search. pg_trgm is a trusted extension
(PostgreSQL 13+): the database's owner may create it.

Not in the model's Meta: SQLite has no such index (and needs none at the
embedded scale), so the migration does nothing there.
"""

from django.db import migrations

INDEX = "people_person_name_trgm"
# As core.people.names.name_contains writes it, or the planner will not use it.
TRIPLED_NAME = r"regexp_replace(UPPER(name), '(.)', '\1\1\1', 'g')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        f"USING gin (({TRIPLED_NAME}) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    # The extension stays: something else may use it by then.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
