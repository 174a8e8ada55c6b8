"""What the query gate refuses with; the web layer maps each to one status."""

from __future__ import annotations


class GateError(Exception):
    status = 400


class NotFound(GateError):
    """Missing and forbidden look the same (404): existence is never revealed."""

    status = 404


class Refused(GateError):
    """The request names fields the user may not use (400)."""

    status = 400

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class Invalid(GateError):
    """Values failed validation; ``errors`` maps field -> message (422)."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class Conflict(GateError):
    """The record changed since it was read (409): never a silent overwrite."""

    status = 409

    def __init__(self, current: dict, changed: dict[str, tuple]):
        self.current = current
        self.changed = changed  # field -> (value the editor saw, value now stored)
        super().__init__(f"the record was changed by someone else: {', '.join(sorted(changed)) or 'version'}")
