"""Record ids as the code receives them (text from a URL or a form, or a UUID)."""

from __future__ import annotations

from typing import Any
from uuid import UUID


def as_uuid(value: Any) -> UUID | None:
    """``value`` as a UUID, or None when it is not one (a clean 404 or refusal, never a crash)."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None
