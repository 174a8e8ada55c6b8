"""Validation of input values against :class:`~core.entities.spec.Field` specs.

Every write path (forms, the JSON API, imports, bulk edits, jobs) cleans its
input here, for native and custom fields alike:

* :func:`clean_value` turns one raw value (a form string, a JSON value or a
  Python object) into the field's Python value, or raises :class:`FieldError`
  with a message fit for the user;
* :func:`validate` cleans a whole input dict and returns ``(clean, errors)``;
  it never raises for bad input (unknown keys, read-only keys, missing
  required fields are errors too);
* :mod:`core.entities.stored_values` converts a clean value to the JSON-safe
  form kept in an entity row's ``custom`` column and back;
* :func:`pending_checks` says what the caller must still check in the
  database: referenced ids exist (through the query gate, which knows what the
  user may see) and unique values are not taken.

Python values by type: text, long_text, phone, choice → ``str``; email →
``str`` with the domain lower-cased; url → ``str``; integer → ``int``
(64-bit); decimal → ``Decimal``; money → ``Decimal`` with exactly 2 places;
date → ``date``; datetime → aware ``datetime`` in UTC (an input without
an offset is UTC); boolean → ``bool``;
multi_choice → ``list[str]``; reference and uuid → ``uuid.UUID``. An empty
input (``None``, ``""``, ``[]``) cleans to ``None`` (for a required field, an
error).

Money is exact: amounts are ``Decimal`` and are stored as a decimal string
(``"1234.50"``) so SQLite never turns them into binary floats. An amount with
non-zero digits beyond the cents is refused rather than rounded silently;
a float is read through its shortest ``repr`` (``0.1`` is ``Decimal("0.1")``,
while ``0.1 + 0.2`` is refused as ``0.30000000000000004``).
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from core.custom_fields.patterns import PATTERN_INPUT_LIMIT, PatternError, compiled_pattern
from core.entities.spec import SYSTEM_FIELDS, Field
from core.i18n import N_, _
from core.i18n.timezones import skipped

TEXT_MAX_LENGTH = 1000  # a text field without its own max_length
LONG_TEXT_MAX_LENGTH = 100_000
EMAIL_MAX_LENGTH = 254
URL_MAX_LENGTH = 2048
PHONE_MAX_LENGTH = 40
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # PostgreSQL bigint, SQLite integer
DECIMAL_MAX_INTEGER_DIGITS = 15  # so SQLite's REAL ordering stays faithful
DECIMAL_MAX_PLACES = 10
MONEY_PLACES = 2
CENT = Decimal("0.01")

TRUE_WORDS = frozenset({"true", "1", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", "n", "f"})
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:?\d{2})?")
# ";ext=12" is the RFC 3966 form the product itself stores (plugins normalise to it).
_PHONE_RE = re.compile(r"\+?[\d\s().\-/]+((;\s*ext=|ext\.?|x|доб\.?)\s*\d{1,6})?", re.IGNORECASE)
# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; lone
# surrogates cannot be encoded in UTF-8, so no column can hold them.
_REFUSED_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
_REFUSED_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A dot-atom of ordinary characters at a dotted LDH domain: most addresses.
_PLAIN_EMAIL = re.compile(r"([A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")


class FieldError(ValueError):
    """A value a field refuses; ``message`` is for the user.

    It is translated here, so cleaners hold their messages as ``N_()`` msgids
    and pay for a translation only when they refuse (an import cleans millions
    of values). A message already translated, or formatted, is not a msgid of
    the catalogs and passes through unchanged.
    """

    def __init__(self, message: str):
        self.message = _(message)
        super().__init__(self.message)


# -- helpers -----------------------------------------------------------------------


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, (list, tuple)) and not raw)


def _safe_text(value: str, *, multiline: bool) -> str:
    """Refuse what no column can hold: NUL, other control characters, lone surrogates."""
    # One regex scan instead of a Python loop per character: imports clean
    # millions of values here.
    bad = (_REFUSED_MULTILINE if multiline else _REFUSED_ONE_LINE).search(value)
    if bad is None:
        return value
    if bad.group() in "\n\r":
        raise FieldError(N_("Enter a single line of text."))
    raise FieldError(N_("Contains characters that are not allowed."))


def _string(raw: Any, message: str) -> str:
    if isinstance(raw, str):
        return raw.strip()
    raise FieldError(message)


def _limit(field: Field, default: int) -> int:
    return field.max_length or default


def _check_length(value: str, limit: int) -> str:
    if len(value) > limit:
        raise FieldError(_("Enter at most {n} characters.").format(n=limit))
    return value


def _check_range(field: Field, value: int | Decimal) -> None:
    if field.min_value is not None and value < Decimal(str(field.min_value)):
        raise FieldError(_("Enter a number of at least {min}.").format(min=field.min_value))
    if field.max_value is not None and value > Decimal(str(field.max_value)):
        raise FieldError(_("Enter a number of at most {max}.").format(max=field.max_value))


def _to_decimal(raw: Any, message: str) -> Decimal:
    if isinstance(raw, bool):
        raise FieldError(message)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise FieldError(message)
        value = Decimal(repr(raw))  # the shortest repr: 0.1 -> Decimal("0.1")
    elif isinstance(raw, str):
        # Forms in Russian write "1 234,50": spaces group thousands, one comma is the point.
        text = re.sub(r"[ \u00a0\u202f]", "", raw.strip())
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not _NUMBER_RE.fullmatch(text):
            raise FieldError(message)
        value = Decimal(text)
    else:
        raise FieldError(message)
    if not value.is_finite():
        raise FieldError(message)
    return value


def _digits(value: Decimal, places: int, message_places: str) -> Decimal:
    """Check the size of a decimal and refuse digits beyond ``places``."""
    if value.adjusted() >= DECIMAL_MAX_INTEGER_DIGITS:
        raise FieldError(_("Enter a number with at most {n} digits before the decimal point.").format(n=DECIMAL_MAX_INTEGER_DIGITS))
    exponent = Decimal(1).scaleb(-places)
    rounded = value.quantize(exponent) if value.as_tuple().exponent < -places else value
    if rounded != value:
        raise FieldError(message_places)
    return rounded


def plain_decimal(value: Decimal) -> str:
    """A decimal as a plain string without exponent or superfluous zeros: ``1.50`` -> ``"1.5"``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- one cleaner per type ---------------------------------------------------------------


