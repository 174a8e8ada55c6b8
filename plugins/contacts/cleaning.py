"""The contacts plugin's ``record_checks``: canonical phones, emails and tax ids.

Runs in the query gate on every write of a client or contact person, so
forms, the API, imports and bulk edits store the same canonical values.
Tax ids depend on the country: on an update the stored country stands in
when none is sent.
"""

from __future__ import annotations

from core.entities.validation import FieldError
from plugins.contacts import identifiers



def clean(entity, values: dict, current: dict | None) -> dict | None:
    if entity.key not in ("contacts.client", "contacts.contact"):
        return None
    current = current or {}
    country = values.get("country", current.get("country")) if entity.key == "contacts.client" else None
    country = (country or identifiers.DEFAULT_COUNTRY).upper()
    out, errors = {}, {}

    def attempt(name, fn, *args):
        if values.get(name) in (None, ""):
            return
        try:
            out[name] = fn(values[name], *args)
        except FieldError as exc:
            errors[name] = exc.message

    attempt("phone", identifiers.normalize_phone, country)
    attempt("phones", identifiers.normalize_phones, country)
    attempt("emails", identifiers.normalize_emails)
    if entity.key == "contacts.client":
        if values.get("country"):
            out["country"] = country
        attempt("inn", identifiers.normalize_inn, country)
        if country == "RU":
            attempt("kpp", identifiers.normalize_kpp)
            attempt("ogrn", identifiers.normalize_ogrn)
        # A changed country re-checks a stored tax id that was not sent again.
        if "country" in values and "inn" not in values and current.get("inn"):
            try:
                identifiers.normalize_inn(current["inn"], country)
            except FieldError as exc:
                errors["country"] = exc.message
    return {"values": out, "errors": errors}
