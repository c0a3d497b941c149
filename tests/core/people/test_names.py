"""`name_contains` gives the same answers as `icontains` on every database; on
PostgreSQL it writes the tripled expression the trigram index on the cases'
subject names is built on (tests/core/cases/test_subject_name.py)."""

from datetime import date

import pytest

from core.demo import add_person
from core.people.models import Person
from core.people.names import name_contains

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county):
    """The demo county's people, and two whose names test case and LIKE's wildcards."""
    add_person(county, "latin", "Wang Li", "dongcheng_village", birth=date(1990, 1, 1))
    add_person(county, "odd", "百分%_号", "dongcheng_village", birth=date(1991, 1, 1))
    return county.people


@pytest.mark.parametrize("text", ["林", "小军", "林小军", "wang", "WANG LI", "%", "_号", "无此人"])
def test_the_same_people_as_icontains(people, text):
    found = Person.objects.filter(name_contains("name", text))
    assert list(found) == list(Person.objects.filter(name__icontains=text))


def test_the_same_people_as_icontains_in_substance(people):
    assert list(Person.objects.filter(name_contains("name", "小军"))) == [people["applicant_a"]]
    assert list(Person.objects.filter(name_contains("name", "wang"))) == [people["latin"]]
    assert list(Person.objects.filter(name_contains("name", "%_"))) == [people["odd"]]
    assert list(Person.objects.filter(name_contains("name", "%%"))) == []
