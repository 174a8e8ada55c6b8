"""Labelled near-duplicates of a client, as people really enter them twice.

Each duplicate keeps at least one strong key of its original (tax id, phone
digits or e-mail) and changes some of the rest: a typo in the name, the
name transliterated to Latin, the phone in another format, another e-mail
of the same company or person, the tax id or the e-mail left out. What was changed is recorded
with the pair (the ground truth a duplicate scan's precision and recall are
measured against, P4).
"""

from __future__ import annotations

import random

from bench.data.records import COMPANY_MAILBOXES, EN_MAIL, RU_MAIL, format_phone, phone_styles, translit

CHANGES = ("typo", "translit", "phone_format", "email_other", "no_inn", "no_email")
CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip in a letter: swap with the next, drop, double, or replace."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text + text[-1:]
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    alphabet = "абвгдеиклмнопрст" if text[i].lower() in CYRILLIC else "abcdefghiklmnoprst"
    new = rng.choice([c for c in alphabet if c != text[i].lower()])
    return text[:i] + (new.upper() if text[i].isupper() else new) + text[i + 1:]


def is_cyrillic(text: str) -> bool:
    return any(c.lower() in CYRILLIC for c in text)


def duplicate_of(rng: random.Random, original: dict) -> tuple[dict, list[str]]:
    """A near-duplicate of ``original`` and the list of changes made (never empty)."""
    dup = dict(original)
    changes: list[str] = []
    if is_cyrillic(dup["name"]) and rng.random() < 0.35:
        dup["name"] = translit(dup["name"]).replace("«", '"').replace("»", '"')
        changes.append("translit")
    if rng.random() < 0.5:
        dup["name"] = typo(rng, dup["name"])
        changes.append("typo")
    english = original["_english"]
    if rng.random() < 0.6:
        dup["phone"] = reformat_phone(rng, original)
        changes.append("phone_format")
    # Strong keys: drop at most one of tax id / e-mail, so the pair stays findable.
    drop = rng.random()
    if drop < 0.15 and original["inn"]:
        dup["inn"] = ""
        changes.append("no_inn")
    elif drop < 0.3:
        dup["email"] = ""
        changes.append("no_email")
    elif rng.random() < 0.4:
        # Not a change of case: the gate's validation lower-cases addresses on write.
        local, _, domain = original["email"].partition("@")
        if original["kind"] == "company":
            other = next(m for m in COMPANY_MAILBOXES[rng.randrange(len(COMPANY_MAILBOXES)):] + COMPANY_MAILBOXES if m != local)
            dup["email"] = f"{other}@{domain}"
        else:
            mails = EN_MAIL if english else RU_MAIL
            dup["email"] = f"{local}@{next(d for d in mails[rng.randrange(len(mails)):] + mails if d != domain)}"
        changes.append("email_other")
    if not changes:  # an exact re-entry still differs in how the phone was typed
        dup["phone"] = reformat_phone(rng, original)
        changes.append("phone_format")
    return dup, changes


def reformat_phone(rng: random.Random, original: dict) -> str:
    """The same number in another of the formats people type."""
    english, styles = original["_english"], phone_styles(original["_english"])
    start = rng.randrange(styles)
    for step in range(styles):
        text = format_phone(original["_digits"], english, start + step)
        if text != original["phone"]:
            return text
    raise AssertionError("every phone format gave the same text")
