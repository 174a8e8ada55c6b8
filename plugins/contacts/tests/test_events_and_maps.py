"""Significant dates (Prof and up) and the map of clients (Corp), per edition."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core.jobs.api import close_queue, run_worker
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from plugins.contacts.events import next_occurrence, upcoming


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def test_yearly_dates_come_round_and_29_february_falls_on_the_28th():
    today = date(2027, 3, 1)
    assert next_occurrence({"date": date(1990, 3, 1), "yearly": True}, today) == date(2027, 3, 1)
    assert next_occurrence({"date": date(1990, 2, 28), "yearly": True}, today) == date(2028, 2, 28)
    assert next_occurrence({"date": date(2000, 2, 29), "yearly": True}, date(2027, 2, 1)) == date(2027, 2, 28)
    assert next_occurrence({"date": date(2026, 5, 1), "yearly": False}, today) is None
    soon = upcoming([{"title": "a", "date": date(1980, 3, 5), "yearly": True},
                     {"title": "b", "date": date(1980, 4, 5), "yearly": True}], today, 10)
    assert [(e["title"], e["years"]) for e in soon] == [("a", 47)]


async def test_upcoming_list_gathers_events_and_birthdays(client):
    soon = date.today() + timedelta(days=5)
    if (soon.month, soon.day) == (2, 29):
        soon += timedelta(days=1)
    tag = unique("Dates")
    company = (await client.post("/api/contacts/client", json={"name": f"{tag} Co", "birthday": soon.replace(year=2001).isoformat()})).json()
    await client.post("/api/contacts/contact", json={"full_name": f"{tag} Person", "client": company["id"],
                                                     "birthday": soon.replace(year=1975).isoformat()})
    await client.post("/api/contacts/event", json={"title": f"{tag} contract anniversary", "kind": "anniversary",
                                                   "date": soon.replace(year=2020).isoformat(), "client": company["id"]})
    await client.post("/api/contacts/event", json={"title": f"{tag} far away", "date": (soon + timedelta(days=60)).replace(year=2020).isoformat()})
    page = (await client.get("/contacts/events/", params={"days": 30})).text
    for text in (f"{tag} Co", f"{tag} Person", f"{tag} contract anniversary", "50 years" if soon.year - 1975 == 50 else f"{soon.year - 1975} years"):
        assert text in page, text
    assert f"{tag} far away" not in page
    assert (await client.get("/contacts/events/", params={"days": "lots"})).status_code == 400


async def test_significant_events_are_prof_and_up(app_factory):
    for edition, present in (("basic", False), ("standard", False), ("prof", True), ("corp", True)):
        async with serving(app_factory(edition=edition), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
            assert ((await c.get("/contacts/events/")).status_code == 200) == present, edition
            assert ((await c.get("/api/contacts/event")).status_code == 200) == present, edition


async def test_map_shows_clients_with_coordinates_filtered_like_the_list(client, app_factory, monkeypatch):
    monkeypatch.delenv("KLIENTELA_CONTACTS_MAP_TILE_URL", raising=False)
    tag = unique("Mapped")
    await client.post("/api/contacts/client", json={"name": f"{tag} Moscow", "region": "Moscow", "latitude": "55.751244", "longitude": "37.618423"})
    await client.post("/api/contacts/client", json={"name": f"{tag} Kazan", "region": "Tatarstan", "latitude": "55.796127", "longitude": "49.106414"})
    await client.post("/api/contacts/client", json={"name": f"{tag} nowhere"})
    page = (await client.get("/contacts/map/", params={"q": tag})).text
    markers = json.loads(page.split('data-markers="', 1)[1].split('"', 1)[0].replace("&#34;", '"').replace("&quot;", '"'))
    assert sorted(m["name"] for m in markers) == [f"{tag} Kazan", f"{tag} Moscow"]
    assert 'data-tiles=""' in page and "/static/vendor/leaflet/leaflet.js" in page  # offline: markers without tiles
    filtered = (await client.get("/contacts/map/", params={"q": tag, "region": "Moscow"})).text
    assert f"{tag} Moscow" in filtered and f"{tag} Kazan" not in filtered
    assert (await client.get("/contacts/map/", params={"nonsense__near": "x"})).status_code == 400
    for edition, present in (("prof", False), ("corp", True)):
        async with serving(app_factory(edition=edition), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
            assert ((await c.get("/contacts/map/")).status_code == 200) == present, edition
    assert (await client.get("/static/vendor/leaflet/leaflet.js")).status_code == 200


class Geocoder(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's naming
        body = json.dumps([{"lat": "59.938630", "lon": "30.314130"}] if "Невский" in self.path or "%D0" in self.path else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), Geocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("KLIENTELA_CONTACTS_GEOCODER_URL", f"http://127.0.0.1:{server.server_port}/search")
    yield
    server.shutdown()


async def test_geocoding_job_fills_coordinates_from_the_address(app_factory, geocoder):
    app = app_factory()
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        made = (await c.post("/api/contacts/client", json={"name": unique("Geo"), "address_actual": "Санкт-Петербург, Невский пр., 1"})).json()
        started = await c.post("/contacts/map/geocode")
        assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
        await run_worker(app.state.kernel.settings, kernel=app.state.kernel, once=True, poll=0.05, signals=False)
        await close_queue(app.state.kernel)
        row = (await c.get(f"/api/contacts/client/{made['id']}")).json()
    assert row["latitude"] is not None and abs(float(row["latitude"]) - 59.93863) < 1e-6


async def test_a_null_for_a_yes_no_field_is_a_field_error_not_a_server_error(client):
    """Found by Schemathesis: JSON null for ``yearly`` (NOT NULL) reached the INSERT."""
    created = await client.post("/api/contacts/event", json={"title": "Founding day", "date": "2020-03-13", "yearly": None})
    assert created.status_code == 422 and "yearly" in created.json()["errors"]
    ok = await client.post("/api/contacts/event", json={"title": "Founding day", "date": "2020-03-13"})
    assert ok.status_code == 201 and ok.json()["yearly"] is True
    row = ok.json()
    cleared = await client.patch(f"/api/contacts/event/{row['id']}", json={"yearly": None}, headers={"If-Match": f'"{row["version"]}"'})
    assert cleared.status_code == 422 and "yearly" in cleared.json()["errors"]
