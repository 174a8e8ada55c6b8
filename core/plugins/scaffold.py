"""``klientela plugin new NAME``: a plugin distribution that works out of the box.

It writes what docs/plugins.md describes — a pyproject with the entry point,
the manifest, one entity (with a money field) declared the main way, a start
page, the first migration, Russian translations and tests with their
conftest — so that ``pip install`` plus ``pytest`` pass on SQLite and on
PostgreSQL before the author changes a line (tests/test_plugin_scaffold.py
checks exactly that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from string import Template

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class ScaffoldError(ValueError):
    pass


@dataclass(frozen=True)
class Names:
    """One name everywhere (docs/plugins.md), derived from the plugin's name."""

    name: str  # entry point, manifest, Piccolo app, URL and permission prefix
    entity: str  # the entity's name: <name>.<entity>, table <name>_<entity>

    @property
    def package(self) -> str:
        return f"klientela_{self.name}"

    @property
    def distribution(self) -> str:
        return f"klientela-{self.name.replace('_', '-')}"

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def entity_class(self) -> str:
        return "".join(part.capitalize() for part in self.entity.split("_"))

    @property
    def entity_title(self) -> str:
        return self.entity.replace("_", " ").capitalize()


def scaffold(name: str, parent: Path, entity: str = "item", now: datetime | None = None) -> Path:
    """Write the distribution into ``parent/klientela-<name>``; returns that folder."""
    from core.plugins.discovery import discover

    if not NAME_RE.match(name):
        raise ScaffoldError(f"plugin name {name!r}: 2-31 lower-case letters, digits and _, starting with a letter")
    if not NAME_RE.match(entity):
        raise ScaffoldError(f"entity name {entity!r}: 2-31 lower-case letters, digits and _, starting with a letter")
    if name in discover().plugins or name == "core":
        raise ScaffoldError(f"a plugin named {name!r} is already installed; choose another name")
    names = Names(name, entity)
    root = parent / names.distribution
    if root.exists():
        raise ScaffoldError(f"{root} already exists; nothing was written")
    now = now or datetime.now(timezone.utc)
    migration_id = now.strftime("%Y-%m-%dT%H:%M:%S:%f")
    values = {
        "name": name, "entity": entity, "package": names.package, "distribution": names.distribution,
        "title": names.title, "entity_class": names.entity_class, "entity_title": names.entity_title,
        "migration_id": migration_id, "columns": _migration_columns(names),
    }
    files = {path.replace("PKG", names.package).replace("NAME", name): Template(text).substitute(values)
             for path, text in FILES.items()}
    migration = f"{names.package}/piccolo_migrations/{name}_{now.strftime('%Y_%m_%dt%H_%M_%S_%f')}.py"
    files[migration] = Template(MIGRATION).substitute(values)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _write_catalogs(root / names.package)
    return root


def _write_catalogs(package_dir: Path) -> None:
    """The .pot and the .po files as ``klientela i18n extract`` writes them (the Russian
    translations the scaffold ships are kept)."""
    from core.i18n.extract import Package, update

    update(Package(package_dir.name, package_dir, package_dir / "locale"))


# EntityTable's own columns, as Piccolo's auto migration writes them.
_BASE_COLUMNS = (
    ("id", "UUID", {"default": "new_id", "null": False, "primary_key": True}),
    ("created_at", "Timestamptz", {"default": "TimestamptzNow()", "null": False}),
    ("updated_at", "Timestamptz", {"default": "TimestamptzNow()", "null": False}),
    ("created_by", "UUID", {"default": None, "null": True}),
    ("updated_by", "UUID", {"default": None, "null": True}),
    ("version", "Integer", {"default": 1, "null": False}),
    ("deleted_at", "Timestamptz", {"default": None, "null": True}),
    ("owner_id", "UUID", {"default": None, "null": True, "index": True}),
    ("search_text", "Text", {"default": '""', "null": False}),
    ("custom", "JSONB", {"default": '"{}"', "null": False}),
)
_OWN_COLUMNS = (
    ("name", "Varchar", {"length": 300, "default": '""', "null": False}),
    ("amount", "Numeric", {"digits": (14, 2), "default": None, "null": True}),
)


def _migration_columns(names: Names) -> str:
    blocks = []
    for column, kind, params in _BASE_COLUMNS + _OWN_COLUMNS:
        full = {**params}
        full.setdefault("primary_key", False)
        for key, value in (("unique", False), ("index", False), ("index_method", "IndexMethod.btree"),
                           ("choices", None), ("db_column_name", None), ("secret", False)):
            full.setdefault(key, value)
        lines = "".join(f'            "{k}": {v if isinstance(v, str) else repr(v)},\n' for k, v in full.items())
        blocks.append(
            "    manager.add_column(\n"
            f'        table_class_name="{names.entity_class}",\n'
            f'        tablename="{names.name}_{names.entity}",\n'
            f'        column_name="{column}",\n'
            f'        db_column_name="{column}",\n'
            f'        column_class_name="{kind}",\n'
            f"        column_class={kind},\n"
            "        params={\n"
            f"{lines}"
            "        },\n"
            "        schema=None,\n"
            "    )\n"
        )
    return "\n".join(blocks)


