"""Deal lines: prices from the deal's price type, discounts from the rules (naming the rule), manual
discounts within the limit, exact totals on both engines, and never reached without the deal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core.permissions.errors import Invalid, NotFound
from core.testing.fixtures import custom_role
from plugins.sales.deals.lines import delete_line, read_lines, save_line
from plugins.sales.tests.deal_helpers import admin, client_row, deal, gate, mark, pipeline


@pytest.fixture
async def kernel(app_factory):
    # Rules are global: another test's active rule (a demo, a walk's sample) would change these amounts.
    from plugins.sales.discounts.testing import only_new_rules

    async with only_new_rules():
        yield app_factory().state.kernel


async def catalogue(kernel, *prices: str) -> tuple[dict, list[dict]]:
    """A price type and one product per price (in effect since yesterday)."""
    price_type = await (await gate(kernel, "sales.price_type")).create({"name": mark(), "purpose": "sale"})
    products = []
    for n, price in enumerate(prices):
        product = await (await gate(kernel, "sales.product")).create({"name": f"{mark()} product {n}", "sku": mark()})
        await (await gate(kernel, "sales.price")).create({"product": str(product["id"]), "price_type": str(price_type["id"]),
                                                          "effective_from": (date.today() - timedelta(days=1)).isoformat(),
                                                          "price": price})
        products.append(product)
    return price_type, products


async def a_deal(kernel, price_type, principal=None, client=None) -> dict:
    pipe, stages = await pipeline(kernel)
    return await deal(kernel, client or await client_row(kernel, principal=principal), pipe, stages[0], principal,
                      price_type=str(price_type["id"]))


async def test_two_lines_take_the_price_types_price_and_a_rule_discount_and_the_deal_sums_them(kernel):
    price_type, (laptop, cable) = await catalogue(kernel, "1000.00", "3.33")
    rule = await (await gate(kernel, "sales.discount_rule")).create({"name": f"{mark()} laptops", "percent": "5",
                                                                     "product": str(laptop["id"])})
    row = await a_deal(kernel, price_type)
    who = await admin()
    first = await save_line(kernel, who, row["id"], {"product": str(laptop["id"]), "quantity": "2"})
    assert (first.price, first.discount_percent, first.discount_amount, first.amount) == (
        Decimal("1000.00"), Decimal("5.00"), Decimal("100.00"), Decimal("1900.00"))
    assert first.discount_rule == str(rule["id"]) and first.discount_rule_name["en"] == rule["name"]
    await save_line(kernel, who, row["id"], {"product": str(cable["id"]), "quantity": "3"})
    deal_row, lines = await read_lines(kernel, who, row["id"])
    assert [x.amount for x in lines] == [Decimal("1900.00"), Decimal("9.99")]
    assert deal_row["amount"] == Decimal("1909.99") and deal_row["version"] > row["version"]
    # Edited, then removed: the total follows.
    await save_line(kernel, who, row["id"], {"product": str(cable["id"]), "quantity": "1"}, lines[1].id)
    assert (await read_lines(kernel, who, row["id"]))[0]["amount"] == Decimal("1903.33")
    await delete_line(kernel, who, row["id"], lines[0].id)
    assert (await read_lines(kernel, who, row["id"]))[0]["amount"] == Decimal("3.33")


async def test_bad_lines_are_refused_per_field_and_change_nothing(kernel):
    price_type, (laptop,) = await catalogue(kernel, "10.00")
    orphan = await (await gate(kernel, "sales.product")).create({"name": mark()})  # no price
    row = await a_deal(kernel, price_type)
    who = await admin()
    with pytest.raises(Invalid) as refused:
        await save_line(kernel, who, row["id"], {"product": "", "quantity": "0", "price": "1.234", "vat_rate": "99"})
    assert set(refused.value.errors) == {"product", "quantity", "price", "vat_rate"}
    with pytest.raises(Invalid) as refused:
        await save_line(kernel, who, row["id"], {"product": str(orphan["id"]), "quantity": "1"})
    assert "type the price" in refused.value.errors["price"]
    assert (await read_lines(kernel, who, row["id"]))[1] == []


async def test_a_manual_discount_over_the_limit_needs_the_permission(kernel, make_user):
    price_type, (laptop,) = await catalogue(kernel, "100.00")
    seller = await make_user(roles=["sales_manager"], team=mark())
    from core.auth.principals import principal_for_user

    principal = await principal_for_user(seller.id)
    row = await a_deal(kernel, price_type, principal)
    with pytest.raises(Invalid) as refused:
        await save_line(kernel, principal, row["id"], {"product": str(laptop["id"]), "quantity": "1", "discount_percent": "50"})
    assert "permission" in refused.value.errors["discount_percent"]
    line = await save_line(kernel, principal, row["id"], {"product": str(laptop["id"]), "quantity": "1", "discount_percent": "7"})
    assert line.discount_manual and line.amount == Decimal("93.00") and line.discount_rule is None


async def test_lines_are_out_of_reach_of_whoever_cannot_reach_the_deal(kernel, make_user, client_as):
    from core.auth.principals import principal_for_user

    price_type, (laptop,) = await catalogue(kernel, "5.00")
    row = await a_deal(kernel, price_type)
    who = await admin()
    line = await save_line(kernel, who, row["id"], {"product": str(laptop["id"]), "quantity": "1"})
    stranger = await make_user(roles=["sales_manager"], team=mark())  # team scope: not the admin's deal
    reader_role = await custom_role({"sales.deal.read": "all", "sales.product.read": "all"})
    reader = await make_user(roles=[reader_role.key])
    for user in (stranger, reader):
        principal = await principal_for_user(user.id)
        with pytest.raises(NotFound):
            await save_line(kernel, principal, row["id"], {"product": str(laptop["id"]), "quantity": "1"})
        with pytest.raises(NotFound):
            await delete_line(kernel, principal, row["id"], line.id)
    with pytest.raises(NotFound):
        await read_lines(kernel, await principal_for_user(stranger.id), row["id"])
    assert [x.id for x in (await read_lines(kernel, await principal_for_user(reader.id), row["id"]))[1]] == [line.id]
    async with client_as(stranger) as c:
        assert (await c.get(f"/sales/api/deals/{row['id']}/lines")).status_code == 404
        assert (await c.get(f"/sales/deals/{row['id']}/lines")).status_code == 404
    async with client_as(reader) as c:
        got = await c.get(f"/sales/api/deals/{row['id']}/lines")
        assert got.status_code == 200 and got.json()["lines"][0]["amount"] == "5.00"
        assert (await c.delete(f"/sales/api/deals/{row['id']}/lines/{line.id}")).status_code == 404


async def test_the_api_adds_edits_and_removes_a_line(kernel, client):
    price_type, (laptop,) = await catalogue(kernel, "12.50")
    row = await a_deal(kernel, price_type)
    base = f"/sales/api/deals/{row['id']}/lines"
    added = await client.post(base, json={"product": str(laptop["id"]), "quantity": "4"})
    assert added.status_code == 201, added.text
    assert added.json()["amount"] == "50.00" and added.json()["product_title"] == laptop["name"]
    bad = await client.post(base, json={"product": str(laptop["id"]), "quantity": "-1", "id": "x"})
    assert bad.status_code == 400 and "id" in bad.json()["errors"]
    bad = await client.post(base, json={"product": str(laptop["id"]), "quantity": "-1"})
    assert bad.status_code == 422 and "quantity" in bad.json()["errors"]
    changed = await client.patch(f"{base}/{added.json()['id']}", json={"quantity": "2", "price": "10"})
    assert changed.status_code == 200 and changed.json()["amount"] == "20.00"
    assert (await client.get(f"/api/sales/deal/{row['id']}")).json()["amount"] == "20.00"
    assert (await client.delete(f"{base}/{added.json()['id']}")).status_code == 204
    assert (await client.get(base)).json()["lines"] == []


QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3)
PRICES = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2)
PERCENTS = st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2))


@pytest.fixture
async def property_deal(kernel):
    price_type, (product,) = await catalogue(kernel, "1.00")
    return kernel, product, await a_deal(kernel, price_type)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(QUANTITIES, PRICES, PERCENTS), min_size=1, max_size=4))
async def test_the_deal_amount_is_exactly_the_sum_of_its_lines(property_deal, lines):
    from decimal import ROUND_HALF_UP

    kernel, product, row = property_deal
    who = await admin()
    _deal, stored = await read_lines(kernel, who, row["id"])
    for line in stored:
        await delete_line(kernel, who, row["id"], line.id)
    for quantity, price, percent in lines:
        data = {"product": str(product["id"]), "quantity": str(quantity), "price": str(price)}
        if percent is not None:
            data["discount_percent"] = str(percent)
        await save_line(kernel, who, row["id"], data)
    deal_row, stored = await read_lines(kernel, who, row["id"])
    cent = Decimal("0.01")
    expected = [(q * p).quantize(cent, ROUND_HALF_UP) - ((q * p * (pc or 0) / 100).quantize(cent, ROUND_HALF_UP))
                for q, p, pc in lines]
    assert [x.amount for x in stored] == expected
    assert deal_row["amount"] == sum(expected, Decimal("0.00"))
    assert str(deal_row["amount"]) == str(sum(expected, Decimal("0.00")))  # two places, as the API writes it
