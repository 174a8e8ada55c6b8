"""Issue 15 item 3: export -> import gives the same records, for every entity's field types and custom fields.

Records of three entities (clients with a custom field of every type,
contact persons referencing clients, interactions referencing both) are
made from generated values, exported with the command line's default columns
(every readable field) as CSV or XLSX, in English or Russian, deleted, and
imported again with the guessed mapping: the records read back the same, and
nothing is rejected. Titles of referenced records are drawn from a few words,
so two records often share one (the export then writes the id).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dataio.export import export_columns, write_export
from core.dataio.importer import create_run, rejected_rows, run_import
from core.entities.spec import SYSTEM_FIELDS
from core.permissions.gate import Gate, ListRequest
from core.permissions.principal import Principal

ENTITIES = ("contacts.client", "contacts.contact", "contacts.interaction")
ACTIONS = ("read", "create", "write", "delete", "restore", "assign", "import", "export")
TEXT = st.text(alphabet=st.sampled_from(list("ab Zя=+-@',;\"")), min_size=1, max_size=12).map(str.strip).filter(bool)
TITLES = st.sampled_from(["Альфа", "Beta", "=Gamma", "Дельта, ООО"])
CUSTOM = [  # name, type, choices, reference
    ("c_text", "text", None, None), ("c_long", "long_text", None, None), ("c_int", "integer", None, None),
    ("c_dec", "decimal", None, None), ("c_money", "money", None, None), ("c_date", "date", None, None),
    ("c_time", "datetime", None, None), ("c_flag", "boolean", None, None), ("c_tier", "choice", ["gold", "iron"], None),
    ("c_tags", "multi_choice", ["a", "b", "c"], None), ("c_contact", "reference", None, "contacts.contact"),
    ("c_mail", "email", None, None), ("c_phone", "phone", None, None), ("c_site", "url", None, None),
    ("c_owner", "reference", None, "core.user"),
]  # uuid is no custom field type: the native "previous" of interactions is one, read-only (not exported for import)
MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.replace(tzinfo=timezone.utc))
CUSTOM_VALUES = st.fixed_dictionaries({}, optional={
    "c_text": TEXT, "c_long": st.sampled_from(["line one\nline two", "=1+2\n;", "plain"]),
    "c_int": st.integers(-(2 ** 63), 2 ** 63 - 1), "c_dec": st.decimals(min_value=-10 ** 6, max_value=10 ** 6, places=4),
    "c_money": st.decimals(min_value=-10 ** 12, max_value=10 ** 12, places=2), "c_date": st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    "c_time": MOMENTS, "c_flag": st.booleans(), "c_tier": st.sampled_from(["gold", "iron"]),
    "c_tags": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
    "c_mail": st.sampled_from(["x@example.com", "o'neil@example.org"]), "c_phone": st.sampled_from(["+79297838122", "+7 495 500-55-50"]),
    "c_site": st.sampled_from(["https://example.com/a?b=c,d", "http://пример.рф/"]),
})
CLIENTS = st.lists(st.tuples(TITLES, st.sampled_from(["company", "person"]), st.sampled_from([None, "high", "medium", "low"]),
                             st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2030, 1, 1))), st.booleans(), CUSTOM_VALUES),
                   min_size=1, max_size=4)


def who(user_id, lang: str) -> Principal:
    grants = {f"{key}.{a}": "all" for key in ENTITIES for a in ACTIONS}
    return Principal(user_id=user_id, grants=grants, language=lang, team_member_ids=frozenset({user_id}),
                     department_member_ids=frozenset({user_id}))


async def records(kernel, principal, key: str) -> list[str]:
    """The entity's live records as comparable text (ids, timestamps and versions left out)."""
    gate = await Gate.open(kernel, key, principal)
    rows = (await gate.list(ListRequest(limit=500, sort=["id"]))).rows
    out = []
    for row in rows:
        values = {k: v for k, v in row.items() if k not in SYSTEM_FIELDS and k != "search_text" and v not in (None, "", [])}
        out.append(repr(sorted((k, v.normalize() if isinstance(v, Decimal) else v) for k, v in values.items())))
    return sorted(out)


def cells(path, lang: str) -> list[list[str]]:
    if path.suffix == ".csv":
        import csv

        with open(path, encoding="utf-8-sig", newline="") as f:
            return [row for row in csv.reader(f, delimiter=";" if lang == "ru" else ",")]
    from openpyxl import load_workbook

    return [["" if c is None else c for c in row] for row in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]


