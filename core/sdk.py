"""The stable API for plugin authors, in one import.

```python
from core.sdk import Entity, Field, Gate, ListRequest, hookimpl, label, principal_of
```

Everything a plugin needs lives here under the name it is documented by;
the modules these names come from may move, this list does not (a name
leaves it only after a deprecation period, noted in ``docs/plugins.md``).
The reference for plugin authors (``klientela docs reference -o DIR``) is
generated from this module's docstrings and signatures.

What is where:

* **Hooks** — :data:`hookimpl` marks a hook implementation; the catalogue is
  ``docs/hooks.md``. Hooks return the contribution types below
  (:class:`MenuItem`, :class:`Permission`, :class:`DefaultGrant`,
  :class:`JobKind`, :class:`Schedule`, :class:`Backoff`,
  :class:`DashboardWidget`, :class:`HealthCheck`, :class:`SearchHit`,
  :class:`SearchGroup`, :class:`RecordPanel`, :class:`RecordAction`).
* **Entities** — subclass :class:`EntityTable` for the table, declare it
  with :class:`Entity` / :class:`Field` / :class:`Choice` /
  :class:`Relation` / :class:`Section` and :func:`label` (``docs/entities.md``).
* **Permissions** — :func:`entity_permissions` declares
  ``<plugin>.<entity>.<action>``, :func:`role_grants` what the stock roles
  get. In a request, :func:`principal_of` gives the signed-in
  :class:`Principal`; :meth:`Principal.can` answers "may they, and how far".
* **Reading and writing rows** — always through the query gate:
  ``gate = await Gate.open(kernel, "fleet.vehicle", principal)``, then
  :meth:`Gate.list` (a :class:`ListRequest` of :class:`Filter` s, sort,
  search, keyset cursor, only some fields), :meth:`Gate.get`, :meth:`Gate.count`,
  :meth:`Gate.groups` (counts and sums per value or date period: a list of
  :class:`Group`), :meth:`Gate.totals`, :meth:`Gate.iterate`, :meth:`Gate.create`,
  :meth:`Gate.update`, :meth:`Gate.delete`. A refusal raises a
  :class:`GateError`: :class:`NotFound` (also for rows the principal may
  not see), :class:`Refused`, :class:`Invalid` (per-field messages),
  :class:`Conflict` (a stale version).
* **Jobs** — :func:`enqueue` work for a worker, read it back with
  :func:`get_job`; the task gets a :class:`JobContext`; raise
  :class:`PermanentJobError` when retrying cannot help (``docs/jobs.md``).
* **Translations** — :func:`_` translates now (in a request or a job),
  :func:`lazy` when shown, :func:`N_` only marks a message for extraction
  (``docs/i18n.md``).
"""

from __future__ import annotations

from core.entities.base import EntityTable, new_id
from core.entities.spec import Choice, Entity, Field, Relation, Section, label
from core.entities.sql import Filter
from core.hooks import hookimpl
from core.hooks.contributions import (
    Backoff,
    DashboardWidget,
    DefaultGrant,
    HealthCheck,
    JobKind,
    MatchRule,
    MenuItem,
    Permission,
    RecordAction,
    RecordPanel,
    Schedule,
    SearchGroup,
    SearchHit,
    WrittenRecord,
)
from core.i18n import N_, _, lazy
from core.jobs.context import JobCancelled, JobContext, PermanentJobError
from core.permissions.declare import entity_permissions, role_grants
from core.permissions.errors import Conflict, GateError, Invalid, NotFound, Refused
from core.permissions.gate import Gate, ListRequest, Page
from core.permissions.grouping import Group
from core.permissions.principal import Principal
from core.permissions.request import principal_of


async def enqueue(kernel, kind: str, payload: dict | None = None, *, user_id, run_at=None):
    """Queue a job of ``kind`` (``<plugin>.<name>``, declared by ``register_jobs``) with a JSON
    ``payload`` whose keys fit the task's signature; it runs as the user ``user_id``
    (``None``: a system job without permissions). ``run_at``: not before then (UTC).
    Returns the job's id. The same on SQLite and PostgreSQL (``docs/jobs.md``)."""
    from core.jobs.api import enqueue as _enqueue

    return await _enqueue(kernel, kind, payload, user_id=user_id, run_at=run_at)


async def get_job(job_id, principal: Principal | None = None) -> dict:
    """A job's row (status, progress, attempts, result, last error); with a ``principal``,
    only a job that principal may see (else :class:`NotFound`-like ``LookupError``)."""
    from core.jobs.api import get_job as _get_job

    return await _get_job(job_id, principal)


__all__ = [
    # hooks and what they return
    "hookimpl", "MenuItem", "Permission", "DefaultGrant", "JobKind", "MatchRule", "Schedule", "Backoff",
    "DashboardWidget", "HealthCheck", "SearchHit", "SearchGroup", "RecordPanel", "RecordAction", "WrittenRecord",
    # entities
    "EntityTable", "new_id", "Entity", "Field", "Choice", "Relation", "Section", "label",
    # permissions and the query gate
    "entity_permissions", "role_grants", "principal_of", "Principal",
    "Gate", "ListRequest", "Filter", "Page", "Group", "GateError", "NotFound", "Refused", "Invalid", "Conflict",
    # jobs
    "enqueue", "get_job", "JobContext", "JobCancelled", "PermanentJobError",
    # translations
    "_", "lazy", "N_",
]