def _text(field: Field, raw: Any) -> str:
    value = _safe_text(_string(raw, N_("Enter text.")), multiline=False)
    _check_length(value, _limit(field, TEXT_MAX_LENGTH))
    if field.pattern:
        if len(value) > PATTERN_INPUT_LIMIT:
            raise FieldError(_("Enter at most {n} characters.").format(n=PATTERN_INPUT_LIMIT))
        try:
            matcher = compiled_pattern(field.pattern)
        except PatternError:
            raise FieldError(_("This field's pattern is invalid; ask an administrator to fix it.")) from None
        if not matcher.fullmatch(value):
            raise FieldError(_("Enter a value in the expected format."))
    return value


def _long_text(field: Field, raw: Any) -> str:
    value = _string(raw, N_("Enter text.")).replace("\r\n", "\n").replace("\r", "\n")
    return _check_length(_safe_text(value, multiline=True), _limit(field, LONG_TEXT_MAX_LENGTH))


def _integer(field: Field, raw: Any) -> int:
    message = N_("Enter a whole number.")
    if isinstance(raw, bool):
        raise FieldError(message)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, (float, Decimal)):
        if isinstance(raw, float) and not math.isfinite(raw) or isinstance(raw, Decimal) and not raw.is_finite():
            raise FieldError(message)
        if isinstance(raw, Decimal) and raw.adjusted() > 19:
            raise FieldError(_("The number is too large."))
        if raw != int(raw):
            raise FieldError(message)
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d{1,20}", text):
            raise FieldError(message if not re.fullmatch(r"[+-]?\d+", text) else _("The number is too large."))
        value = int(text)
    else:
        raise FieldError(message)
    if not INT_MIN <= value <= INT_MAX:
        raise FieldError(_("The number is too large."))
    _check_range(field, value)
    return value


def _decimal(field: Field, raw: Any) -> Decimal:
    value = _to_decimal(raw, N_("Enter a number."))
    value = _digits(value, DECIMAL_MAX_PLACES, _("Enter at most {n} decimal places.").format(n=DECIMAL_MAX_PLACES))
    _check_range(field, value)
    return value


