"""Issue 15, item 6 in a real browser: on the mapping screen of a workbook as offices save it,
the user sees what was guessed and left out, chooses another sheet and the header row, and
the columns follow; the screen is axe-clean in light and dark and fits a 390 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, describe, use_axe
from tests.dataio.office_files import messy_xlsx


def _upload(page, tmp_path) -> str:
    path = messy_xlsx(tmp_path / "clients.xlsx")
    page.goto("/import/contacts/client/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Import: clients.xlsx")).to_be_visible()
    return page.url


def test_choosing_the_sheet_and_the_header_row(admin_page, tmp_path):
    page = admin_page
    _upload(page, tmp_path)
    notes = page.locator('[data-reading="notes"]')
    expect(notes).to_contain_text("Справка")  # the other sheet, said
    expect(notes).to_contain_text("Код")  # the hidden column, said, and not taken as the key
    expect(notes).to_contain_text("lines 3 and 4")
    assert page.locator("#key").input_value() != "@key"
    expect(page.locator(".import-preview")).to_contain_text("ООО «Альфа»")
    phone = page.get_by_label("Контакты / Телефон", exact=True)
    expect(phone).to_have_value("phone")  # the joined header, mapped by its own row

    page.get_by_label("Sheet", exact=True).select_option("Справка")
    page.get_by_role("button", name="Read again").click()
    expect(page.get_by_label("Источник", exact=True)).to_be_visible()
    expect(page.locator('[data-reading="notes"]')).to_contain_text("Клиенты")

    page.get_by_label("Sheet", exact=True).select_option("Клиенты")
    page.get_by_label("Header row (line in the file)").fill("4")
    page.get_by_label("The header spans").select_option("1")
    page.get_by_role("button", name="Read again").click()
    expect(page.get_by_label("Телефон", exact=True)).to_be_visible()  # line 4 alone is the header now
    expect(page.get_by_label("Header row (line in the file)")).to_have_value("4")

    page.get_by_label("Header row (line in the file)").fill("3")
    page.get_by_label("The header spans").select_option("2")
    page.get_by_label("Read hidden columns too").check()
    page.get_by_role("button", name="Read again").click()
    expect(page.get_by_label("Код", exact=True)).to_be_visible()  # asked for: read, and offered as the source key
    expect(page.get_by_label("Контакты / Email", exact=True)).to_have_value("email")

    page.get_by_label("Header row (line in the file)").fill("x")
    page.get_by_role("button", name="Read again").click()
    expect(page.locator("#header_row-error")).to_contain_text("line number")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_mapping_screen_is_accessible_and_fits_a_phone(admin_context, tmp_path, scheme):
    use_axe(admin_context)
    page = admin_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme=scheme)
    _upload(page, tmp_path)
    found = axe_violations(page)
    assert found == [], describe(found)
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391
        ).map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
