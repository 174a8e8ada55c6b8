"""Which language a request is served in.

In order: the signed-in user's saved choice; the language switch's cookie
(anonymous pages, and users who have not chosen); the browser's
``Accept-Language``; the instance default (``language`` setting).
"""

from __future__ import annotations

from functools import lru_cache

from babel import negotiate_locale

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES

COOKIE = "klientela_lang"


def accept_language(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, most wanted first (q=0 left out)."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


@lru_cache(maxsize=512)  # a browser sends the same header on every request
def from_header(header: str) -> str | None:
    """The best of our languages for an ``Accept-Language`` header ("ru-RU" → "ru")."""
    preferred = accept_language(header or "")
    # Babel matches "ru-RU" to "ru" with "-" as separator; also try the bare language.
    candidates = []
    for tag in preferred:
        candidates += [tag.replace("_", "-"), tag.split("-")[0].split("_")[0]]
    return negotiate_locale(candidates, list(LANGUAGES), sep="-")


def choose(*, user: str = "", cookie: str = "", header: str = "", default: str = DEFAULT_LANGUAGE) -> str:
    for candidate in (user, cookie):
        if candidate in LANGUAGES:
            return candidate
    return from_header(header) or (default if default in LANGUAGES else DEFAULT_LANGUAGE)