def _money(field: Field, raw: Any) -> Decimal:
    value = _to_decimal(raw, N_("Enter an amount, like 1234.50."))
    value = _digits(value, MONEY_PLACES, N_("Enter at most 2 decimal places."))
    _check_range(field, value)
    return value.quantize(CENT)


def _date(field: Field, raw: Any) -> date:
    message = N_("Enter a date as YYYY-MM-DD.")
    if isinstance(raw, datetime):
        raise FieldError(message)
    if isinstance(raw, date):
        return raw
    text = _string(raw, message)
    if not _DATE_RE.fullmatch(text):
        raise FieldError(message)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(message) from None


def _datetime(field: Field, raw: Any) -> datetime:
    message = N_("Enter a date and time like 2024-05-31T14:30:00+03:00.")
    if isinstance(raw, datetime):
        value = raw
    else:
        text = _string(raw, message)
        match = _DATETIME_RE.fullmatch(text)
        if not match:
            raise FieldError(message)
        try:
            value = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
        except ValueError:
            raise FieldError(message) from None
    if value.tzinfo is None or value.utcoffset() is None:
        # A time without a zone is UTC (the API, imports: documented in docs/i18n.md).
        # Forms never get here with one: they read their datetime-local inputs
        # on the user's clock first (core.entities.forms).
        value = value.replace(tzinfo=timezone.utc)
    if skipped(value):
        raise FieldError(_("{time} does not exist in {zone}: the clocks skip it. Enter another time.").format(
            time=value.strftime("%Y-%m-%d %H:%M"), zone=value.tzinfo.key))
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise FieldError(message) from None


