"""Exact amounts (a property), the manual limit, and rules read through the gate."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.i18n import use_locale
from core.permissions.principal import Principal
from plugins.sales.discounts.engine import OVER_LIMIT, LineInput, discounts_for, gross, manual_discount_refusal
from plugins.sales.discounts.settings import DiscountSettings
from plugins.sales.discounts.tests.conftest import everyone

D = Decimal
DAY = date(2026, 6, 15)
QUANTITIES = st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3)
PRICES = st.decimals(min_value=D("0.00"), max_value=D("10000000"), places=2)
PERCENTS = st.decimals(min_value=D("0.00"), max_value=D("100"), places=2)


@pytest.fixture
async def priced(world):
    """A product with a 33.33 % rule, for the property below (written once per test, not per example)."""
    product = await world.product("Property")
    await world.rule("Third", "33.33", product=product["id"])
    return world, await world.client(), product


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quantity=QUANTITIES, price=PRICES, manual=PERCENTS)
async def test_a_discount_never_exceeds_its_line_and_is_exactly_rounded(priced, quantity, price, manual):
    world, client, product = priced
    lines = [LineInput(product["id"], quantity, price), LineInput(product["id"], quantity, price, manual_percent=manual)]
    automatic, typed = await discounts_for(world.kernel, world.admin, client=client, lines=lines, on=DAY)
    for found, percent in ((automatic, D("33.33")), (typed, manual)):
        assert found.percent == percent
        assert found.amount == (quantity * price * percent / 100).quantize(D("0.01"), ROUND_HALF_UP)
        assert D(0) <= found.amount <= gross(lines[0])
        assert found.amount.as_tuple().exponent == -2


@pytest.mark.parametrize("percent, may_exceed, refused", [
    (D("10"), False, False), (D("10.01"), False, True), (D("10.01"), True, False), (D("100"), True, False),
    (D("100.01"), True, True), (D("-1"), True, True),
])
def test_a_manual_discount_over_the_limit_needs_the_permission(percent, may_exceed, refused):
    principal = Principal(user_id=None, grants={OVER_LIMIT: "all"} if may_exceed else {})
    assert (manual_discount_refusal(principal, percent, DiscountSettings(manual_limit=D("10"))) is not None) == refused


def test_the_refusal_is_in_the_users_language(app_factory):
    catalogs = app_factory().state.catalogs  # the plugin's translations with core's
    principal = Principal(user_id=None, language="ru")
    with use_locale("ru", catalogs):
        reason = manual_discount_refusal(principal, D("15"), DiscountSettings(manual_limit=D("12.5")))
    assert "12.5 %" in reason and "скидк" in reason.casefold(), reason
    with use_locale("en", catalogs):
        assert "12.5 %" in manual_discount_refusal(principal, D("15"), DiscountSettings(manual_limit=D("12.5")))


async def test_a_user_who_may_not_read_rules_gets_none_and_learns_no_name(world):
    client, product = await world.client(), await world.product("Secret")
    await world.rule("Confidential partner terms", "20", product=product["id"])
    lines = [LineInput(product["id"], D("1"), D("100.00"))]
    no_rules = everyone(world.kernel)
    no_rules = Principal(user_id=no_rules.user_id, grants={k: v for k, v in no_rules.grants.items()
                                                          if not k.startswith("sales.discount_rule.")})
    [found] = await discounts_for(world.kernel, no_rules, client=client, lines=lines, on=DAY)
    assert (found.percent, found.rule_id, found.rule_name) == (D("0.00"), None, None)


async def test_a_hidden_rule_name_is_not_told_and_a_hidden_condition_applies_nothing(world):
    client, product = await world.client(), await world.product("Masked")
    rule = await world.rule("Confidential partner terms", "20", product=product["id"])
    lines = [LineInput(product["id"], D("1"), D("100.00"))]
    nameless = everyone(world.kernel, **{"sales.discount_rule": ["name"]})
    [found] = await discounts_for(world.kernel, nameless, client=client, lines=lines, on=DAY)
    assert (found.percent, found.rule_id, found.rule_name) == (D("20.00"), rule["id"], None)
    # Were the product condition hidden, the rule could not be judged: it must not apply everywhere.
    blind = everyone(world.kernel, **{"sales.discount_rule": ["product"]})
    [found] = await discounts_for(world.kernel, blind, client=client, lines=lines, on=DAY)
    assert (found.percent, found.rule_id, found.rule_name) == (D("0.00"), None, None)


async def test_a_segment_on_a_client_field_the_user_may_not_read_does_not_apply(world):
    client, product = await world.client(region="Kazan"), await world.product("Regional")
    await world.rule("Kazan", "5", product=product["id"], client_filter="region=Kazan")
    lines = [LineInput(product["id"], D("1"), D("100.00"))]
    assert (await discounts_for(world.kernel, world.admin, client=client, lines=lines, on=DAY))[0].percent == D("5.00")
    regionless = everyone(world.kernel, **{"contacts.client": ["region"]})
    assert (await discounts_for(world.kernel, regionless, client=client, lines=lines, on=DAY))[0].percent == D("0.00")


async def test_stock_grants_sellers_read_rules_and_only_the_head_of_sales_keeps_them(world):
    from core.permissions.roles import default_grants

    grants = default_grants(world.kernel)
    seller, head = grants["sales_manager"], grants["head_of_sales"]
    assert seller["sales.discount_rule.read"] == "all"
    assert not any(seller.get(f"sales.discount_rule.{a}") for a in ("create", "write", "delete", "restore", "import"))
    assert OVER_LIMIT not in seller
    assert seller["sales.deal.create"] == "own" and seller["sales.deal.read"] == "team"  # the rest of sales unchanged
    assert all(head[f"sales.discount_rule.{a}"] == "all" for a in ("read", "create", "write", "delete"))
    assert head[OVER_LIMIT] == "all"
