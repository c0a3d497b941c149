"""Finding people by part of their name: on any database, through an index on PostgreSQL.

A Chinese name has two to four characters, and an auditor searches by the
surname (one character), the given name (one or two) or the whole name.
pg_trgm indexes sequences of three characters, so an index of the name itself
serves only texts of three characters or more. Here every character is
written three times, in the index (王小军 -> 王王王小小小军军军) and in the text
searched for: then one character is a trigram already (王王王), and "the name
contains 小军" is exactly "the tripled name contains 小小小军军军".

Migration people.0002_name_trigram_index builds the GIN index on this very
expression (regexp_replace(UPPER(name), '(.)', '\\1\\1\\1', 'g')); the planner
uses it only while the two are written alike (tests/core/people/test_name_index.py).
Other databases compare the name with `icontains`, unindexed.
"""

from django.db import connection
from django.db.models import Func, Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Contains


def tripled(expression):
    return Func(expression, Value("(.)"), Value(r"\1\1\1"), Value("g"), function="regexp_replace")


def name_contains(field, text):
    """A filter: the name at `field` ("name", "subject_name") contains `text`, any case."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__icontains": text})
    return Contains(tripled(Upper(field)), tripled(Upper(Value(text))))
