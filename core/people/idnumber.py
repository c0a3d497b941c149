"""Resident ID numbers (公民身份号码, GB 11643-1999).

python-stdnum checks length, check digit, birth date and the region code
against its table of administrative divisions; we turn its exceptions into
messages a clerk understands, and check the number against what else we know
of the person.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


def normalise(number: str) -> str:
    return ric.compact(number or "")


def validate_id_number(number: str, *, birth_date=None, gender=None, today=None) -> str:
    """Return the normalised number, or raise ValidationError saying what is wrong."""
    number = normalise(number)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="id_format",
        )
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit of this ID number is wrong: a digit was mistyped."),
            code="id_checksum",
        )
    try:
        born = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The birth date inside this ID number is not a real date."),
            code="id_birth_date",
        ) from None
    if born > (today or date.today()) or born.year < 1900:
        raise ValidationError(
            _("The birth date inside this ID number is impossible."), code="id_birth_date"
        )
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The first six digits of this ID number are not a known region code."),
            code="id_region",
        ) from None
    if birth_date is not None and born != birth_date:
        raise ValidationError(
            _("The birth date %(born)s in the ID number differs from the birth date given."),
            code="id_birth_mismatch",
            params={"born": born.isoformat()},
        )
    if gender is not None and gender_of(number) != gender:
        raise ValidationError(
            _("The ID number belongs to a person of the other gender."), code="id_gender"
        )
    return number


def gender_of(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(number[16]) % 2 else "F"


def birth_date_of(number: str) -> date:
    return ric.get_birth_date(number)


def mask(number: str) -> str:
    """Region prefix and last four kept, birth date hidden: 110105********123X."""
    return number[:6] + "*" * 8 + number[-4:]
