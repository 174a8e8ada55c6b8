"""The discount rules' screens (core's entity UI for sales.discount_rule): a rule typed in the form
reads as words on its page; list, form and record page axe-clean in light and dark, and fit 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Api, axe_violations, describe, marker, use_axe

RULES = "/sales/discount_rule"


@pytest.fixture(scope="module")
def rule_id(browser, browser_context_args, admin_state) -> str:
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    page = context.new_page()
    row = Api(page).create(RULES, name=f"{marker()} Key partners", percent="7.5", importance="high",
                           client_type="partner", client_filter="region__contains=Kazan", min_quantity="10",
                           valid_from="2026-03-01", valid_to="2026-03-31", active=False)
    context.close()
    return row["id"]


def test_a_rule_typed_in_the_form_reads_as_words(admin_page):
    m = marker()
    admin_page.goto(f"{RULES}/new")
    form = admin_page.locator("main form").filter(has=admin_page.locator("[name=percent]"))
    form.locator("[name=name]").fill(f"{m} Wholesale")
    form.locator("[name=percent]").fill("5")
    form.locator("[name=active]").uncheck()  # a test rule must not discount others' deals
    form.locator("[name=importance]").select_option(label="High (A)")
    form.locator("[name=client_field]").fill("Region")
    form.locator("[name=client_field_value]").fill("Kazan")
    form.locator("[name=min_quantity]").fill("10")
    form.locator("button[type=submit]").last.click()
    admin_page.wait_for_load_state()
    words = admin_page.locator(".sales-discount-words")
    expect(words).to_contain_text("5 % off each line")
    expect(words).to_contain_text("Importance is “High (A)”")
    expect(words).to_contain_text("Region is “Kazan”")
    expect(words).to_contain_text("Quantity in the line at least 10")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_rule_screens_are_axe_clean_and_fit_a_phone(admin_context, scheme, rule_id):
    use_axe(admin_context)
    page = admin_context.new_page()
    page.emulate_media(color_scheme=scheme)
    for path in (f"{RULES}/", f"{RULES}/new", f"{RULES}/{rule_id}", f"{RULES}/{rule_id}/edit"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 844})
            assert page.goto(path).status == 200, path
            found = axe_violations(page)
            assert found == [], f"axe on {path} at {width} px ({scheme}):\n{describe(found)}"
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 391, path