def readable(gate, rows: list[list], lang: str) -> None:
    """Choices read as their labels, references as titles or ids, never internal names."""
    header, body = rows[0], rows[1:]
    assert header == [f.label_for(lang) for f in export_columns(gate, everything=True)]
    for f in export_columns(gate, everything=True):
        column = [r[header.index(f.label_for(lang))] for r in body]
        if f.type == "choice":
            assert set(column) <= {c.label[lang] for c in f.choices} | {""}, (f.name, column)
        if f.name == "owner_id":
            assert all("@" in v for v in column), column  # users by e-mail


async def round_trip(kernel, principal, key: str, fmt: str, folder) -> None:
    from core.db.engine import get_engine

    gate = await Gate.open(kernel, key, principal)
    before = await records(kernel, principal, key)
    path = folder / f"{key}.{fmt}"
    await write_export(gate, ListRequest(), export_columns(gate, everything=True), fmt, path)
    readable(gate, cells(path, principal.language), principal.language)
    await get_engine().run_ddl(f'DELETE FROM "{gate.table}"')
    run = await run_import(kernel, await create_run(kernel, key, principal, path), principal)
    rejected = [r async for r in rejected_rows(run["id"])]
    assert (run["status"], run["rejected"], rejected) == ("done", 0, []), (key, run["error"], rejected)
    assert await records(kernel, principal, key) == before, key


async def ensure_custom_fields(kernel) -> None:
    from core.custom_fields.definitions import create_field, list_fields

    if await list_fields("contacts.client"):
        return
    for name, kind, choices, reference in CUSTOM:
        await create_field("contacts.client", name, kind, name.title(), f"Поле {name}", kernel=kernel, choices=choices,
                           reference=reference)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(clients=CLIENTS, contacts=st.lists(st.tuples(TITLES, st.sampled_from([None, "user", "other"])), min_size=1, max_size=3),
       moments=st.lists(MOMENTS, min_size=1, max_size=3), fmt=st.sampled_from(["csv", "xlsx"]), lang=st.sampled_from(["en", "ru"]))
async def test_export_then_import_gives_the_same_records(kernel, make_user, tmp_path_factory, clients, contacts, moments, fmt, lang):
    from core.auth import org
    from core.db.engine import get_engine

    await ensure_custom_fields(kernel)
    engine = get_engine()
    for table in ("sales_deal_stage_log", "sales_deal_line", "sales_deal", "contacts_interaction", "contacts_contact", "contacts_client"):
        await engine.run_ddl(f'DELETE FROM "{table}"')
    user = await make_user(f"rt-{uuid.uuid4().hex[:8]}@example.com")
    team = await org.team_by_name("Round trip", create=True)
    principal = who(user.id, lang)
    folder = tmp_path_factory.mktemp("rt")
    people = await Gate.open(kernel, "contacts.contact", principal)
    made_people = [await people.create({"full_name": name, "role": role}) for name, role in contacts]
    firms = await Gate.open(kernel, "contacts.client", principal)
    made = []
    for i, (name, kind, importance, birthday, in_team, custom) in enumerate(clients):
        data = {"name": name, "kind": kind, "importance": importance, "birthday": birthday, "team_id": team.id if in_team else None,
                "email": f"c{i}@example.com", "phone": "+79297838122", "latitude": Decimal("55.75"), **custom}
        if i % 2:
            data["c_contact"] = made_people[i % len(made_people)]["id"]
            data["c_owner"] = user.id
        made.append(await firms.create({k: v for k, v in data.items() if v is not None}))
    talks = await Gate.open(kernel, "contacts.interaction", principal)
    for i, moment in enumerate(moments):
        await talks.create({"subject": f"=talk {i}", "kind": "meeting", "status": "done", "starts_at": moment, "duration_minutes": i * 15,
                            "client": made[i % len(made)]["id"], "contact": made_people[i % len(made_people)]["id"]})

    await round_trip(kernel, principal, "contacts.interaction", fmt, folder)
    await engine.run_ddl('DELETE FROM "contacts_interaction"')  # their references to the records below would go stale
    await round_trip(kernel, principal, "contacts.client", fmt, folder)
    await round_trip(kernel, principal, "contacts.contact", fmt, folder)
