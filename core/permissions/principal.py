"""Who is asking: the user (or API token) behind a request or a job, and what they may do.

A :class:`Principal` is built once per request by the auth layer and handed
to the query gate; jobs rebuild it from the user who started them, so
permissions hold outside requests too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Mapping
from uuid import UUID

# Widening order: a grant of "team" includes "own", and so on.
SCOPES = ("none", "own", "team", "department", "all")
SCOPE_RANK = {s: i for i, s in enumerate(SCOPES)}


def widest(a: str, b: str) -> str:
    return a if SCOPE_RANK[a] >= SCOPE_RANK[b] else b


@dataclass(frozen=True)
class Principal:
    """The user behind a request or a job: their widest grant per permission, whose
    records their team and department scopes reach, and their field rules.
    Get it in a handler with :func:`core.permissions.request.principal_of`."""

    user_id: UUID | None
    email: str = ""
    language: str = "en"
    # The IANA zone times are shown and typed in ("" = the instance's; core.i18n.timezones).
    timezone: str = ""
    # permission name -> widest scope granted by any of the user's roles
    grants: Mapping[str, str] = field(default_factory=dict)
    # ids of users whose records "team" / "department" scope reaches (self included)
    team_member_ids: frozenset[UUID] = frozenset()
    department_member_ids: frozenset[UUID] = frozenset()
    # entity key -> field names the user may not read / may not write
    unreadable: Mapping[str, frozenset[str]] = field(default_factory=dict)
    unwritable: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # an API token may narrow the user's permissions to these (None: no narrowing)
    token_permissions: frozenset[str] | None = None
    via: str = "session"  # "session", "token", "job" or "system"
    ip: str = ""  # where the request came from, for the audit trail
    name: str = ""  # the user's display name (the shell shows it)
    # A temporary password must be replaced before anything else (web sessions).
    must_change_password: bool = False
    # The cache stamp (core.auth.stamp) this request's principal was checked under, read
    # when the request began; None when no request read it (jobs, the CLI). What else a
    # worker keeps behind that stamp (custom field definitions) is then current without a
    # second read.
    stamp: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def scope(self, permission: str) -> str:
        """The widest scope of ``permission``: none, own, team, department or all
        (an API token narrowed to other permissions gets none)."""
        if self.token_permissions is not None and permission not in self.token_permissions:
            return "none"
        return self.grants.get(permission, "none")

    def can(self, permission: str) -> bool:
        """Whether any scope of ``permission`` is granted (``scope(permission) != "none"``).
        Which *records* it reaches is the gate's business (:meth:`reaches` for one owner)."""
        return self.scope(permission) != "none"

    def reaches(self, permission: str, owner_id: UUID | None) -> bool:
        """Whether a record owned by ``owner_id`` lies within this principal's scope of
        ``permission`` — the Python twin of the gate's scope clause, for a record
        that is not stored yet (a create: the record as it will be)."""
        scope = self.scope(permission)
        if scope == "all":
            return True
        if scope == "none" or self.user_id is None or owner_id is None:
            return False
        if scope == "own":
            return owner_id == self.user_id
        members = self.team_member_ids if scope == "team" else self.department_member_ids
        return owner_id == self.user_id or owner_id in members

    def can_read_field(self, entity_key: str, name: str) -> bool:
        return name not in self.unreadable.get(entity_key, frozenset())

    def can_write_field(self, entity_key: str, name: str) -> bool:
        return self.can_read_field(entity_key, name) and name not in self.unwritable.get(entity_key, frozenset())

    @cached_property
    def permissions(self) -> frozenset[str]:
        """Every permission this principal holds at some scope (for menus). Worked out once
        per principal (it is immutable; the auth layer keeps principals between requests)."""
        return frozenset(p for p in self.grants if self.can(p))

    def localized(self, language: str, timezone: str) -> "Principal":
        """This principal speaking ``language`` on the clock of ``timezone`` (the request's,
        core.i18n.middleware). The copy is kept on the principal, per language and zone:
        a principal kept between requests is copied once, not on every request (a
        ``replace`` costs ~5 µs and drops the worked-out ``permissions``)."""
        if self.language == language and self.timezone == timezone:
            return self
        copies = self.__dict__.get("_localized")
        if copies is None:
            copies = self.__dict__["_localized"] = {}  # like cached_property: the instance's dict, not a field
        found = copies.get((language, timezone))
        if found is None:
            if len(copies) >= 8:  # a handful of languages and zones per user; bounded all the same
                copies.clear()
            found = copies[(language, timezone)] = replace(self, language=language, timezone=timezone)
        return found


ANONYMOUS = Principal(user_id=None, via="anonymous")
