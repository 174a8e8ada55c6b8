"""Phones, emails and tax identifiers in one canonical form, or a clear refusal.

Phones become E.164 (``+74951234567``; an extension is kept as
``;ext=12``, RFC 3966 style) through ``phonenumbers``, read in the client's
country when written without a country code. Tax identifiers are checked
with ``python-stdnum``: INN, KPP and OGRN for Russia with their check
digits, the country's VAT or tax number elsewhere. Canonical forms are what
duplicate detection compares, so they must not depend on how a user typed.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

from core.entities.spec import Field
from core.entities.validation import FieldError, clean_value
from core.i18n import _
from plugins.contacts import quick_checks

DEFAULT_COUNTRY = "RU"
# Tax numbers tried per country, most specific first (stdnum module names).
TAX_MODULES = ("vat", "tin", "ein", "unp", "edrpou", "bin", "inn")
# Lists are split on new lines, commas and semicolons, but not on the ";ext="
# of an extension, which is how a stored phone keeps it.
_SPLIT = re.compile(r"(?:[\n,]|;(?!\s*ext=))+", re.IGNORECASE)
_KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")
_EMAIL = Field("email", "email", {"en": "Email"}, max_length=254)


def normalize_phone(raw: str, country: str | None = None) -> str:
    region = (country or DEFAULT_COUNTRY).upper()
    quick = quick_checks.russian_phone(raw, region)
    return quick if quick is not None else library_phone(raw, region)


def library_phone(raw: str, region: str) -> str:
    """phonenumbers' own reading of ``raw`` in ``region``: any shape, any country (the fast path's reference)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise FieldError(_("Not a phone number: {value}").format(value=raw)) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(_("Not a valid phone number: {value}").format(value=raw))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={number.extension}" if number.extension else e164


def split_list(raw: str | None) -> list[str]:
    return [part.strip() for part in _SPLIT.split(raw or "") if part.strip()]


def normalize_phones(raw: str | None, country: str | None = None) -> str:
    """Further phones, one per line, each in E.164; repeats dropped."""
    seen: list[str] = []
    for part in split_list(raw):
        number = normalize_phone(part, country)
        if number not in seen:
            seen.append(number)
    return "\n".join(seen)


def normalize_emails(raw: str | None) -> str:
    seen: list[str] = []
    for part in split_list(raw):
        email = clean_value(_EMAIL, part)
        if email not in seen:
            seen.append(email)
    return "\n".join(seen)


def normalize_inn(raw: str, country: str | None) -> str:
    """The main tax id: a Russian INN, or the country's VAT/tax number; a country
    python-stdnum knows no tax number of keeps it as typed (spaces removed)."""
    country = (country or DEFAULT_COUNTRY).upper()
    if country == "RU":
        from stdnum.ru import inn

        quick = quick_checks.russian_inn(raw)
        if quick is not None:
            return quick
        try:
            value = inn.validate(raw)
        except ValidationError:
            raise FieldError(_("Not a valid INN (check the digits): {value}").format(value=raw)) from None
        # 10 digits for an organisation, 12 for a person or a sole trader (who is
        # often kept as a company): the check digits decide, not the kind.
        return value
    for name in TAX_MODULES:
        module = get_cc_module(country.lower(), name)
        if module is None:
            continue
        try:
            return module.validate(raw)
        except ValidationError:
            continue
    if any(get_cc_module(country.lower(), n) for n in TAX_MODULES):
        raise FieldError(_("Not a valid tax number for {country}: {value}").format(country=country, value=raw))
    return re.sub(r"\s+", "", raw)


def normalize_kpp(raw: str) -> str:
    value = re.sub(r"\s+", "", raw).upper()
    if not _KPP.fullmatch(value):
        raise FieldError(_("A KPP has 9 characters: 4 digits, 2 digits or letters, 3 digits."))
    return value


def normalize_ogrn(raw: str) -> str:
    from stdnum.ru import ogrn

    try:
        return ogrn.validate(raw)
    except ValidationError:
        raise FieldError(_("Not a valid OGRN or OGRNIP (check the digits): {value}").format(value=raw)) from None
