"""Clients on a map (feature ``maps``, Corp), filtered exactly like the client list.

The page reads the list's own query string (search, filters) through the
gate and shows the clients that have coordinates as markers (Leaflet from
npm). The tile server and the geocoder are settings, so without them the
map still shows the markers on a blank background, offline. Geocoding
fills missing coordinates from the address through a Nominatim-compatible
service, as a job run as the user who asked.
"""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from core.entities.query_params import list_request
from core.entities.sql import Filter
from core.jobs import PermanentJobError
from core.permissions.errors import Conflict, Invalid
from core.permissions.gate import Gate, ListRequest
from core.permissions.request import principal_of
from plugins.contacts.settings import contacts_settings

MAX_MARKERS = 5000


async def markers(gate: Gate, req: ListRequest) -> list[dict]:
    req.filters = [*req.filters, Filter("latitude", "isnull", "false"), Filter("longitude", "isnull", "false")]
    req.limit, out = 500, []
    while len(out) < MAX_MARKERS:
        page = await gate.list(req)
        out += [{"id": str(r["id"]), "name": r["name"], "lat": float(r["latitude"]), "lon": float(r["longitude"]),
                 "address": r.get("address_actual") or r.get("address_legal") or ""} for r in page.rows]
        if not page.next_cursor:
            break
        req.cursor = page.next_cursor
    return out


async def geocode(address: str, settings=None) -> tuple[Decimal, Decimal] | None:
    settings = settings or contacts_settings()
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(settings.geocoder_url, params={"q": address, "format": "json", "limit": 1},
                                  headers={"User-Agent": "Klientela CRM"})
        response.raise_for_status()
        found = response.json()
    if not found:
        return None
    return Decimal(str(found[0]["lat"])).quantize(Decimal("0.000001")), Decimal(str(found[0]["lon"])).quantize(Decimal("0.000001"))


async def geocode_job(ctx, limit: int = 200) -> dict:
    """Fill coordinates of the starting user's writable clients that have an address but none."""
    if not contacts_settings().geocoder_url:
        raise PermanentJobError("no geocoder configured (KLIENTELA_CONTACTS_GEOCODER_URL)")
    gate = await Gate.open(ctx.kernel, "contacts.client", ctx.principal)
    page = await gate.list(ListRequest(filters=[Filter("latitude", "isnull", "true")], limit=min(limit, 500)))
    done = skipped = 0
    for n, row in enumerate(page.rows, 1):
        address = row.get("address_actual") or row.get("address_legal")
        point = await geocode(address) if address else None
        if point is None:
            skipped += 1
            continue
        try:
            await gate.update(row["id"], {"latitude": point[0], "longitude": point[1]}, row["version"])
            done += 1
        except (Conflict, Invalid):
            skipped += 1
        await ctx.progress(n, len(page.rows), "geocoding")
    return {"geocoded": done, "skipped": skipped}


class MapScreens(Controller):
    path = "/contacts/map"
    opt = {"feature": "contacts.maps"}

    @get("/", opt={"permission": "contacts.client.read"}, name="contacts:map")
    async def show(self, request: Request) -> Template:
        gate = await Gate.open(request.app.state.kernel, "contacts.client", principal_of(request))
        found = await markers(gate, list_request(request.query_params))
        settings = contacts_settings()
        query = str(request.url.query or "")
        return Template("contacts/map/map.html", context={
            "markers_json": json.dumps(found, ensure_ascii=False), "count": len(found), "query": query,
            "tiles": settings.map_tile_url, "attribution": settings.map_attribution,
            "can_geocode": bool(settings.geocoder_url)})

    @post("/geocode", opt={"permission": "contacts.client.write"}, name="contacts:map-geocode")
    async def start_geocoding(self, request: Request) -> Redirect:
        from core.jobs import enqueue

        job = await enqueue(request.app.state.kernel, "contacts.geocode", {}, user_id=principal_of(request).user_id)
        return Redirect(f"/jobs/{job}", status_code=303)
