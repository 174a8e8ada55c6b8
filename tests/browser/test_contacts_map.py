"""The client map in Chromium: the map has a height (it was 0 px, hiding every marker),
each client with coordinates is a visible marker, and axe passes in light and dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_map_is_tall_enough_to_show_every_marker(admin_context, scheme):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    points = [(55.75, 37.62), (59.93, 30.31), (56.84, 60.60)]
    for n, (lat, lon) in enumerate(points):
        api.create(CLIENTS, name=f"{m} Point {n}", latitude=str(lat), longitude=str(lon))
    page.emulate_media(color_scheme=scheme)
    page.goto(f"/contacts/map/?q={m}")
    expect(page.locator("#map-count")).to_have_text(str(len(points)))
    box = page.locator("#client-map").bounding_box()
    assert box["height"] >= 250, box  # was 0
    markers = page.locator("#client-map path.leaflet-interactive")
    expect(markers).to_have_count(len(points))
    for n in range(len(points)):
        shape = markers.nth(n).bounding_box()
        assert shape and shape["width"] > 0 and box["y"] <= shape["y"] <= box["y"] + box["height"], (shape, box)
    found = axe_violations(page)
    assert found == [], describe(found)
