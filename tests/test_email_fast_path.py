"""The e-mail cleaner's fast path answers exactly what email_validator answers.

Imports clean millions of addresses, so plain ASCII ones skip the full
validator and reuse its cached verdict on the domain. These properties hold
the two paths equal: same normalised address, same refusals.
"""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings, strategies as st

from core.entities.spec import Field
from core.entities.validation import FieldError, clean_value

EMAIL = Field("email", "email", {"en": "Email"})
ATEXT = "abcXYZ019_%+-"
LABEL = st.text(alphabet="abcdeXYZ019-", min_size=1, max_size=70)
LOCAL = st.lists(st.text(alphabet=ATEXT, min_size=1, max_size=30), min_size=1, max_size=4).map(".".join)
DOMAIN = st.lists(LABEL, min_size=2, max_size=4).map(".".join) | st.sampled_from(
    ["example.com", "EXAMPLE.COM", "mail.ru", "localhost.localdomain", "a.test", "x.invalid", "xn--e1afmkfd.xn--p1ai",
     "xn--bad.com", "-a.com", "a-.com", "1.2.3.4", "a.123", "ex..com"])


def reference(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError, ValueError):
        return None


def ours(text: str) -> str | None:
    try:
        return clean_value(EMAIL, text)
    except FieldError:
        return None


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(LOCAL, DOMAIN)
def test_plain_addresses_clean_as_email_validator_cleans_them(local, domain):
    address = f"{local}@{domain}"
    assert ours(address) == reference(address)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda t: t.strip() == t and t.strip()))
def test_any_text_is_refused_or_accepted_as_email_validator_does(text):
    assert ours(text) == reference(text)


@pytest.mark.parametrize("address, expected", [
    ("Ivan.Petrov@Example.COM", "Ivan.Petrov@example.com"),
    ("a" * 64 + "@example.com", "a" * 64 + "@example.com"),
    ("a" * 65 + "@example.com", "a" * 65 + "@example.com"),  # RFC's 64 is only email_validator's strict mode
    ("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".com", None),  # over 254 in all
    ("a..b@example.com", None),
    ("broken@", None),
    ("иван@пример.рф", "иван@пример.рф"),  # not plain: the full validator
])
def test_known_addresses(address, expected):
    assert ours(address) == expected == reference(address)
