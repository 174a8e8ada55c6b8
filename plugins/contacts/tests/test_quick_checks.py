"""The fast paths for phones and INNs answer exactly what phonenumbers and stdnum answer.

An import normalises every phone and tax id through
``plugins/contacts/quick_checks.py`` first; these properties hold it equal to
the full libraries on the shapes it takes (and on the shapes next to them it
must leave to the library), so a value is stored the same whichever path
cleaned it.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from stdnum.exceptions import ValidationError
from stdnum.ru import inn

from core.entities.validation import FieldError
from plugins.contacts import identifiers, quick_checks

# Beginnings of a national number worth trying: mobile, Moscow and regional
# lines, toll-free and premium 8xx, Kazakhstan's 7xx, "10" (after an "8":
# Russia's international prefix 810), a leading zero, unassigned ranges.
STARTS = ["9", "91", "93", "930", "4", "495", "499", "3", "343", "8", "800", "809", "808", "81", "7", "70", "71", "751",
          "10", "0", "1", "2", "5", "6"]
SEPARATORS = st.sampled_from(["", "", "", " ", "-", "(", ")", " (", ") ", "  ", "--", ".", "/", "\u00a0"])


@st.composite
def written_phones(draw):
    """A phone as people write it: a prefix, digits, separators in between."""
    prefix = draw(st.sampled_from(["+7", "8", "7", "+8", "+", "", "+7 8", "+77", "+375", "00 7"]))
    digits = draw(st.sampled_from(STARTS)) + draw(st.text(alphabet="0123456789", min_size=5, max_size=12))
    out = [prefix, draw(SEPARATORS)]
    for digit in digits:
        out += [digit, draw(SEPARATORS)]
    return "".join(out).strip()


def library_phone(raw: str, region: str) -> str | None:
    """What normalize_phone answered before the fast path: phonenumbers alone."""
    try:
        return identifiers.library_phone(raw, region)
    except FieldError:
        return None


def ours_phone(raw: str, region: str) -> str | None:
    try:
        return identifiers.normalize_phone(raw, region)
    except FieldError:
        return None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_phones(), st.sampled_from(["RU", "RU", "RU", "KZ", "BY", "US"]))
def test_phones_normalise_as_phonenumbers_does(raw, region):
    quick = quick_checks.russian_phone(raw, region)
    assert quick is None or quick == library_phone(raw, region)
    assert ours_phone(raw, region) == library_phone(raw, region)


@settings(max_examples=1500, deadline=None)
@given(st.integers(min_value=1_000_000_000, max_value=9_999_999_999))
def test_the_validity_of_every_ten_digit_number_is_the_librarys(national):
    digits = str(national)
    expected = phonenumbers.is_valid_number(phonenumbers.PhoneNumber(country_code=7, national_number=national))
    assert quick_checks.russian_phone("+7" + digits, "RU") == ("+7" + digits if expected else None)


@pytest.mark.parametrize("raw, expected", [
    ("+7 (916) 123-45-67", "+79161234567"),
    ("8 (916) 123-45-67", "+79161234567"),
    ("89161234567", "+79161234567"),
    ("+7 495 123-45-67", "+74951234567"),
    ("8 800 555-35-35", "+78005553535"),
    ("+7 (701) 123-45-67", "+77011234567"),  # Kazakhstan shares +7
])
def test_plain_russian_phones_take_the_fast_path(raw, expected):
    # The fast path must actually be taken for the commonest shapes, or it speeds nothing up.
    assert quick_checks.russian_phone(raw, "RU") == expected == library_phone(raw, "RU")


@pytest.mark.parametrize("raw", ["8 10 49 30 1234567", "+7 016 123-45-67", "+7 (916) 123-45-67 доб. 12", "8 (916) 123-45-6",
                                 "+7 (916) 123-45-67", "tel: +7 916 1234567"])
def test_other_shapes_are_left_to_the_library(raw):
    if raw == "+7 (916) 123-45-67":
        assert quick_checks.russian_phone(raw, "KZ") is None  # read in another country
    else:
        assert quick_checks.russian_phone(raw, "RU") is None
    assert ours_phone(raw, "RU") == library_phone(raw, "RU")


@st.composite
def written_inns(draw):
    """Tax ids of 9-13 digits, half with the right check digits, some with spaces or other digits."""
    length = draw(st.sampled_from([10, 12, 10, 12, 9, 11, 13]))
    base = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    if draw(st.booleans()):
        if length == 10:
            base = base[:9] + inn.calc_company_check_digit(base[:9])
        elif length == 12:
            base = base[:10] + inn.calc_personal_check_digits(base[:10])
    return draw(st.sampled_from(["{}", "{}", "{}", " {}", "{} ", "٣{}", "{}\u00a0"])).format(base)


def library_inn(raw: str) -> str | None:
    try:
        return inn.validate(raw)
    except ValidationError:
        return None


@settings(max_examples=1500, deadline=None)
@given(written_inns())
def test_inns_check_as_stdnum_does(raw):
    quick = quick_checks.russian_inn(raw)
    assert quick is None or quick == library_inn(raw)
    if library_inn(raw) == raw:
        assert quick == raw  # every valid INN of plain digits takes the fast path
    try:
        ours = identifiers.normalize_inn(raw, "RU")
    except FieldError:
        ours = None
    assert ours == library_inn(raw)


def test_valid_inns_take_the_fast_path():
    assert quick_checks.russian_inn("7707083893") == "7707083893"  # a company
    assert quick_checks.russian_inn("500100732259") == "500100732259"  # a person
    assert quick_checks.russian_inn("7707083894") is None  # a wrong check digit: the library's message
