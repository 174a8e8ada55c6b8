"""The group-by API (core.permissions.grouping): counts and sums per value or date period in one
call, in the reader's days, and every field it names checked like a filter's (S3)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.entities.sql import Filter
from core.permissions.errors import Refused
from core.permissions.gate import Gate
from core.permissions.grouping import Group, utc_offsets
from core.permissions.tables import UserRole
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, custom_role, serving


async def _admin_gate(kernel, key):
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    return Gate(kernel, kernel.entities[key], await principal_for_user(admin.id, via="system"))


@pytest.fixture
async def analyst(make_user):
    """Reads and reports on all clients and interactions, but may not read the tax id."""
    grants = {f"contacts.{e}.{a}": "all" for e in ("client", "interaction", "contact") for a in ("read", "report")}
    role = await custom_role(grants, hidden=[("contacts.client", "inn")])
    user = await make_user()
    await UserRole.insert(UserRole(user=user.id, role=role.id))
    await User.update({User.timezone: "Europe/Moscow"}).where(User.id == user.id)
    return user


@pytest.fixture
async def world(app_factory, analyst):
    app = app_factory(jobs_in_process=False)
    kernel = app.state.kernel
    marker = f"gb{uuid.uuid4().hex[:8]}"
    clients = await _admin_gate(kernel, "contacts.client")
    for kind, birthday in (("company", "2024-01-31"), ("company", "2024-02-01"), ("person", "2024-02-29"), ("person", None)):
        await clients.create({"name": f"{marker} {kind}", "kind": kind, "birthday": birthday, "owner_id": str(analyst.id)})
    calls = await _admin_gate(kernel, "contacts.interaction")
    # 21:30 UTC on 30 April is 00:30 on 1 May in Moscow; the last one is 1 May in both.
    for at, minutes in (("2026-04-30T20:30:00+00:00", 10), ("2026-04-30T21:30:00+00:00", 20), ("2026-05-01T12:00:00+00:00", 30)):
        await calls.create({"subject": f"{marker} call", "starts_at": at, "duration_minutes": minutes, "owner_id": str(analyst.id)})
    return app, marker


async def test_counts_by_a_field_and_by_a_period_in_one_call(world, analyst):
    app, marker = world
    async with serving(app, login=(analyst.email, USER_PASSWORD)) as client:
        by_kind = await client.get("/api/contacts/client/groups", params={"by": "kind", "name__startswith": marker})
        assert by_kind.status_code == 200, by_kind.text
        assert by_kind.json()["groups"] == [{"value": "company", "count": 2, "sums": {}}, {"value": "person", "count": 2, "sums": {}}]
        by_month = (await client.get("/api/contacts/client/groups",
                                     params={"by": "birthday", "period": "month", "name__startswith": marker})).json()["groups"]
        assert [(g["value"], g["count"]) for g in by_month] == [("2024-01-01", 1), ("2024-02-01", 2), (None, 1)]
        by_quarter = (await client.get("/api/contacts/client/groups",
                                       params={"by": "birthday", "period": "quarter", "kind": "person", "name__startswith": marker})).json()
        assert [(g["value"], g["count"]) for g in by_quarter["groups"]] == [("2024-01-01", 1), (None, 1)]
        # The reader's days: this user's clock is Moscow's, where two of the calls were on 1 May.
        per_day = (await client.get("/api/contacts/interaction/groups", params={
            "by": "starts_at", "period": "day", "sum": "duration_minutes", "subject__startswith": marker})).json()
        assert per_day["groups"] == [{"value": "2026-04-30", "count": 1, "sums": {"duration_minutes": 10}},
                                     {"value": "2026-05-01", "count": 2, "sums": {"duration_minutes": 50}}]


async def test_periods_follow_the_zone_and_its_clock_changes(world):
    app, marker = world
    gate = await _admin_gate(app.state.kernel, "contacts.interaction")
    mine = [Filter("subject", "startswith", marker)]
    utc = await gate.groups("starts_at", period="month", sums=["duration_minutes"], filters=mine, zone="UTC")
    assert utc == [Group(date(2026, 4, 1), 2, {"duration_minutes": 30}), Group(date(2026, 5, 1), 1, {"duration_minutes": 30})]
    moscow = await gate.groups("starts_at", period="week", filters=mine, zone="Europe/Moscow")
    assert moscow == [Group(date(2026, 4, 27), 3, {})]  # Thursday 30 April and Friday 1 May: the week of Monday 27 April
    years = await gate.groups("starts_at", period="year", filters=mine, zone="Pacific/Kiritimati")  # UTC+14
    assert years == [Group(date(2026, 1, 1), 3, {})]
    # New York moves its clocks on 8 March 2026 at 07:00 UTC (EST -5 to EDT -4).
    assert utc_offsets(1772928000, 1773100800, "America/New_York") == [(1772953200, -5 * 3600), (None, -4 * 3600)]
    calls = await _admin_gate(app.state.kernel, "contacts.interaction")
    dst = f"{marker}dst"
    for at in ("2026-03-08T04:30:00+00:00", "2026-03-09T03:30:00+00:00"):  # 23:30 on 7 March (EST), 23:30 on 8 March (EDT)
        await calls.create({"subject": dst, "starts_at": at})
    days = await gate.groups("starts_at", period="day", filters=[Filter("subject", "eq", dst)], zone="America/New_York")
    assert [g.value for g in days] == [date(2026, 3, 7), date(2026, 3, 8)]


async def test_every_field_named_is_checked_like_a_filter(world, analyst):
    """S3: grouping or summing by a hidden field is refused; so are fields that cannot be
    grouped or summed, unknown periods, and a date-time without a period."""
    app, marker = world
    async with serving(app, login=(analyst.email, USER_PASSWORD)) as client:
        refused = {
            "hidden group": ("client", {"by": "inn"}, "inn"),
            "hidden sum": ("client", {"by": "kind", "sum": "inn"}, "inn"),
            "hidden filter": ("client", {"by": "kind", "inn": "1"}, "inn"),
            "unknown group": ("client", {"by": "nope"}, "nope"),
            "no group": ("client", {}, "by"),
            "not an amount": ("client", {"by": "kind", "sum": "latitude"}, "sum"),
            "not a period": ("client", {"by": "birthday", "period": "fortnight"}, "period"),
            "period of a choice": ("client", {"by": "kind", "period": "month"}, "period"),
            "instants need a period": ("interaction", {"by": "starts_at"}, "period"),
            "long text": ("contact", {"by": "notes"}, "by"),
        }
        for label, (entity, params, key) in refused.items():
            response = await client.get(f"/api/contacts/{entity}/groups", params=params)
            assert response.status_code == 400, (label, response.status_code, response.text)
            assert key in response.json()["errors"], (label, response.text)
    gate = await Gate.open(app.state.kernel, "contacts.client", await principal_for_user(analyst.id))
    with pytest.raises(Refused):
        await gate.groups("inn", action="report")


async def test_the_schema_documents_the_groups_and_fields_parameters(client, client_as, make_user):
    reader = await make_user()
    role = await custom_role({"contacts.client.read": "all"})
    await UserRole.insert(UserRole(user=reader.id, role=role.id))
    async with client_as(reader) as c:
        theirs = (await c.get("/schema/openapi.json")).json()["paths"]
        assert "/api/contacts/client" in theirs and "/api/contacts/client/groups" not in theirs  # no report permission
        assert (await c.get("/api/contacts/client/groups", params={"by": "kind"})).status_code == 404
    schema = (await client.get("/schema/openapi.json")).json()
    groups = schema["paths"]["/api/contacts/client/groups"]["get"]
    assert {p["name"] for p in groups["parameters"]} >= {"by", "period", "sum", "q"}
    listed = schema["paths"]["/api/contacts/client"]["get"]
    assert {"fields", "columns"} <= {p["name"] for p in listed["parameters"]}
    one = schema["paths"]["/api/contacts/client/{record_id}"]["get"]
    assert "fields" in {p["name"] for p in one.get("parameters", [])}
