"""Translation of user-facing messages.

``_`` marks a message for translation. For now it returns the English text
unchanged; Babel catalogs (en, ru) come later and will plug in here, so every
message that a user may read is already wrapped.
"""

from __future__ import annotations


def _(text: str) -> str:
    return text
