"""A supplier's price list through core's generic import: "Артикул; Наименование; Цена" in cp1251, or an XLSX,
into a supplier price type from a date — the product found by article (or name), the price type by name,
the same file again updating rather than adding. And a catalogue's headers in Russian and English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.dataio.importer import create_run, open_gate, rejected_rows, run_import
from core.dataio.mapping import Mapping, guess, importable_fields
from core.dataio.matching import match_rules
from plugins.sales.pricing import price_on


async def priced(catalog):
    """Three products and a supplier's price type to import into."""
    m = catalog.marker
    items = [await catalog.product("Ноутбук Lenovo ThinkPad E14", sku=f"NB-{m}-1"),
             await catalog.product("Монитор Dell P2422H", sku=f"MON-{m}-2"),
             await catalog.product("Кабель UTP cat.5e", sku=f"CAB-{m}-3", unit="006")]
    supplier = await catalog.price_type("Поставщик «ТехноОпт»", purpose="supplier", vat_included=False)
    return items, supplier


async def test_a_cp1251_price_list_goes_into_a_supplier_price_type(kernel, admin, catalog, tmp_path):
    items, supplier = await priced(catalog)
    m = catalog.marker
    text = ("Прайс-лист ООО «ТехноОпт» на 01.03.2026\n\n"
            "Артикул;Наименование;Цена\n"
            f"NB-{m}-1;Ноутбук Lenovo ThinkPad E14 16/512;64 350,00\n"
            f"MON-{m}-2;Монитор Dell 23,8\";13 990\n"
            f";Кабель UTP cat.5e;17,40\n"  # no article in the column that names the product: rejected, saying so
            f"XX-{m}-9;Товар, которого у нас нет;100\n")
    path = tmp_path / "price.csv"
    path.write_bytes(text.encode("cp1251"))
    gate = await open_gate(kernel, "sales.price", admin)
    fields = importable_fields(gate)
    columns = guess(["Артикул", "Наименование", "Цена"], fields)
    assert columns == {"Артикул": "product", "Цена": "price"}  # the name names the product too: the first column wins
    mapping = Mapping(columns, values={"price_type": supplier["name"], "effective_from": "01.03.2026"})
    run = await run_import(kernel, await create_run(kernel, "sales.price", admin, path, mapping), admin)
    assert (run["created"], run["rejected"]) == (2, 2), (run["error"], [r async for r in rejected_rows(run["id"])])
    reasons = {line: reason async for line, _field, reason, _values in rejected_rows(run["id"])}
    assert reasons == {6: "This field is required.", 7: "No such record, or you may not read it."}
    on = date(2026, 3, 1)
    assert await price_on(kernel, admin, items[0]["id"], supplier["id"], on) == Decimal("64350.00")
    assert await price_on(kernel, admin, items[1]["id"], supplier["id"], on) == Decimal("13990.00")
    assert await price_on(kernel, admin, items[0]["id"], supplier["id"], date(2026, 2, 28)) is None
    # The same list again, one price changed: an update by the rule (product, price type, date), nothing added.
    path.write_bytes(text.replace("64 350,00", "63 900,00").encode("cp1251"))
    again = await run_import(kernel, await create_run(kernel, "sales.price", admin, path, mapping), admin)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1), again
    assert await price_on(kernel, admin, items[0]["id"], supplier["id"], on) == Decimal("63900.00")


