"""Fast paths for the commonest phones and tax ids: the libraries' own answers, sooner.

An import normalises every phone and tax id of the file, and the libraries
are general: ``phonenumbers.parse`` costs ~50 µs a number (finding a number
in free text, extensions, RFC 3966, international prefixes...), stdnum's INN
~15 µs (Unicode clean-up of the input). Most values of a Russian file come
in a few plain shapes whose parse is known in advance:

* a phone written ``+7`` or ``8`` (the national prefix) followed by ten ASCII
  digits, with only spaces, brackets and hyphens between them, read in Russia:
  its country code is 7 and its national number those ten digits. Whether
  it is valid is ``is_valid_number``'s decision made with the library's own
  metadata (the region by leading digits, then the general pattern and any
  number type's pattern), compiled once into two regular expressions per
  region instead of a dozen calls per number;
* an INN of exactly 10 or 12 ASCII digits: only its check digits are
  computed (stdnum's own functions).

Each function answers ``None`` for anything outside its shape, or refused
(refusals are rare, and their message is the library path's), and the caller
takes the full library path. ``plugins/contacts/tests/test_quick_checks.py``
holds the two paths equal with hypothesis: same value, same refusal.
"""

from __future__ import annotations

import re
from functools import cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_SEPARATORS = "[ ()\\-]*"
# "+7" or the national prefix "8", then ten digits with optional separators.
_RU_PHONE = re.compile(rf"(\+7|8){_SEPARATORS}((?:[0-9]{_SEPARATORS}){{10}})")
_NOT_DIGITS = re.compile("[^0-9]")
_INN = re.compile("[0-9]{10}|[0-9]{12}")


def russian_phone(raw: str, region: str) -> str | None:
    """E.164 of a plain, valid Russian phone; ``None`` for anything else."""
    if region != "RU":
        return None
    match = _RU_PHONE.fullmatch(raw)
    if match is None:
        return None
    national = _NOT_DIGITS.sub("", match.group(2))
    if match.group(1) == "8" and national.startswith("10"):
        return None  # "8 10 ..." is how Russia dials abroad (international prefix 810): the library's case
    if national[0] == "0":
        return None  # a leading zero is kept apart ("Italian leading zero"): the library's case
    return "+7" + national if _valid(7, national) else None


# The number types phonenumbers' _number_type_helper tries; any match is a valid number.
_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
          "fixed_line", "mobile")


def _desc_pattern(desc, length: int) -> str | None:
    """A number description's pattern, if a national number of ``length`` digits can match it."""
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return desc.national_number_pattern


@cache
def _region_rules(country_code: int, length: int) -> tuple:
    """Per region of the country code: (leading digits, general pattern, any type's pattern), compiled."""
    rules = []
    for region in COUNTRY_CODE_TO_REGION_CODE[country_code]:
        meta = PhoneMetadata.metadata_for_region(region, None)
        if meta is None:
            continue
        general = _desc_pattern(meta.general_desc, length)
        types = [p for p in (_desc_pattern(getattr(meta, t), length) for t in _TYPES) if p]
        rules.append((re.compile(meta.leading_digits) if meta.leading_digits else None,
                      re.compile(general) if general else None,
                      re.compile("|".join(f"(?:{p})" for p in types)) if types else None))
    return tuple(rules)


def _typed(national: str, general, types) -> bool:
    return general is not None and types is not None and general.fullmatch(national) is not None \
        and types.fullmatch(national) is not None


def _valid(country_code: int, national: str) -> bool:
    """phonenumbers.is_valid_number of this country code and national number (no leading zero)."""
    for leading, general, types in _region_rules(country_code, len(national)):
        # The number's region: the first whose leading digits match, or (without them) whose types do.
        if leading.match(national) if leading is not None else _typed(national, general, types):
            return _typed(national, general, types)
    return False


_COMPANY_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_PERSON_WEIGHTS = ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


def _check_digit(digits: bytes, weights: tuple) -> int:
    return sum(w * (d - 48) for w, d in zip(weights, digits)) % 11 % 10


def russian_inn(raw: str) -> str | None:
    """An INN of 10 or 12 plain digits whose check digits hold; ``None`` for anything else."""
    if _INN.fullmatch(raw) is None:
        return None
    digits = raw.encode("ascii")
    if len(digits) == 10:
        return raw if _check_digit(digits, _COMPANY_WEIGHTS) == digits[9] - 48 else None
    first, second = _PERSON_WEIGHTS
    ok = _check_digit(digits, first) == digits[10] - 48 and _check_digit(digits, second) == digits[11] - 48
    return raw if ok else None
