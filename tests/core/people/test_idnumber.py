from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.demo import make_id_number
from core.people import idnumber
from core.people.choices import Education, Gender, Occupation
from core.people.forms import PersonForm
from core.people.models import Person

VALID = "11010519491231002X"  # the standard's own example: female, 1949-12-31, Beijing


def test_a_valid_number_passes_and_is_normalised():
    assert idnumber.validate_id_number(" 11010519491231002x ") == VALID
    assert idnumber.gender_of(VALID) == "F"
    assert idnumber.birth_date_of(VALID) == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002A", "id_format"),
        ("110105194912310021", "id_checksum"),
        ("110105194902300020", "id_birth_date"),  # 30 February
        ("990105194912310020", "id_region"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(number, code):
    if code in ("id_birth_date", "id_region"):
        from stdnum.cn import ric

        number = number[:17] + ric.calc_check_digit(number)  # only the part under test is wrong
    with pytest.raises(ValidationError) as refused:
        idnumber.validate_id_number(number)
    assert refused.value.code == code


def test_a_birth_date_in_the_future_is_impossible():
    number = make_id_number(date(2030, 1, 1), 1)
    with pytest.raises(ValidationError) as refused:
        idnumber.validate_id_number(number, today=date(2026, 11, 21))
    assert refused.value.code == "id_birth_date"


def test_the_number_must_agree_with_birth_date_and_gender():
    with pytest.raises(ValidationError) as refused:
        idnumber.validate_id_number(VALID, birth_date=date(1950, 1, 1))
    assert refused.value.code == "id_birth_mismatch"
    with pytest.raises(ValidationError) as refused:
        idnumber.validate_id_number(VALID, gender="M")
    assert refused.value.code == "id_gender"
    assert idnumber.validate_id_number(VALID, birth_date=date(1949, 12, 31), gender="F") == VALID


def test_mask_hides_the_birth_date():
    assert idnumber.mask(VALID) == "110105********002X"


@pytest.mark.django_db
def test_the_number_is_stored_encrypted_with_a_digest_and_a_mask(county):
    person = Person.find_by_id_number(county.people["member_a"].id_number)
    assert person == county.people["member_a"]
    raw = Person.objects.filter(pk=person.pk).values("id_number_cipher", "id_number_masked").get()
    assert person.id_number not in raw["id_number_cipher"]
    assert raw["id_number_masked"] == idnumber.mask(person.id_number)


@pytest.mark.django_db
def test_the_same_number_cannot_be_recorded_twice(county):
    twin = county.people["member_a"]
    twin.pk = None
    twin.user = None
    with pytest.raises(IntegrityError):
        twin.save()


@pytest.mark.django_db
def test_the_person_form_names_the_problem_in_chinese_and_saves_nothing(county):
    before = Person.objects.count()
    form = PersonForm(
        data={
            "name": "测试",
            "gender": Gender.MALE,
            "ethnicity": "汉族",
            "birth_date": "1990-05-01",
            "education": Education.BACHELOR,
            "occupation": Occupation.WORKER,
            "id_number": make_id_number(date(1990, 5, 2), 1),
            "organisation": county.orgs["dongcheng_village"].pk,
        }
    )
    assert not form.is_valid()
    assert "身份证号码中的出生日期" in form.errors["id_number"][0]
    assert Person.objects.count() == before
