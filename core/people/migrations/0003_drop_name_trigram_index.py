"""People are no longer searched by name: the auditor's search reads the copy
of the subject's name on the case (cases.0006, which builds the same kind of
index there). The index on people's names would only cost space and writes."""

import importlib

from django.db import migrations

INDEXED = importlib.import_module("core.people.migrations.0002_name_trigram_index")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_name_trigram_index"), ("cases", "0006_subject_name")]
    operations = [migrations.RunPython(INDEXED.drop, INDEXED.create)]