def _boolean(field: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise FieldError(_("Enter yes or no."))


def _choice(field: Field, raw: Any) -> str:
    value = _string(raw, N_("Select one of the available choices."))
    if value not in {c.value for c in field.choices}:
        raise FieldError(_("Select one of the available choices."))
    return value


def _multi_choice(field: Field, raw: Any) -> list[str]:
    if isinstance(raw, str):
        items = [part.strip() for part in raw.split(",")]
    elif isinstance(raw, (list, tuple)):
        items = raw
    else:
        raise FieldError(_("Select one or more of the available choices."))
    known = {c.value for c in field.choices}
    values = []
    for item in items:
        if not isinstance(item, str) or item.strip() not in known:
            raise FieldError(_("Select only the available choices."))
        values.append(item.strip())
    if len(values) != len(set(values)):
        raise FieldError(_("Select each choice only once."))
    return values


def _uuid(field: Field, raw: Any) -> uuid.UUID:
    message = N_("Enter a valid record id.") if field.type == "reference" else N_("Enter a valid UUID.")
    if isinstance(raw, uuid.UUID):
        return raw
    if getattr(raw, "problem", None):
        raise FieldError(raw.problem)  # a picker's text that named no record, or several (core.entities.picker)
    text = _string(raw, message)
    if len(text) > 45:
        raise FieldError(message)
    try:
        return uuid.UUID(text)
    except ValueError:
        raise FieldError(message) from None


def _email(field: Field, raw: Any) -> str:
    message = N_("Enter a valid email address.")
    text = _safe_text(_string(raw, message), multiline=False)
    if len(text) > _limit(field, EMAIL_MAX_LENGTH):
        raise FieldError(message)
    plain = _PLAIN_EMAIL.fullmatch(text)
    if plain and len(text) <= EMAIL_MAX_LENGTH:
        # The common case, with email_validator's verdict on the domain cached:
        # for a plain ASCII address it keeps the local part as is and only
        # normalises the domain (tests/test_email_fast_path.py holds them equal).
        domain = _email_domain(plain.group(2))
        if domain is None:
            raise FieldError(message)
        return f"{plain.group(1)}@{domain}"
    try:
        return validate_email(text, check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError, ValueError):
        raise FieldError(message) from None


@lru_cache(maxsize=4096)
def _email_domain(domain: str) -> str | None:
    """email_validator's normalised form of an address's domain, or None when it refuses it."""
    try:
        return validate_email(f"x@{domain}", check_deliverability=False).domain
    except (EmailNotValidError, UnicodeError, ValueError):
        return None


def _phone(field: Field, raw: Any) -> str:
    message = N_("Enter a phone number.")
    text = _safe_text(_string(raw, message), multiline=False)
    digits = sum(ch.isdigit() for ch in text)
    if len(text) > _limit(field, PHONE_MAX_LENGTH) or not 3 <= digits <= 20 or not _PHONE_RE.fullmatch(text):
        raise FieldError(message)
    return text


def _url(field: Field, raw: Any) -> str:
    message = N_("Enter a valid URL starting with http:// or https://.")
    text = _safe_text(_string(raw, message), multiline=False)
    if len(text) > _limit(field, URL_MAX_LENGTH) or any(ch.isspace() or ch == "\\" for ch in text):
        raise FieldError(message)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise FieldError(message) from None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or not re.fullmatch(r"[\w.\-:\[\]%]+", host):
        raise FieldError(message)
    return parts._replace(scheme=parts.scheme.lower()).geturl()


CLEANERS: dict[str, Callable[[Field, Any], Any]] = {
    "text": _text,
    "long_text": _long_text,
    "integer": _integer,
    "decimal": _decimal,
    "money": _money,
    "date": _date,
    "datetime": _datetime,
    "boolean": _boolean,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "reference": _uuid,
    "email": _email,
    "phone": _phone,
    "url": _url,
    "uuid": _uuid,
}
GENERIC = N_("Enter a valid value.")  # translated when raised, in the user's language


def clean_value(field: Field, raw: Any) -> Any:
    """The field's Python value for ``raw``; ``None`` when empty. Raises :class:`FieldError`."""
    if _is_empty(raw):
        if field.required:
            raise FieldError(_("This field is required."))
        return None
    try:
        return CLEANERS[field.type](field, raw)
    except FieldError:
        raise
    except (ValueError, TypeError, ArithmeticError, InvalidOperation):
        raise FieldError(GENERIC) from None


# -- whole inputs ------------------------------------------------------------------------


def validate(fields: list[Field], data: dict, *, partial: bool) -> tuple[dict, dict[str, str]]:
    """Clean ``data`` against ``fields``: ``(clean values, {field name: message})``.

    Unknown keys and keys of read-only or system fields are errors, never
    ignored. With ``partial=False`` (a create, a full form) a missing field
    takes its default, and a missing required field without a default is an
    error; with ``partial=True`` (a PATCH, a bulk edit) only the given keys are
    checked. Never raises for bad input.
    """
    by_name = {f.name: f for f in fields}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        return {}, {"__all__": _("Send an object of field values.")}
    for key, raw in data.items():
        name = key if isinstance(key, str) else str(key)
        spec = by_name.get(name)
        if spec is None:
            errors[name] = _("Read-only field.") if name in SYSTEM_FIELDS else _("Unknown field.")
        elif spec.readonly or name in SYSTEM_FIELDS:
            errors[name] = _("Read-only field.")
        else:
            try:
                clean[name] = clean_value(spec, raw)
            except FieldError as exc:
                errors[name] = exc.message
    if not partial:
        for spec in fields:
            if spec.name in data or spec.readonly or spec.name in SYSTEM_FIELDS:
                continue
            if spec.default is not None:
                try:
                    clean[spec.name] = clean_value(spec, spec.default)
                except FieldError as exc:
                    errors[spec.name] = exc.message
            elif spec.required:
                errors[spec.name] = _("This field is required.")
    return clean, errors


@dataclass
class Checks:
    """What the caller must check in the database after :func:`validate`.

    ``references``: field name -> (entity key, ids) that must exist and be
    visible to the user (through the query gate). ``unique``: field name ->
    value that no other live row of the entity may hold.
    """

    references: dict[str, tuple[str, list[uuid.UUID]]] = dataclass_field(default_factory=dict)
    unique: dict[str, Any] = dataclass_field(default_factory=dict)


def pending_checks(fields: list[Field], clean: dict) -> Checks:
    checks = Checks()
    for spec in fields:
        value = clean.get(spec.name)
        if value is None:
            continue
        if spec.type == "reference":
            checks.references[spec.name] = (spec.reference, [value])
        if spec.unique:
            checks.unique[spec.name] = value
    return checks
