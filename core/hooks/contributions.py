"""Value types that hook implementations return.

They are plain frozen dataclasses so a plugin can build them without touching
core internals, and so they can be listed in a dry run before anything changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PERMISSION_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
ACTIONS = ("read", "create", "write", "delete", "restore", "purge", "export", "import", "report", "assign", "manage")


@dataclass(frozen=True)
class Permission:
    """``<plugin>.<entity>.<action>``; ``feature`` (qualified) gates it by edition."""

    name: str
    label: dict[str, str] = field(default_factory=dict)
    feature: str | None = None

    def __post_init__(self) -> None:
        if not PERMISSION_RE.match(self.name):
            raise ValueError(f"permission {self.name!r} must look like <plugin>.<entity>.<action>")

    @property
    def plugin(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def action(self) -> str:
        return self.name.rsplit(".", 1)[1]


@dataclass(frozen=True)
class MenuItem:
    """An entry of the main navigation.

    ``permission`` hides it from users who lack it; ``feature`` hides it when
    the edition switches the feature off. ``order`` sorts the menu (ties by key).
    """

    key: str
    label: dict[str, str]
    url: str
    order: int = 100
    icon: str = ""
    permission: str | None = None
    feature: str | None = None
    parent: str | None = None

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key


@dataclass(frozen=True)
class EntityView:
    """One way to look at an entity's records (``entity_views``): its list, a board, a calendar, a map.

    The list page and the others show these as a view switcher (only when
    there are two or more). ``key`` is what a page names itself by to be
    marked current ("list", "board", "calendar", "map"); ``url`` a local
    path; ``permission`` / ``feature`` hide it like a menu item; views sort
    by ``order``, then ``key``.
    """

    key: str
    label: dict[str, str]
    url: str
    order: int = 100
    permission: str | None = None
    feature: str | None = None

    def __post_init__(self) -> None:
        if not self.url.startswith("/") or self.url.startswith("//"):
            raise ValueError(f"entity view {self.key!r}: url must be a local path starting with /")

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key


@dataclass(frozen=True)
class SearchHit:
    """One result of the global search: a title, a local ``url`` to open, an optional detail line."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchGroup:
    """Results of one kind (``search_results``), shown under ``label``; ``more_url`` lists them all."""

    key: str
    label: dict[str, str]
    hits: tuple[SearchHit, ...]
    more_url: str = ""
    order: int = 100

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key


WIDGET_SIZES = ("small", "wide")


@dataclass(frozen=True)
class DashboardWidget:
    """A widget of the "my day" home page (``dashboard_widgets``).

    ``key`` is ``<plugin>.<name>``; ``template`` the Jinja template of its body,
    rendered with what ``load(request)`` returns (a dict; ``None`` hides the
    widget); ``permission`` / ``feature`` hide it like a menu item. A chart
    widget returns ``{"chart": core.dashboard.charts.Chart(...)}`` and uses
    the template ``core/dashboard/chart_widget.html``.
    """

    key: str
    title: dict[str, str]
    template: str
    load: object
    order: int = 100
    size: str = "small"
    permission: str | None = None
    feature: str | None = None

    def __post_init__(self) -> None:
        if not JOB_KIND_RE.match(self.key):
            raise ValueError(f"dashboard widget {self.key!r}: key must look like <plugin>.<name>")
        if self.size not in WIDGET_SIZES:
            raise ValueError(f"dashboard widget {self.key}: size must be one of {', '.join(WIDGET_SIZES)}")
        if not callable(self.load):
            raise ValueError(f"dashboard widget {self.key}: load must be a callable taking the request")

    def title_for(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.key


@dataclass(frozen=True)
class HealthCheck:
    """A named readiness probe; ``check`` is an async callable returning None or raising."""

    name: str
    check: object


SCOPES = ("none", "own", "team", "department", "all")
GRANT_PATTERN_RE = re.compile(r"^(\*|[a-z*][a-z0-9_*]*\.[a-z*][a-z0-9_*]*\.[a-z*][a-z0-9_*]*)$")


@dataclass(frozen=True)
class DefaultGrant:
    """What a stock role gets out of the box (``register_default_grants``).

    ``role`` is a stock role key (administrator, head_of_sales, sales_manager,
    marketer, service_engineer, read_only); ``permission`` a permission name
    or an ``fnmatch`` pattern over them (``"contacts.*.read"``,
    ``"sales.deal.*"``); ``scope`` one of none, own, team, department, all.
    Where several grants of a role match one permission, the widest scope wins.
    """

    role: str
    permission: str
    scope: str = "all"

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"default grant {self.role}/{self.permission}: scope must be one of {', '.join(SCOPES)}")
        if not GRANT_PATTERN_RE.match(self.permission):
            raise ValueError(f"default grant {self.role}/{self.permission!r}: expected <plugin>.<entity>.<action> (may use *)")


JOB_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Backoff:
    """How long a failed job waits before its next attempt: ``base * factor ** (n - 1)``
    seconds after the n-th failure, never more than ``cap``."""

    base: float = 10.0
    factor: float = 2.0
    cap: float = 3600.0

    def __post_init__(self) -> None:
        if self.base < 0 or self.factor < 1 or self.cap < self.base:
            raise ValueError("backoff needs base >= 0, factor >= 1 and cap >= base")

    def delay(self, failures: int) -> float:
        return min(self.cap, self.base * self.factor ** max(failures - 1, 0))


