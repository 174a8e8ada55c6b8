"""The rule entity: what a rule may say (checks on save), its screens, the demo rules."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.permissions.errors import Invalid

D = Decimal


async def refused(world, **values) -> dict:
    with pytest.raises(Invalid) as caught:
        await world.rule("Bad", values.pop("percent", "5"), **values)
    return caught.value.errors


async def test_a_client_field_is_typed_by_its_label_and_a_choice_by_its_label(world):
    rule = await world.rule("Labels", "5", client_field="Важность", client_field_value="High (A)")
    assert (rule["client_field"], rule["client_field_value"]) == ("importance", "high")
    rule = await world.rule("Names", "5", client_field="region", client_field_value="Kazan")
    assert (rule["client_field"], rule["client_field_value"]) == ("region", "Kazan")


@pytest.mark.parametrize("values, field", [
    ({"client_field": "no_such_field", "client_field_value": "x"}, "client_field"),
    ({"client_field": "importance", "client_field_value": "Platinum"}, "client_field_value"),
    ({"client_field": "birthday", "client_field_value": "yesterday"}, "client_field_value"),
    ({"client_field": "importance"}, "client_field_value"),
    ({"client_field_value": "high"}, "client_field"),
    ({"client_filter": "no_such_field=1"}, "client_filter"),
    ({"client_filter": "region__sideways=Kazan"}, "client_filter"),
    ({"valid_from": date(2026, 3, 2), "valid_to": date(2026, 3, 1)}, "valid_to"),
    ({"percent": "5.125"}, "percent"),
    ({"percent": "100.5"}, "percent"),
    ({"min_quantity": D("1.0005")}, "min_quantity"),
])
async def test_a_rule_that_cannot_be_judged_is_refused_with_the_field_to_fix(world, values, field):
    assert field in await refused(world, **values)


async def test_a_segment_may_be_pasted_as_the_client_lists_address(world):
    rule = await world.rule("Pasted", "5", client_filter="https://crm.example/contacts/client/?region__contains=Kazan&importance=high")
    assert rule["client_filter"] == "region__contains=Kazan&importance=high"


async def test_an_update_is_checked_against_the_stored_rule(world):
    rule = await world.rule("March", "5", valid_from=date(2026, 3, 1))
    gate = await world.gate("sales.discount_rule")
    with pytest.raises(Invalid) as caught:
        await gate.update(rule["id"], {"valid_to": date(2026, 2, 1)}, rule["version"])
    assert "valid_to" in caught.value.errors


async def test_the_rule_screens_read_as_words(world, client):
    tools = await world.category("Tools")
    rule = await world.rule("Key clients tools", "7", importance="high", client_type="partner", category=tools["id"],
                            min_quantity=D("10"), client_filter="region__contains=Kazan", valid_from=date(2026, 3, 1))
    listing = (await client.get("/sales/discount_rule/")).text
    assert rule["name"] in listing and "High (A)" in listing and tools["name"] in listing
    page = await client.get(f"/sales/discount_rule/{rule['id']}")
    assert page.status_code == 200
    for text in (rule["name"], "High (A)", "Partner", tools["name"], "For which clients", "On what",
                 # the panel that tells the rule in words: labels, not codes
                 "The rule in words", "7 % off each line", "Importance is “High (A)”", "Region contains “Kazan”",
                 f"Products of the category “{tools['name']}” and its subcategories", "Quantity in the line at least 10",
                 "From Mar 1, 2026 on"):
        assert text in html.unescape(page.text), text
    assert (await client.get("/sales/discount_rule/new")).status_code == 200


async def test_the_demo_rules_are_loaded_once_in_the_instances_language(world):
    from plugins.sales.discounts.demo import RULES, load
    from plugins.sales.discounts.tables import DiscountRule

    names = [names["en"] for names, _ in RULES]
    await DiscountRule.delete().where(DiscountRule.name.is_in(names))
    assert await load(world.kernel) == 3
    assert await load(world.kernel) == 0
    rows = await DiscountRule.select().where(DiscountRule.name.is_in(names))
    by_name = {r["name"]: r for r in rows}
    assert by_name["Key clients (importance A) 7 %"]["importance"] == "high"
    assert D(str(by_name["Wholesale from 10 pcs 5 %"]["min_quantity"])) == D("10")
    await DiscountRule.delete().where(DiscountRule.name.is_in(names))  # no other test should meet them


TYPED = st.lists(st.sampled_from(list("region_=&?%_:/.,«»Кa1 \\'\"") + ["__contains", "__in", "__isnull", "importance"]),
                 max_size=12).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=TYPED, field=TYPED, value=TYPED)
async def test_whatever_is_typed_into_the_client_conditions_is_saved_or_refused_never_a_server_error(client, segment, field, value):
    answer = await client.post("/api/sales/discount_rule", json={
        "name": "Typed", "percent": "1", "active": False, "client_filter": segment, "client_field": field,
        "client_field_value": value})
    assert answer.status_code in (201, 400, 422), (answer.status_code, answer.text[:300])
