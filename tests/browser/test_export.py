"""Issue 14, item 7 in a real browser: the list's export buttons POST a form (with the
CSRF token) and the file downloads; a plain link only shows the export page, which is
axe-clean in light and dark and fits a 390 px screen."""

from __future__ import annotations

import pytest

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe


def test_the_list_export_button_downloads_the_view(admin_page):
    tag = marker()
    Api(admin_page).create(CLIENTS, name=f"{tag} Exported;=cmd|' /C calc'!A0")
    admin_page.goto(f"{CLIENTS}/?q={tag}")
    with admin_page.expect_download() as download:
        admin_page.locator(".list-bar").get_by_role("button", name="Export CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert f"\"{tag} Exported;=cmd|' /C calc'!A0\"" in text  # quoted: one cell with either list separator


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_export_page_is_accessible_and_fits_a_phone(admin_context, scheme):
    use_axe(admin_context)
    page = admin_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme=scheme)
    response = page.goto("/export/contacts/client?format=xlsx&q=nothing-matches")
    assert response.status == 200 and page.get_by_role("button", name="Export").is_visible()
    found = axe_violations(page)
    assert found == [], describe(found)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