async def test_an_xlsx_price_list_by_name_through_the_command_line(kernel, admin, catalog, tmp_path):
    from openpyxl import Workbook

    from core.cli.dataio import import_file

    items, supplier = await priced(catalog)
    book = Workbook()
    sheet = book.active
    sheet.append(["Наименование", "Артикул", "Цена"])  # the name first: the product is found by its name
    sheet.append([items[2]["name"], "", 17.4])
    sheet.append([items[0]["name"], items[0]["sku"], 65000])
    path = tmp_path / "price.xlsx"
    book.save(path)
    code = await import_file(kernel, admin, "sales.price", path, lang="ru",
                             values=(f"price_type={supplier['name']}", "effective_from=2026-04-01"))
    assert code == 0
    on = date(2026, 4, 1)
    assert await price_on(kernel, admin, items[2]["id"], supplier["id"], on) == Decimal("17.40")
    assert await price_on(kernel, admin, items[0]["id"], supplier["id"], on) == Decimal("65000.00")
    assert await import_file(kernel, admin, "sales.price", path, lang="ru", values=("price_type",)) == 1  # no "=": refused


async def test_a_catalogue_from_1c_headers_matched_by_article(kernel, admin, catalog, tmp_path):
    m = catalog.marker
    laptops = await catalog.category("Ноутбуки")
    rows = ["Артикул;Номенклатура;Группа;Ед. изм.;Ставка НДС;Вид номенклатуры",
            f"NB-{m}-7;Ноутбук iRU Калибр 14TLG;{laptops['name']};шт;22%;Товар",
            f"SRV-{m}-8;Настройка рабочего места {m};;ч;Без НДС;Услуга"]
    path = tmp_path / "catalogue.csv"
    path.write_bytes("\n".join(rows).encode("cp1251"))
    run = await run_import(kernel, await create_run(kernel, "sales.product", admin, path), admin)
    assert run["created"] == 2, (run["error"], [r async for r in rejected_rows(run["id"])])
    gate = await open_gate(kernel, "sales.product", admin)
    from core.entities.sql import Filter
    from core.permissions.gate import ListRequest

    found = {r["sku"]: r for r in (await gate.list(ListRequest(filters=[Filter("sku", "startswith", f"NB-{m}")]))).rows}
    laptop = found[f"NB-{m}-7"]
    assert (laptop["unit"], laptop["vat_rate"], laptop["kind"], laptop["category"]) == ("796", "22", "goods", laptops["id"])
    # Again with a new name: the article finds the product, which is updated.
    path.write_bytes("\n".join([rows[0], rows[1].replace("14TLG", "14TLG (2026)")]).encode("cp1251"))
    again = await run_import(kernel, await create_run(kernel, "sales.product", admin, path), admin)
    assert (again["created"], again["updated"]) == (0, 1), again
    rules = [r.fields for r in match_rules(kernel, kernel.entities["sales.product"])]
    assert rules == [("sku",), ("name",)]


async def test_the_mapping_screen_gives_every_row_the_price_type_and_date(app_factory, admin, catalog):
    from core.jobs.api import run_worker
    from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving

    items, supplier = await priced(catalog)
    app = app_factory(jobs_in_process=False)
    kernel = app.state.kernel
    text = f"Артикул;Наименование;Цена\nNB-{catalog.marker}-1;Ноутбук;61 000\n".encode("cp1251")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        sent = await client.post("/import/sales/price/", files={"file": ("price.csv", text, "text/csv")})
        run_url = sent.headers["location"]
        mapping = (await client.get(run_url)).text
        assert 'id="same-values"' in mapping and 'name="set_field_0"' in mapping
        chosen = {"col_0": "product", "col_2": "price", "set_field_0": "price_type", "set_value_0": supplier["name"],
                  "set_field_1": "effective_from", "set_value_1": "15.03.2026"}
        twice = await client.post(run_url, data={**chosen, "set_field_1": "price", "action": "run"})
        assert twice.status_code == 422 and "already taken by column" in twice.text  # a column's field cannot be given again
        done = await client.post(run_url, data={**chosen, "action": "run"})
        assert done.status_code == 303
        await run_worker(kernel.settings, once=True, kernel=kernel, poll=0.05, signals=False)
        status = await client.get(run_url + "/status")
        assert 'data-count="created">1<' in status.text, status.text
    assert await price_on(kernel, admin, items[0]["id"], supplier["id"], date(2026, 3, 15)) == Decimal("61000.00")