@dataclass(frozen=True)
class JobKind:
    """A kind of background job (``register_jobs``).

    ``name`` is ``<plugin>.<name>``; ``run`` an ``async def run(ctx, **payload)``
    whose return value (JSON) is stored as the job's result. A job is tried
    up to ``max_attempts`` times, waiting ``backoff`` between attempts.
    ``label`` is what the jobs page shows ({"en": ..., "ru": ...}).
    """

    name: str
    run: object
    max_attempts: int = 3
    backoff: Backoff = field(default_factory=Backoff)
    label: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not JOB_KIND_RE.match(self.name):
            raise ValueError(f"job kind {self.name!r} must look like <plugin>.<name>")
        if self.max_attempts < 1:
            raise ValueError(f"job kind {self.name}: max_attempts must be at least 1")
        if not callable(self.run):
            raise ValueError(f"job kind {self.name}: run must be an async callable")

    @property
    def plugin(self) -> str:
        return self.name.split(".", 1)[0]

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name


@dataclass(frozen=True)
class Schedule:
    """Run job kind ``kind`` periodically (``register_jobs``).

    ``cron`` has five fields (minute hour day month weekday) or six (seconds
    last), in UTC. A scheduled run belongs to no user: its principal holds no
    permissions, so it cannot read entities through the query gate.
    ``payload`` is passed to the job as keyword arguments.
    """

    kind: str
    cron: str
    payload: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not JOB_KIND_RE.match(self.kind):
            raise ValueError(f"schedule for {self.kind!r}: kind must look like <plugin>.<name>")
        from croniter import croniter

        if not croniter.is_valid(self.cron):
            raise ValueError(f"schedule for {self.kind}: {self.cron!r} is not a valid cron expression")


@dataclass(frozen=True)
class RecordPanel:
    """A panel on a record page (``record_panels``): ``template`` is included in
    the page (it sees ``panel.context``, ``request``, ``lang`` and ``record``)
    under ``title`` ({"en": ..., "ru": ...}); panels sort by ``order``, then ``key``."""

    key: str
    title: dict[str, str]
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100

    def title_for(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.key


def _local_path(value: str) -> bool:
    """A path on this site: "/..." but not "//host" (a protocol-relative URL to elsewhere)."""
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


@dataclass(frozen=True)
class RecordAction:
    """A primary action in a record page's header (``record_actions``): "Log a call", "New deal".

    ``url`` is the page it opens (a local path, usually a "new" form pre-filled
    from the query string: ``/contacts/interaction/new?client=<id>``). With
    ``quick`` (the entity's quick-create URL, ``/<plugin>/<entity>/quick?...``)
    the button opens the quick-create dialog on the record page instead, and
    ``url`` stays the fallback without JavaScript. ``permission`` hides it
    from users who lack it, ``feature`` when the edition switches that feature
    off; actions sort by ``order``, then ``key``. ``icon`` is a short symbol
    shown before the label (decorative).
    """

    key: str
    label: dict[str, str]
    url: str
    quick: str | None = None
    permission: str | None = None
    feature: str | None = None
    order: int = 100
    icon: str = ""

    def __post_init__(self) -> None:
        if not _local_path(self.url):
            raise ValueError(f"record action {self.key!r}: url must be a local path starting with /")
        if self.quick is not None and not _local_path(self.quick):
            raise ValueError(f"record action {self.key!r}: quick must be a local path starting with /")

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key


@dataclass(frozen=True)
class WrittenRecord:
    """One record a write just stored (``on_records_written``): its ``id``, whether the
    write ``created`` it, and the names of the fields it set (``changed``: on an update
    the fields whose value changed; on a create the fields given a value; on an import
    the file's mapped fields)."""

    id: Any
    created: bool
    changed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MatchRule:
    """How an imported row finds the stored record it stands for (``import_match_rules``).

    A row matches a live record when every field of ``fields`` holds a value
    in the row and the record holds the same stored value (values are
    compared as the gate stores them, so after ``record_checks`` normalised
    them: a phone in E.164, a tax id's digits). ``optional`` fields narrow
    the match when the row holds them and are ignored when it does not (a
    KPP: a row without one may stand for any branch of that tax id). ``veto``
    fields part a row from a record when both hold a value and the values
    differ (two tax ids are two legal entities, whatever e-mail they share).

    ``sure=False``: a match by this rule alone is only a candidate — the row
    is never applied to it automatically but reported as ambiguous with its
    candidates (a client matched by name only). ``label`` says in words what
    matched ("same tax id and KPP"), per language.
    """

    fields: tuple[str, ...]
    label: dict[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    veto: tuple[str, ...] = ()
    sure: bool = True

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError("a match rule needs at least one field")
        if set(self.fields) & set(self.optional):
            raise ValueError(f"match rule {self.fields}: a field is either required or optional, not both")

    @property
    def key(self) -> str:
        """The rule as an upsert key (``inn+kpp``): its fields, required then optional."""
        return "+".join((*self.fields, *self.optional))

    def label_for(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.key
