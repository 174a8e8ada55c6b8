"""The sales funnel page in Chromium: norms and deviation highlighted (and said in words), the
chart's "Show as a table", the reverse funnel; axe clean in light and dark, usable at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe

OPEN = (("Assessment", 100), ("Preparation", 95), ("Presentation", 70), ("Proposal", 65), ("Waiting", 50),
        ("Contract", 48), ("Closing", 40))
# How many deals stand on each stage now (the funnel counts a deal on every stage up to its own).
STANDING = {"Assessment": 3, "Preparation": 1, "Presentation": 2, "Closing": 1, "Won": 3}


@pytest.fixture(scope="module")
def pipeline(browser, browser_context_args, admin_state):
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    api = Api(context.new_page())
    m = marker()
    pipe = api.create("/sales/pipeline", name=f"{m} Funnel", position=0)
    stages = {}
    for i, (name, norm) in enumerate(OPEN):
        stages[name] = api.create("/sales/stage", name=name, pipeline=pipe["id"], position=10 * (i + 1), outcome="open",
                                  probability=10 * i, norm=str(norm))
    stages["Won"] = api.create("/sales/stage", name="Won", pipeline=pipe["id"], position=100, outcome="won", probability=100,
                               norm="35")
    client = api.create(CLIENTS, name=f"{m} Buyer")
    for name, count in STANDING.items():
        for i in range(count):
            api.create("/sales/deal", name=f"{m} {name} {i}", client=client["id"], pipeline=pipe["id"],
                       stage=stages[name]["id"], currency="RUB", expected_close="2030-05-20", probability=50)
    yield pipe
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_funnel_page_with_norms_and_deviation(admin_context, pipeline, scheme):
    use_axe(admin_context)
    page = admin_context.new_page()
    page.emulate_media(color_scheme=scheme)
    response = page.goto(f"/sales/funnel/?pipeline={pipeline['id']}")
    assert response.status == 200
    table = page.locator("table.funnel-table").first
    # 10 deals: all reached Assessment, 7 Preparation, 6 Presentation, 4 Proposal to Closing, 3 won.
    rows = {name: table.locator("tr", has=page.locator(f'th[scope="row"]:text-is("{name}")')) for name, _ in OPEN}
    expect(rows["Assessment"].locator("td").nth(1)).to_have_text("100.0%")
    expect(rows["Preparation"].locator("td").nth(1)).to_have_text("70.0%")
    expect(rows["Preparation"]).to_have_class("below-norm")  # 70 % against a norm of 95 %
    expect(rows["Preparation"].locator("td").nth(4)).to_contain_text("-25.0")
    expect(rows["Preparation"].locator("td").nth(4)).to_contain_text("below the norm")
    expect(rows["Presentation"].locator("td").nth(1)).to_have_text("60.0%")
    expect(rows["Closing"].locator("td").nth(1)).to_have_text("40.0%")
    expect(rows["Closing"]).not_to_have_class("below-norm")  # 40 % against a norm of 40 %
    expect(rows["Closing"].locator("td").nth(4)).to_have_text("0.0\u00a0pp")
    # The chart, and the same numbers as a table for who prefers them.
    expect(page.get_by_role("img", name="Funnel")).to_be_visible()
    page.get_by_text("Show as a table").click()
    expect(page.locator(".chart-table table")).to_be_visible()
    found = axe_violations(page)
    assert found == [], f"axe on the funnel page ({scheme}):\n{describe(found)}"
    # A phone: the page does not scroll sideways; the wide tables scroll in their own regions.
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392)
        .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + getComputedStyle(e.parentElement).overflowX + ' ' + e.parentElement.className)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, wide
    expect(page.get_by_role("button", name="Show")).to_be_visible()
    found = axe_violations(page)
    assert found == [], f"axe on the funnel page at 390 px ({scheme}):\n{describe(found)}"
