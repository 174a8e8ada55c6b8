"""Properties per category: a custom field of products attached to "Laptops" shows and takes values only on
products of Laptops and its subcategories — on the pages and forms, and on every channel (API here)."""

from __future__ import annotations

import pytest

from core.custom_fields.definitions import create_field, purge_field, retire_field
from core.permissions.errors import Invalid
from core.permissions.gate import Gate
from plugins.sales.catalog.tables import CategoryProperty


@pytest.fixture
async def screen(kernel, catalog):
    name = f"screen_{catalog.marker}"
    await create_field("sales.product", name, "decimal", "Screen, inches", "Диагональ, дюймы", kernel=kernel, min_value="1")
    yield name
    # The session database is shared: other tests' products must not keep this field.
    await CategoryProperty.delete().where(CategoryProperty.field == name)
    await retire_field("sales.product", name, kernel=kernel)
    await purge_field("sales.product", name, kernel=kernel)


async def test_a_property_applies_to_its_category_and_below_only(kernel, catalog, client, screen):
    computers = await catalog.category("Computers")
    laptops = await catalog.category("Laptops", computers)
    gaming = await catalog.category("Gaming laptops", laptops)
    kitchen = await catalog.category("Kitchen")
    attached = await client.post(f"/sales/category/{laptops['id']}/properties", data={"field": screen})
    assert attached.status_code == 303
    assert (await client.post(f"/sales/category/{laptops['id']}/properties", data={"field": "nope"})).status_code == 400
    # On every channel: the API takes the value on a gaming laptop (a subcategory) and refuses it on a kettle.
    laptop = await client.post("/api/sales/product", json={"name": f"Laptop {catalog.marker}", "category": str(gaming["id"]),
                                                           screen: "15.6"})
    assert laptop.status_code == 201, laptop.text
    laptop = laptop.json()
    kettle = await client.post("/api/sales/product", json={"name": f"Kettle {catalog.marker}", "category": str(kitchen["id"]),
                                                           screen: "7"})
    assert kettle.status_code in (400, 422) and "Laptops" in kettle.text, kettle.text
    kettle = (await client.post("/api/sales/product", json={"name": f"Kettle {catalog.marker}",
                                                            "category": str(kitchen["id"])})).json()
    # The type's own rules still hold where it applies.
    assert (await client.patch(f"/api/sales/product/{laptop['id']}", json={screen: "0"},
                               headers={"If-Match": f'"{laptop["version"]}"'})).status_code in (400, 422)
    # Pages and forms show it where it applies, and only there.
    assert "<dt>Screen, inches</dt>" in (await client.get(f"/sales/product/{laptop['id']}")).text
    assert "<dt>Screen, inches</dt>" not in (await client.get(f"/sales/product/{kettle['id']}")).text
    assert f'name="{screen}"' in (await client.get(f"/sales/product/{laptop['id']}/edit")).text
    assert f'name="{screen}"' not in (await client.get(f"/sales/product/{kettle['id']}/edit")).text
    assert f'name="{screen}"' in (await client.get(f"/sales/product/new?category={gaming['id']}")).text
    assert f'name="{screen}"' not in (await client.get("/sales/product/new")).text
    # Moving the laptop to the kitchen keeps its value, hidden; back in Laptops it shows again.
    gate = await Gate.open(kernel, "sales.product", catalog.principal)
    moved = await gate.update(laptop["id"], {"category": str(kitchen["id"])}, laptop["version"])
    assert "<dt>Screen, inches</dt>" not in (await client.get(f"/sales/product/{laptop['id']}")).text
    back = await gate.update(laptop["id"], {"category": str(laptops["id"])}, moved["version"])
    assert str(back[screen]) == "15.6"
    # The category pages say what applies: its own, and what comes from above.
    laptops_page = (await client.get(f"/sales/category/{laptops['id']}")).text
    assert "Screen, inches" in laptops_page and f"/sales/product/new?category={laptops['id']}" in laptops_page
    gaming_page = (await client.get(f"/sales/category/{gaming['id']}")).text
    assert "Screen, inches" in gaming_page and laptops["name"] in gaming_page
    detached = await client.post(f"/sales/category/{laptops['id']}/properties/remove", data={"field": screen})
    assert detached.status_code == 303
    assert f'name="{screen}"' in (await client.get(f"/sales/product/{kettle['id']}/edit")).text  # an ordinary field again


async def test_a_category_cannot_go_inside_itself(catalog):
    computers = await catalog.category("Computers")
    laptops = await catalog.category("Laptops", computers)
    gate = await Gate.open(catalog.kernel, "sales.category", catalog.principal)
    for parent in (computers, laptops):
        with pytest.raises(Invalid) as refused:
            await gate.update(computers["id"], {"parent": str(parent["id"])}, computers["version"])
        assert "inside itself" in refused.value.errors["parent"]