MIGRATION = '''\
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, UUID, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

from core.entities.base import new_id

ID = "$migration_id"
VERSION = "1.38.0"
DESCRIPTION = "initial"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="$name", description=DESCRIPTION)

    manager.add_table(class_name="$entity_class", tablename="${name}_$entity", schema=None, columns=None)

$columns
    return manager
'''

FILES = {
    "pyproject.toml": '''\
# A Klientela plugin, packaged as its own distribution (docs/plugins.md).
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "$distribution"
version = "0.1.0"
description = "$title: a Klientela plugin."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["klientela"]

# The entry point's name is the plugin's name: the manifest, the Piccolo app,
# the URL prefix (/$name/), the permissions ($name.$entity.read) and the tables (${name}_$entity).
[project.entry-points."klientela.plugins"]
$name = "$package.plugin"

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["*.toml", "templates/**/*.html", "locale/*.pot", "locale/*/LC_MESSAGES/*.po"]

[tool.pytest.ini_options]
# Klientela's fixtures share one event loop and one database per session.
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
testpaths = ["tests"]
# Not in a stock edition: enable it on top of corp for the test session
# (the session database is migrated for it and the stock roles get its grants).
klientela_plugins = ["$name"]
''',
    "README.md": '''\
# $distribution

A Klientela plugin: `$name`, with one entity, `$name.$entity`, and a start page at `/$name/`.
Made by `klientela plugin new $name`; see Klientela's `docs/plugins.md`.

## Install and enable

```sh
pip install .                       # beside Klientela (pip install -e . while you work on it)
klientela plugin enable $name --dry-run
klientela plugin enable $name       # migrations, grants for the stock roles
```

Restart `klientela serve` (and any `klientela worker`) afterwards: a running server keeps the plugins it started with.

## Test

```sh
KLIENTELA_TEST_DB=sqlite pytest
KLIENTELA_TEST_DB=postgres KLIENTELA_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/klientela_test pytest
```

## Change the tables

Edit `$package/tables.py` and the declaration in `$package/entities.py`, then
let Piccolo write the next migration against PostgreSQL (with this folder
installed with `pip install -e .`):

```sh
PICCOLO_CONF=core.db.piccolo_conf KLIENTELA_DATABASE_URL=postgresql://... \\
  piccolo migrations new $name --auto
```

## Translations

```sh
klientela i18n extract --plugin $name   # writes $package/locale/
klientela i18n check --plugin $name
```
''',
    "PKG/__init__.py": '''\
"""The $name plugin for Klientela."""
''',
    "PKG/plugin.toml": '''\
name = "$name"
label = { en = "$title", ru = "$title" }
version = "0.1.0"
summary = "Records of $title."

[depends]
core = ">=0.1,<1"
''',
    "PKG/tables.py": '''\
"""Tables of the $name plugin (names prefixed ``${name}_``)."""

from piccolo.columns import Numeric, Varchar

from core.sdk import EntityTable


class $entity_class(EntityTable, tablename="${name}_$entity"):
    name = Varchar(length=300)
    # A native money column: numeric(14, 2). PostgreSQL keeps it exact; on SQLite
    # 14 significant digits survive its 15-digit REAL, and the gate reads it back
    # with exactly two places — the same as a custom money field (docs/entities.md).
    amount = Numeric(digits=(14, 2), null=True, default=None)
''',
    "PKG/entities.py": '''\
"""The $name.$entity entity: core derives its list, record page, forms, API and search from this."""

from core.sdk import Entity, Field, label
from $package.tables import $entity_class

${entity_class}_ENTITY = Entity(
    key="$name.$entity",
    table=$entity_class,
    label=label("$entity_title", "Запись"),
    plural=label("${entity_title}s", "Записи"),
    fields=(
        # synonyms: further headers an imported file may give the field (docs/import-export.md)
        Field("name", "text", label("Name", "Наименование"), required=True, max_length=300, synonyms=("Название", "Title")),
        Field("amount", "money", label("Amount", "Сумма"), min_value=0, synonyms=("Стоимость", "Total")),
    ),
    list_columns=("name", "amount", "owner_id"),
    search_fields=("name",),
    order=("name",),
    title_field="name",
)
''',
    "PKG/plugin.py": '''\
"""Hook implementations of the $name plugin: everything comes from core.sdk."""

from litestar import Request, get
from litestar.response import Template

from core.sdk import Gate, JobKind, MenuItem, entity_permissions, hookimpl, principal_of, role_grants
from $package.entities import ${entity_class}_ENTITY

NAME = "$name"
READ = "$name.$entity.read"


@get(f"/{NAME}/", name=f"{NAME}:start", opt={"permission": READ})
async def start_page(request: Request) -> Template:
    """The plugin's start page: how many records the user can see, and the way in."""
    gate = await Gate.open(request.app.state.kernel, ${entity_class}_ENTITY.key, principal_of(request))
    manifest = request.app.state.kernel.catalog.plugins[NAME]
    return Template(
        template_name=f"{NAME}/start.html",
        context={"manifest": manifest, "entity": ${entity_class}_ENTITY, "count": await gate.count()},
    )


async def recount(ctx) -> dict:
    """A background job: how many records the user who started it can see (the gate holds in jobs too)."""
    gate = await Gate.open(ctx.kernel, ${entity_class}_ENTITY.key, ctx.principal)
    return {"count": await gate.count()}


@hookimpl
def register_routes(kernel):
    return [start_page]


@hookimpl
def register_entities(kernel):
    return [${entity_class}_ENTITY]


@hookimpl
def register_permissions(kernel):
    return entity_permissions(NAME, "$entity")


@hookimpl
def register_default_grants(kernel):
    # The administrator gets everything anyway; say here what the other stock roles get.
    return role_grants("read_only", NAME, read="all")


@hookimpl
def menu_items(kernel, request):
    return [MenuItem(key=NAME, label={"en": "$title", "ru": "$title"}, url=f"/{NAME}/", order=70, permission=READ)]


@hookimpl
def register_jobs(kernel):
    return [JobKind(name=f"{NAME}.recount", run=recount)]
''',
    "PKG/piccolo_app.py": '''\
"""The $name plugin's Piccolo app: its tables and its own migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from $package.tables import $entity_class

APP_CONFIG = AppConfig(
    app_name="$name",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[$entity_class],
    migration_dependencies=["core.db.piccolo_app"],
)
''',
    "PKG/piccolo_migrations/__init__.py": "",
    "PKG/templates/NAME/start.html": '''\
{% extends "layout.html" %}
{% block title %}{{ manifest.label_for(lang) }}{% endblock %}
{% block content %}
<h1>{{ manifest.label_for(lang) }}</h1>
<p>{{ _("Records you can see:") }} {{ count }}</p>
<p><a href="{{ entity.url }}/">{{ _("Open the list") }}</a> · <a href="{{ entity.url }}/new">{{ _("Add a record") }}</a></p>
{% endblock %}
''',
    "PKG/locale/ru/LC_MESSAGES/messages.po": '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: ru\\n"

msgid "Records of $title."
msgstr "Записи: $title."

msgid "Records you can see:"
msgstr "Записей, которые вам видны:"

msgid "Open the list"
msgstr "Открыть список"

msgid "Add a record"
msgstr "Добавить запись"
''',
    "tests/conftest.py": '''\
# Klientela's fixtures (core/testing/fixtures.py): the session database, app_factory,
# client (the administrator), make_user, client_as, plugin_client_factory, instance.
# This plugin is enabled for the session by `klientela_plugins` in pyproject.toml.
pytest_plugins = ["core.testing.fixtures"]
''',
    "tests/test_NAME.py": '''\
"""The $name plugin on the suite's engine (KLIENTELA_TEST_DB=sqlite or postgres)."""

from decimal import Decimal

from core.sdk import enqueue, get_job
from core.testing.fixtures import check_plugin_alone, run_due_jobs
from $package.tables import $entity_class


async def test_start_page_and_menu_with_only_its_dependencies(plugin_client_factory):
    await check_plugin_alone(plugin_client_factory, "$name", "$title")


async def test_records_through_the_api_with_exact_money(client):
    created = await client.post("/api/$name/$entity", json={"name": "First", "amount": "1234.5"})
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["amount"] == "1234.50"  # exactly two places on both engines
    read = await client.get(f"/api/$name/$entity/{record['id']}")
    assert read.status_code == 200 and read.json()["amount"] == "1234.50"
    stored = await $entity_class.select($entity_class.amount).where($entity_class.id == record["id"]).first()
    assert Decimal(stored["amount"]) == Decimal("1234.50")
    refused = await client.post("/api/$name/$entity", json={"name": "Bad", "amount": "1.001"})
    assert refused.status_code == 422, refused.text  # more than two places is refused, never rounded
    page = await client.get("/$name/$entity/")
    assert page.status_code == 200 and "First" in page.text


async def test_a_job_runs_as_the_user_who_started_it(app_factory, make_user):
    # No in-process worker: run_due_jobs works the queue here, on either engine.
    kernel = app_factory(jobs_in_process=False).state.kernel
    reader = await make_user(roles=["read_only"])
    expected = await $entity_class.count().where($entity_class.deleted_at.is_null())
    job_id = await enqueue(kernel, "$name.recount", {}, user_id=reader.id)
    await run_due_jobs(kernel)
    job = await get_job(job_id)
    assert job["status"] == "done", job["last_error"]
    assert job["result"] == {"count": expected}
''',
}
