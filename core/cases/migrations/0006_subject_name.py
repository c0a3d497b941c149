"""The subject's name on the case, for the auditor's search by name.

Copied from people_person for the cases there are, then indexed on
PostgreSQL by trigrams of the name with every character tripled, the
expression core.people.names.name_contains writes (see people.0002, which
does the same for people). On the 1M set the search by a surname read ~15,000
scattered people rows before it could narrow by county; with the name on
the case the two filters meet in one table.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

INDEX = "case_subject_name_trgm"
# As core.people.names.name_contains writes it, or the planner will not use it.
TRIPLED_NAME = r"regexp_replace(UPPER(subject_name), '(.)', '\1\1\1', 'g')"


def copy_names(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Person = apps.get_model("people", "Person")
    name = Person.objects.filter(pk=OuterRef("subject_id")).values("name")[:1]
    Case.objects.filter(subject__isnull=False).update(
        subject_name=Coalesce(Subquery(name), Value(""))
    )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        f"USING gin (({TRIPLED_NAME}) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_open_task_by_owner_index"),
        ("people", "0002_name_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="subject_name",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
