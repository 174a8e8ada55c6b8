"""Normalization of the values duplicates are found by.

Two records of one client rarely hold the same text: a phone is typed
``8 (912) 345-67-89`` once and ``+7 912 3456789`` the next time, a name is
entered in Cyrillic once and in Latin letters (from a passport or an e-mail
signature) the next. Every key below maps such variants to one string:

* tax id — the digits, check digit not required (the contacts plugin checks it on write):
  a mistyped tax id is copied as mistyped, and still names the same client;
* phone — E.164, with ``phonenumbers``' numbering plans; a number without a
  country code is read in each configured region it fits (see ``phone_keys``);
* e-mail — trimmed and lower-cased;
* name — transliterated to Latin (``anyascii``), folded so the common
  romanisation variants agree (``y``/``i``/``j``, ``kh``/``h``...), legal forms
  (ООО, LLC...) and punctuation dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from anyascii import anyascii

DEFAULT_REGIONS = ("RU", "US")

# Legal forms and their spellings: they say what kind of company it is, not
# which one (ООО «Ромашка» and АО «Ромашка» differ only by them, and a
# re-entry often drops or changes the form).
LEGAL_FORMS = frozenset(
    """ooo oao zao pao ao ip nko tsk chp gup mup fgup ano tov pp
    llc inc ltd corp co gmbh plc llp lp sa ag bv oy ab company corporation limited incorporated""".split()
)

# Romanisation variants (ГОСТ, ICAO, BGN...) that spell one Cyrillic letter differently.
_FOLDS = (("shch", "sc"), ("sch", "sc"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("zh", "z"), ("ch", "c"),
          ("sh", "s"), ("ph", "f"), ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"),
          ("ja", "a"), ("yo", "o"), ("jo", "o"), ("ye", "e"), ("je", "e"), ("y", "i"), ("j", "i"), ("w", "v"),
          ("ck", "k"), ("q", "k"), ("x", "ks"))
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")
_FOLD_RE = re.compile("|".join(a for a, _ in _FOLDS))
_FOLD_MAP = dict(_FOLDS)


def tax_id_key(value: str | None) -> str:
    """The digits of a tax id (INN: 10 or 12); "" when there are none or too few to mean anything."""
    if not value:
        return ""
    digits = _DIGITS.sub("", str(value))
    return digits if len(digits) >= 8 else ""


def email_key(value: str | None) -> str:
    text = (value or "").strip().lower()
    return text if "@" in text else ""


def phone_keys(value: str | None, regions: tuple[str, ...] = DEFAULT_REGIONS) -> frozenset[str]:
    """The E.164 forms a typed phone can stand for.

    A number typed with its country code (``+7...``, ``007...``) has one. One
    typed without it (``8 (912) 345-67-89``, ``(201) 555-0123``) is read in
    each configured region whose numbering plan it fits — trunk prefix and
    number length from phonenumbers' own metadata — so ``201-555-0123``
    matches ``+1 201 555 0123`` in an instance that lists RU and US. A number
    of one digit string in two countries is a risk we take: it needs the same
    ten digits.

    ``phonenumbers.parse`` costs 20–80 µs a number on this machine (over a
    minute for a million clients); reading the metadata once and applying it
    to the digits costs about one. Phones the contacts plugin stores are
    already E.164, which takes the first branch.
    """
    if not value:
        return frozenset()
    text = str(value).strip()
    digits = _DIGITS.sub("", text.split(";")[0])
    if text.startswith("+"):
        return frozenset(("+" + digits,)) if 7 <= len(digits) <= 15 else frozenset()
    if text.startswith("00"):
        return frozenset(("+" + digits[2:],)) if 7 <= len(digits) - 2 <= 15 else frozenset()
    out = set()
    for code, prefix, lengths in _plans(tuple(regions)):
        if prefix and digits.startswith(prefix) and len(digits) - len(prefix) in lengths:
            out.add(f"+{code}{digits[len(prefix):]}")
        elif len(digits) in lengths:
            out.add(f"+{code}{digits}")
        elif digits.startswith(code) and len(digits) - len(code) in lengths:
            out.add(f"+{digits}")
    return frozenset(out)


def phone_key(value: str | None, regions: tuple[str, ...] = DEFAULT_REGIONS) -> str:
    """One E.164 form (the first region's reading), for display and single-value lookups."""
    keys = phone_keys(value, regions)
    if not keys:
        return ""
    if len(keys) == 1:
        return next(iter(keys))
    first = _plans(tuple(regions))[0][0]
    return next((k for k in sorted(keys) if k.startswith("+" + first)), min(keys))


@lru_cache(maxsize=64)
def _plans(regions: tuple[str, ...]) -> tuple[tuple[str, str, frozenset[int]], ...]:
    """(country code, trunk prefix, national number lengths) per region, from phonenumbers' metadata."""
    plans = []
    for region in regions:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
        if meta is None:
            raise ValueError(f"unknown phone region {region!r}")
        plans.append((str(meta.country_code), meta.national_prefix or "", frozenset(meta.general_desc.possible_length)))
    return tuple(plans)


class _Latin(dict):
    """A ``str.translate`` table: code point -> anyascii's Latin reading, filled on first sight.

    anyascii reads one code point at a time in a Python loop (~40% of the
    key building of a scan); its readings are per code point, so a table
    asked by ``str.translate`` (a C loop) gives the same text, ~20× faster.
    """

    def __missing__(self, code: int) -> str:
        value = anyascii(chr(code))
        self[code] = value
        return value


_LATIN = _Latin()


def to_latin(text: str) -> str:
    """``anyascii(text)``, through the cached table."""
    return text if text.isascii() else text.translate(_LATIN)


@lru_cache(maxsize=262144)
def _fold_word(word: str) -> str:
    folded = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], word)
    # Doubled letters are a common slip and a romanisation variant (Sergeevich / Sergeevic).
    return re.sub(r"(.)\1+", r"\1", folded)


def name_tokens(value: str | None) -> list[str]:
    """The folded words of a name without legal forms, in their order."""
    if not value:
        return []
    text = str(value)
    if text.isascii():  # ASCII is its own NFKC form, and Latin already
        latin = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).replace("ё", "е").replace("Ё", "Е").lower()
        latin = text if text.isascii() else to_latin(text).lower()
    words = [w for w in _NON_WORD.split(latin) if w and w not in LEGAL_FORMS]
    return [_fold_word(w) for w in words]


@lru_cache(maxsize=262144)
def name_key(value: str | None) -> str:
    """Words sorted: "Иванов Иван" and "Ivan Ivanov" give one key."""
    return " ".join(sorted(name_tokens(value)))


def name_text(value: str | None) -> str:
    """Words in their order, for similarity scores."""
    return " ".join(name_tokens(value))
