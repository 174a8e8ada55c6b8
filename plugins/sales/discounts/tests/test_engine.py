"""Automatic discounts: every condition, every combination, the period's edges, exact amounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from plugins.sales.discounts.engine import LineDiscount, LineInput, discounts_for
from plugins.sales.discounts.settings import DiscountSettings

DAY = date(2026, 6, 15)
D = Decimal


async def one_line(world, client, product, quantity="1", price="100.00", on=DAY, combination="max", principal=None,
                   others=()) -> LineDiscount:
    lines = [LineInput(product["id"], D(quantity), D(price)), *others]
    found = await discounts_for(world.kernel, principal or world.admin, client=client, lines=lines, on=on,
                                settings=DiscountSettings(combination=combination))
    assert len(found) == len(lines)
    return found[0]


# Each condition: the rule's conditions, then what makes a line match and what makes it miss.
# ``setup`` returns (rule conditions, matching (client, product, quantity, price), missing (...)).
async def by_client_type(world):
    product = await world.product("Nails")
    return ({"client_type": "partner"},
            (await world.client(client_type="partner"), product, "1", "100"),
            (await world.client(client_type="customer"), product, "1", "100"))


async def by_importance(world):
    product = await world.product("Screws")
    return ({"importance": "high"},
            (await world.client(importance="high"), product, "1", "100"),
            (await world.client(importance="low"), product, "1", "100"))


async def by_segment(world):
    product = await world.product("Bolts")
    return ({"client_filter": f"region__contains=Kazan&name__startswith=Client {world.tag}"},
            (await world.client(region="Kazan city"), product, "1", "100"),
            (await world.client(region="Omsk"), product, "1", "100"))


async def by_category_subtree(world):
    tools = await world.category("Tools")
    drills = await world.category("Drills", parent=tools)
    cordless = await world.category("Cordless", parent=drills)
    client = await world.client()
    return ({"category": tools["id"]},
            (client, await world.product("Drill X", category=cordless), "1", "100"),
            (client, await world.product("Paint", category=await world.category("Paints")), "1", "100"))


async def by_quantity(world):
    client, product = await world.client(), await world.product("Bricks")
    return ({"min_quantity": D("10")}, (client, product, "10", "5"), (client, product, "9.999", "5"))


async def by_line_amount(world):
    client, product = await world.client(), await world.product("Cement")
    return ({"min_line_amount": D("1000.00")}, (client, product, "4", "250"), (client, product, "3", "333.33"))


CONDITIONS = [by_client_type, by_importance, by_segment, by_category_subtree, by_quantity, by_line_amount]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda f: f.__name__)
async def test_a_rule_applies_where_its_condition_holds_and_nowhere_else(world, condition):
    conditions, hit, miss = await condition(world)
    rule = await world.rule("Condition", "5", **conditions)
    found = await one_line(world, *hit)
    assert (found.percent, found.rule_id, found.rule_name["en"], found.manual) == (D("5.00"), rule["id"], rule["name"], False)
    assert (await one_line(world, *miss)) == LineDiscount(D("0.00"), D("0.00"), None, None, False)


async def test_a_product_rule_applies_to_that_product_only(world):
    client, glue, tape = await world.client(), await world.product("Glue"), await world.product("Tape")
    await world.rule("Glue", "4", product=glue["id"])
    assert (await one_line(world, client, glue)).percent == D("4.00")
    assert (await one_line(world, client, tape)).percent == D("0.00")


async def test_a_client_custom_field_and_value(world):
    from core.custom_fields.definitions import create_field, purge_field, retire_field

    name = f"tier_{world.tag}"
    await create_field("contacts.client", name, "choice", "Tier", "Уровень", kernel=world.kernel,
                       choices=["gold", "silver"])
    try:
        product = await world.product("Cable")
        await world.rule("Gold tier", "6", client_field=name, client_field_value="gold")
        assert (await one_line(world, await world.client(**{name: "gold"}), product)).percent == D("6.00")
        assert (await one_line(world, await world.client(**{name: "silver"}), product)).percent == D("0.00")
        assert (await one_line(world, await world.client(), product)).percent == D("0.00")
    finally:
        await retire_field("contacts.client", name, kernel=world.kernel)
        await purge_field("contacts.client", name, kernel=world.kernel)


async def test_the_document_threshold_counts_every_line(world):
    client, big, small = await world.client(), await world.product("Big"), await world.product("Small")
    await world.rule("Large order", "3", min_document_amount=D("500000.00"), product=small["id"])
    alone = await one_line(world, client, small, "1", "100.00")
    assert alone.percent == D("0.00")
    # The small line alone is 100.00; with a 499 900.00 line the document reaches 500 000.00 exactly.
    together = await one_line(world, client, small, "1", "100.00", others=[LineInput(big["id"], D("1"), D("499900.00"))])
    assert (together.percent, together.amount) == (D("3.00"), D("3.00"))
    short = await one_line(world, client, small, "1", "100.00", others=[LineInput(big["id"], D("1"), D("499899.99"))])
    assert short.percent == D("0.00")


@pytest.mark.parametrize("on, applies", [
    (date(2026, 3, 1) - timedelta(days=1), False), (date(2026, 3, 1), True), (date(2026, 3, 31), True),
    (date(2026, 3, 31) + timedelta(days=1), False),
])
async def test_the_period_includes_both_ends(world, on, applies):
    client, product = await world.client(), await world.product("Seasonal")
    await world.rule("March", "8", valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31), product=product["id"])
    await world.rule("From April", "9", valid_from=date(2026, 4, 1), product=product["id"])
    await world.rule("Until February", "2", valid_to=date(2026, 2, 28), product=product["id"])
    found = await one_line(world, client, product, on=on)
    expected = {date(2026, 2, 28): D("2.00"), date(2026, 4, 1): D("9.00")}.get(on, D("8.00") if applies else D("0.00"))
    assert found.percent == expected


async def test_an_inactive_rule_never_applies(world):
    client, product = await world.client(), await world.product("Old")
    await world.rule("Switched off", "50", product=product["id"], active=False)
    assert (await one_line(world, client, product)).percent == D("0.00")


# Three rules on one line: 5 % (priority 1), 7 % (priority 0), 3 % (priority 1).
@pytest.mark.parametrize("combination, percent, named", [
    ("max", D("7.00"), "Seven"), ("sum", D("15.00"), "Seven"), ("priority", D("5.00"), "Five"),
])
async def test_combination_modes(world, combination, percent, named):
    client, product = await world.client(), await world.product("Combined")
    await world.rule("Five", "5", priority=1, product=product["id"])
    await world.rule("Seven", "7", priority=0, product=product["id"])
    await world.rule("Three", "3", priority=1, product=product["id"])
    found = await one_line(world, client, product, "3", "33.33", combination=combination)
    assert (found.percent, found.rule_name["ru"]) == (percent, f"{named} {world.tag}")
    assert found.amount == (D("3") * D("33.33") * percent / 100).quantize(D("0.01"), ROUND_HALF_UP)


async def test_the_sum_stops_at_100_percent(world):
    client, product = await world.client(), await world.product("Free")
    for n in range(3):
        await world.rule(f"Big {n}", "40", product=product["id"])
    found = await one_line(world, client, product, "2", "10.01", combination="sum")
    assert (found.percent, found.amount) == (D("100.00"), D("20.02"))


async def test_a_manual_discount_replaces_the_automatic_one(world):
    client, product = await world.client(), await world.product("Haggled")
    await world.rule("Automatic", "5", product=product["id"])
    lines = [LineInput(product["id"], D("2"), D("10.05"), manual_percent=D("12.5")), LineInput(product["id"], D("1"), D("10.00"))]
    manual, automatic = await discounts_for(world.kernel, world.admin, client=client, lines=lines, on=DAY)
    assert manual == LineDiscount(D("12.50"), D("2.51"), None, None, True)
    assert (automatic.percent, automatic.manual) == (D("5.00"), False)
