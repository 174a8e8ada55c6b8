"""The record page: header (key facts, actions from the ``record_actions`` hook), fields in
sections with empty ones set aside, related lists with counts, the collapsed record details,
the related block reloaded alone after a quick create; and the messages after save, delete
(with Undo) and restore."""

from __future__ import annotations

import re
import types
import uuid

import pytest

from core.entities.spec import Entity, Field, Section, label
from core.hooks import hookimpl
from core.hooks.contributions import RecordAction
from core.permissions.tables import UserRole
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, custom_role, serving

CLIENTS = "/contacts/client"
API = "/api/contacts/client"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def marker() -> str:
    return f"rp{uuid.uuid4().hex[:8]}"


def part(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def visible_text(html: str) -> str:
    """Text a person reads: no tags, no attribute values, no script."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def test_header_sections_empty_fields_and_collapsed_record_details(client, marker):
    row = (await client.post(API, json={"name": f"{marker} Header", "phone": "+7 800 555-35-35", "email": f"sales@{marker}.example",
                                        "stage": "regular", "industry": "Retail"})).json()
    html = (await client.get(f"{CLIENTS}/{row['id']}")).text
    header = part(html, 'class="record-header"', 'class="record-section"')
    # Key facts: the stage by its label, the responsible user, phone and e-mail as links that call and write.
    assert "Regular" in header and "regular</dd>" not in header
    assert 'href="tel:+78005553535"' in header and f'href="mailto:sales@{marker}.example"' in header
    # The contacts plugin's actions, pre-filled with this client, opening the quick create over the page.
    cid = row["id"]
    assert f'href="/contacts/interaction/new?client={cid}&amp;kind=call&amp;status=done"' in header
    assert f'hx-get="/contacts/interaction/quick?client={cid}&amp;kind=call&amp;status=done"' in header
    assert header.index("Log a call") < header.index("Plan a meeting") < header.index("Give a task") < header.index(">Edit<")
    # Sections the plugin declares; a filled field is shown, an empty one only in the collapsed "empty fields".
    assert '<h2 id="section-profile">Profile</h2>' in html and '<h2 id="section-requisites">Requisites</h2>' in html
    addresses = part(html, 'id="section-addresses"', "</section>")  # nothing filled: all of it collapsed
    assert addresses.index('<details class="empty-fields">') < addresses.index('<dl class="record">')
    profile = part(html, 'id="section-profile"', "</section>")
    filled = profile[:profile.index("<details")]
    assert 'id="field-industry"' in filled and 'id="field-region"' not in filled
    empty = part(profile, '<details class="empty-fields">', "</details>")
    assert 'id="field-region"' in empty and "<details class=\"empty-fields\" open" not in profile
    # Ids, version and authors only in the collapsed record details, the author by name.
    details = part(html, '<details class="record-details">', "</details>")
    assert "Record details" in details and row["id"] in details and "Administrator" in details
    outside = visible_text(html.replace(details, ""))
    assert UUID_RE.search(outside) is None, UUID_RE.search(outside)
    assert ">Version<" not in html.replace(details, "")


async def test_empty_fields_are_not_offered_to_who_cannot_edit_them(app_factory, make_user, client, marker):
    row = (await client.post(API, json={"name": f"{marker} Reader"})).json()
    role = await custom_role({"contacts.client.read": "all"})
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as viewer:
        html = (await viewer.get(f"{CLIENTS}/{row['id']}")).text
    assert 'id="field-name"' in html, html[html.index("<main"):][:3000]
    assert 'class="empty-fields"' not in html and 'id="field-region"' not in html
    # No create permission: none of the contacts actions; no write: no Edit; no delete.
    header = part(html, 'class="record-header"', "</h1>") + part(html, 'class="toolbar record-actions"', 'class="record-section"')
    assert "Log a call" not in header and ">Edit<" not in header and ">Delete<" not in header


async def test_a_plugin_adds_an_action_through_the_hook_filtered_by_permission_and_feature(app_factory, make_user, client, marker):
    row = (await client.post(API, json={"name": f"{marker} Deal"})).json()

    @hookimpl
    async def record_actions(kernel, entity, record, principal):
        if entity.key != "contacts.client":
            return []
        query = f"client={record['id']}"
        return [RecordAction("sales.new_deal", {"en": "New deal", "ru": "Новая сделка"}, url=f"/sales/deal/new?{query}",
                             permission="sales.deal.create", order=5, icon="₽"),
                RecordAction("sales.off", {"en": "Switched off"}, url="/sales/off", feature="sales.no_such_feature"),
                RecordAction("sales.anyone", {"en": "Anyone"}, url="/sales/anyone", order=1000)]

    plugin = types.SimpleNamespace(record_actions=record_actions)
    app = app_factory()
    app.state.kernel.pm.register(plugin, name="test-actions")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        html = (await c.get(f"{CLIENTS}/{row['id']}")).text
        ru = (await c.get(f"{CLIENTS}/{row['id']}", headers={"Accept-Language": "ru"}, cookies={"klientela_lang": "ru"})).text
    actions = part(html, 'class="toolbar record-actions"', 'class="record-section"')
    assert f'href="/sales/deal/new?client={row["id"]}"' in actions and "New deal" in actions
    assert actions.index("New deal") < actions.index("Log a call") < actions.index("Anyone")  # by order
    assert "Switched off" not in actions  # its feature is not on
    # In Russian: the action's own label, the contacts plugin's and core's.
    assert "Новая сделка" in ru and "Записать звонок" in ru and "Сведения о записи" in ru and "Профиль" in ru
    user = await make_user(roles=["read_only"])
    app2 = app_factory()
    app2.state.kernel.pm.register(plugin, name="test-actions")
    async with serving(app2, login=(user.email, USER_PASSWORD)) as c:
        actions = part((await c.get(f"{CLIENTS}/{row['id']}")).text, 'class="toolbar record-actions"', 'class="record-section"')
    assert "New deal" not in actions and "Anyone" in actions  # no sales.deal.create: left out


def test_record_actions_point_at_this_site_only():
    for bad in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "new"):
        with pytest.raises(ValueError):
            RecordAction("x.y", {"en": "X"}, url=bad)
        with pytest.raises(ValueError):
            RecordAction("x.y", {"en": "X"}, url="/ok", quick=bad)


def test_sections_name_known_fields_once():
    fields = (Field("name", "text", label("Name")), Field("city", "text", label("City")))
    base = dict(key="demo.thing", table=object, label=label("Thing"), plural=label("Things"), fields=fields, list_columns=("name",))
    with pytest.raises(ValueError, match="sections"):
        Entity(**base, sections=(Section("a", label("A"), ("name", "nope")),))
    with pytest.raises(ValueError, match="two sections"):
        Entity(**base, sections=(Section("a", label("A"), ("name",)), Section("b", label("B"), ("name",))))
    with pytest.raises(ValueError, match="key_facts"):
        Entity(**base, key_facts=("nope",))
    assert Entity(**base).default_key_facts() == ("owner_id",)
    assert Entity(**base, key_facts=("city",)).default_key_facts() == ("city",)


async def test_related_lists_count_and_reload_alone_after_a_quick_create(client, marker):
    parent = (await client.post(API, json={"name": f"{marker} Parent"})).json()
    for i in range(3):
        made = await client.post("/api/contacts/contact", json={"full_name": f"{marker} Person {i}", "client": parent["id"]})
        assert made.status_code == 201, made.text
    html = (await client.get(f"{CLIENTS}/{parent['id']}")).text
    assert re.search(r'<h2 id="rel-contacts">Contact persons <span class="badge">3</span></h2>', html)
    assert 'hx-trigger="record-changed from:body"' in html
    done = await client.post("/contacts/contact/quick", data={"full_name": f"{marker} Person 3", "client": parent["id"],
                                                              "_fields": "full_name,client"},
                             headers={"HX-Request": "true", "HX-Target": "quick-form"})
    assert done.status_code == 200 and done.headers["HX-Trigger"] == "record-changed"
    block = await client.get(f"{CLIENTS}/{parent['id']}", headers={"HX-Request": "true", "HX-Target": "record-related"})
    assert block.text.lstrip().startswith('<div id="record-related"') and "<html" not in block.text
    assert '<span class="badge">4</span>' in block.text and f"{marker} Person 3" in block.text


async def test_save_delete_undo_and_restore_each_answer_with_a_message(client, marker):
    made = await client.post(f"{CLIENTS}/", data={"name": f"{marker} Flash", "kind": "company"})
    assert made.status_code == 303 and "klientela_flash=1" in made.headers.get("set-cookie", "")
    record = made.headers["location"]
    # An htmx fragment does not use up the message: it waits for the next full page.
    await client.get(record, headers={"HX-Request": "true", "HX-Target": "record-related"})
    page = await client.get(record)
    assert f"Created: {marker} Flash" in page.text and 'role="status"' in page.text
    assert "klientela_flash=;" in page.headers.get("set-cookie", "") or 'Max-Age=0' in page.headers.get("set-cookie", "")
    assert f"Created: {marker} Flash" not in (await client.get(record)).text  # shown once
    rid = record.rsplit("/", 1)[1]
    saved = await client.post(record, data={"name": f"{marker} Flash 2", "kind": "company", "_version": "1"})
    assert saved.status_code == 303
    assert f"Changes saved: {marker} Flash 2" in (await client.get(record)).text
    gone = await client.post(f"{record}/delete", data={"_version": "2"})
    assert gone.status_code == 303 and gone.headers["location"] == f"{CLIENTS}/"
    listing = (await client.get(f"{CLIENTS}/")).text
    message = listing[listing.index('<div id="flash"'):listing.index("</main>")]
    assert f"Moved to the trash: {marker} Flash 2" in message
    # Undo is a POST to the gate-checked restore route, with the CSRF token.
    assert f'action="{CLIENTS}/{rid}/restore"' in message and 'name="_csrf"' in message and ">Undo<" in message
    assert (await client.get(f"{API}/{rid}")).status_code == 404
    undo = await client.post(f"{CLIENTS}/{rid}/restore")
    assert undo.status_code == 303 and (await client.get(f"{API}/{rid}")).status_code == 200
    assert f"Restored: {marker} Flash 2" in (await client.get(undo.headers["location"])).text


async def test_no_undo_for_who_may_not_restore(app_factory, make_user, marker):
    role = await custom_role({"contacts.client.read": "all", "contacts.client.create": "all", "contacts.client.delete": "all"})
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    async with serving(app_factory(), login=(user.email, USER_PASSWORD)) as c:
        made = await c.post(f"{CLIENTS}/", data={"name": f"{marker} NoUndo", "kind": "company"})
        await c.get(made.headers["location"])
        gone = await c.post(f"{made.headers['location']}/delete", data={"_version": "1"})
        assert gone.status_code == 303
        listing = (await c.get(f"{CLIENTS}/")).text
    message = listing[listing.index('<div id="flash"'):listing.index("</main>")]
    assert f"Moved to the trash: {marker} NoUndo" in message and ">Undo<" not in message and "/restore" not in message


async def test_a_message_belongs_to_the_session_that_acted(app_factory, client, marker):
    made = await client.post(f"{CLIENTS}/", data={"name": f"{marker} Mine", "kind": "company"})
    assert made.status_code == 303
    # The same user signed in elsewhere (another session) does not get it; even with the mark's cookie copied.
    async with serving(app_factory(), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as other:
        other.cookies.set("klientela_flash", "1")
        assert f"Created: {marker} Mine" not in (await other.get(made.headers["location"])).text
    assert f"Created: {marker} Mine" in (await client.get(made.headers["location"])).text


def test_fields_no_section_names_go_to_a_last_default_section():
    from core.entities.record_page import sections

    fields = (Field("name", "text", label("Name")), Field("city", "text", label("City")), Field("note", "text", label("Note")))
    entity = Entity(key="demo.thing", table=object, label=label("Thing"), plural=label("Things"), fields=fields,
                    list_columns=("name",), sections=(Section("main", label("Main"), ("name", "city")),))
    extra = Field("x_custom", "text", label("Custom"), custom=True)
    shown = {"cells": {"name": {"text": "A"}, "city": {"text": ""}, "note": {"text": "n"}, "x_custom": {"text": "c"}}}
    out = sections(entity, [*fields, extra], shown)
    assert [(s["section"].key, [f.name for f in s["filled"]], [f.name for f in s["empty"]]) for s in out] == [
        ("main", ["name"], ["city"]), ("other", ["note", "x_custom"], [])]
