"""A deal's product lines: read and written only through the deal's own permissions.

Lines are child rows of a deal, not an entity of their own: whoever may read
the deal (the query gate's ``get`` of ``sales.deal``) reads its lines, whoever
may write it adds, changes and removes them — so a line can never be reached
by someone who cannot reach its deal, on the screens or through the API.

A write, in one transaction: the deal is read for ``write`` (404 when not
the user's), the line is checked (product by name or article through the
product's gate, quantity, price — the deal's price type on today's date when
left empty —, a manual discount within the user's limit, VAT rate), then
every line of the deal gets its discount again from the rules (a document
amount rule may change with any line), the amounts are recomputed exactly
and the deal's amount is their sum: its version moves on and the audit
trail records the amount's change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from uuid import UUID

from piccolo.querystring import QueryString

from core.db.engine import get_engine, write_transaction
from core.entities.ids import as_uuid
from core.i18n import _
from core.permissions.errors import Invalid, NotFound
from core.permissions.gate import Gate, ListRequest
from plugins.sales.deals.arithmetic import CENT, MILLI, deal_amount, exact, line_amount
from plugins.sales.vat import VAT_CHOICES

DEAL = "sales.deal"
PRODUCT = "sales.product"
MAX_LINES = 500
MAX_QUANTITY = Decimal("999999999999")
MAX_PRICE = Decimal("999999999999.99")
COLUMNS = ("id", "deal", "position", "product", "quantity", "unit", "price", "discount_percent", "discount_amount",
           "discount_rule", "discount_manual", "vat_rate", "amount")


@dataclass
class Line:
    """A line as shown and as the API answers it (names, never ids, for what a person reads)."""

    id: str
    position: int
    product: str
    product_title: str
    sku: str
    quantity: Decimal
    unit: str
    price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal
    discount_rule: str | None
    discount_rule_name: dict | None
    discount_manual: bool
    vat_rate: str
    amount: Decimal

    def as_json(self) -> dict:
        return {"id": self.id, "position": self.position, "product": self.product, "product_title": self.product_title,
                "sku": self.sku, "quantity": str(self.quantity), "unit": self.unit, "price": str(self.price),
                "discount_percent": None if self.discount_percent is None else str(self.discount_percent),
                "discount_amount": str(self.discount_amount), "discount_rule": self.discount_rule,
                "discount_rule_name": self.discount_rule_name, "discount_manual": self.discount_manual,
                "vat_rate": self.vat_rate, "amount": str(self.amount)}


async def _sql(sql: str, *params):
    return await get_engine().run_querystring(QueryString(sql, *params))


async def open_deal(kernel, principal, deal_id, action: str = "read") -> tuple[Gate, dict]:
    """The deal as the gate gives it to ``principal`` for ``action`` (``NotFound`` otherwise)."""
    gate = await Gate.open(kernel, DEAL, principal)
    if as_uuid(deal_id) is None:
        raise NotFound(str(deal_id))
    return gate, await gate.get(deal_id, action=action)


async def _stored_lines(deal_id) -> list[dict]:
    return await _sql(f'SELECT {", ".join(chr(34) + c + chr(34) for c in COLUMNS)} FROM "sales_deal_line" '
                      f'WHERE "deal" = {{}} AND "deleted_at" IS NULL ORDER BY "position", "id"', as_uuid(deal_id))


async def _products(kernel, principal, ids) -> dict[str, dict]:
    """The products of these ids the principal may read (through the product's gate)."""
    ids = sorted({str(i) for i in ids if i})
    if not ids:
        return {}
    gate = await Gate.open(kernel, PRODUCT, principal)
    page = await gate.list(ListRequest(filters=[_in("id", ids)], limit=min(len(ids), 500)))
    return {str(r["id"]): r for r in page.rows}


def _in(name: str, values: list[str]):
    from core.entities.sql import Filter

    return Filter(name, "in", values)


async def _rule_names(kernel, principal, ids) -> dict[str, dict]:
    """Names of the discount rules that gave discounts, read through their entity's gate (when there is one)."""
    ids = sorted({str(i) for i in ids if i})
    if not ids or "sales.discount_rule" not in kernel.entities:
        return {}
    gate = await Gate.open(kernel, "sales.discount_rule", principal)
    page = await gate.list(ListRequest(filters=[_in("id", ids)], limit=min(len(ids), 500)))
    title = gate.entity.title_field
    return {str(r["id"]): {"en": str(r.get(title) or ""), "ru": str(r.get(title) or "")} for r in page.rows}


async def read_lines(kernel, principal, deal_id) -> tuple[dict, list[Line]]:
    """The deal (read through the gate) and its lines; ``NotFound`` when the deal is not the principal's to read."""
    _gate, deal = await open_deal(kernel, principal, deal_id)
    rows = await _stored_lines(deal["id"])
    products = await _products(kernel, principal, [r["product"] for r in rows])
    rules = await _rule_names(kernel, principal, [r["discount_rule"] for r in rows])
    return deal, [_line(r, products, rules) for r in rows]


def _line(row: dict, products: dict, rules: dict) -> Line:
    product = products.get(str(row["product"])) or {}
    rule = str(row["discount_rule"]) if row["discount_rule"] else None
    return Line(str(row["id"]), int(row["position"] or 0), str(row["product"] or ""), str(product.get("name") or "—"),
                str(product.get("sku") or ""), exact(row["quantity"], MILLI), row["unit"] or "", exact(row["price"]),
                exact(row["discount_percent"]), exact(row["discount_amount"]) or Decimal("0.00"), rule,
                rules.get(rule) if rule else None, bool(row["discount_manual"]), row["vat_rate"] or "", exact(row["amount"]))


# -- checking what a user sent ---------------------------------------------------------------

def _decimal(raw, places: Decimal, low: Decimal, high: Decimal, errors: dict, name: str, *, required: bool) -> Decimal | None:
    if raw in (None, ""):
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        value = Decimal(str(raw).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        errors[name] = _("Enter a number.")
        return None
    if not value.is_finite():
        errors[name] = _("Enter a number.")
        return None
    if value != value.quantize(places):
        errors[name] = _("At most {n} digits after the point.").format(n=-places.as_tuple().exponent)
        return None
    if value < low or value > high:
        errors[name] = _("Enter a number from {low} to {high}.").format(low=low, high=high)
        return None
    return value


@dataclass
class LineInput:
    """What a user sent for one line, checked: the product's row, numbers as decimals."""

    product: dict
    quantity: Decimal
    price: Decimal | None  # None: the price type's price on today's date
    manual_percent: Decimal | None
    vat_rate: str
    unit: str


async def check_input(kernel, principal, data: dict, current: dict | None = None) -> LineInput:
    """``data`` (form or JSON: product id, quantity, price, discount_percent, vat_rate) checked; ``Invalid`` per field."""
    errors: dict[str, str] = {}
    product_id = data.get("product") if "product" in data else (current or {}).get("product")
    product = None
    if not product_id:
        errors["product"] = _("Choose a product by its name or article.")
    elif getattr(product_id, "problem", None):
        errors["product"] = product_id.problem
    else:
        found = await _products(kernel, principal, [product_id]) if as_uuid(product_id) else {}
        product = found.get(str(as_uuid(product_id)))
        if product is None:
            errors["product"] = _("There is no such product, or you may not see it.")
        elif product.get("active") is False and str(product["id"]) != str((current or {}).get("product") or ""):
            errors["product"] = _("This product is no longer sold.")
    quantity = _decimal(data.get("quantity", (current or {}).get("quantity")), MILLI, MILLI, MAX_QUANTITY, errors,
                        "quantity", required=True)
    price = _decimal(data.get("price"), CENT, Decimal(0), MAX_PRICE, errors, "price", required=False)
    percent = _decimal(data.get("discount_percent"), CENT, Decimal(0), Decimal(100), errors, "discount_percent", required=False)
    vat_rate = str(data.get("vat_rate") or (product or {}).get("vat_rate") or "")
    if vat_rate and vat_rate not in {c.value for c in VAT_CHOICES}:
        errors["vat_rate"] = _("Choose one of the VAT rates.")
    if percent is not None:
        from plugins.sales.discounts.engine import manual_discount_refusal
        from plugins.sales.discounts.settings import discount_settings

        refusal = manual_discount_refusal(principal, percent, discount_settings())
        if refusal:
            errors["discount_percent"] = refusal
    if errors:
        raise Invalid(errors)
    return LineInput(product, quantity, price, percent, vat_rate or "22", str(product.get("unit") or "796"))


# -- writing --------------------------------------------------------------------------------

async def save_line(kernel, principal, deal_id, data: dict, line_id=None) -> Line:
    """Add (``line_id`` None) or change a line of a deal the principal may write; returns the line as stored."""
    async with write_transaction(get_engine()):
        gate, deal = await open_deal(kernel, principal, deal_id, "write")
        rows = await _stored_lines(deal["id"])
        current = None
        if line_id is not None:
            current = next((r for r in rows if str(r["id"]) == str(as_uuid(line_id))), None)
            if current is None:
                raise NotFound(str(line_id))
        elif len(rows) >= MAX_LINES:
            raise Invalid({"product": _("A deal holds at most {n} lines.").format(n=MAX_LINES)})
        given = await check_input(kernel, principal, data, current)
        price = given.price
        if price is None:
            price = await _price_today(kernel, principal, deal, given.product["id"])
        values = {"product": given.product["id"], "quantity": given.quantity, "unit": given.unit, "price": price,
                  "discount_percent": given.manual_percent, "discount_manual": given.manual_percent is not None,
                  "vat_rate": given.vat_rate}
        now = datetime.now(timezone.utc)
        if current is None:
            from core.entities.base import new_id

            new = new_id()
            position = max((int(r["position"] or 0) for r in rows), default=-1) + 1
            row = {"id": new, "deal": deal["id"], "position": position, "created_at": now, "updated_at": now,
                   "created_by": principal.user_id, "updated_by": principal.user_id, "owner_id": deal.get("owner_id"),
                   "version": 1, "custom": "{}", "search_text": "", **values}
            await _sql(f'INSERT INTO "sales_deal_line" ({", ".join(chr(34) + k + chr(34) for k in row)}) '
                       f'VALUES ({", ".join("{}" for _ in row)})', *row.values())
            line_id = new
        else:
            sets = {**values, "updated_at": now, "updated_by": principal.user_id}
            await _sql(f'UPDATE "sales_deal_line" SET {", ".join(chr(34) + k + chr(34) + " = {}" for k in sets)}, '
                       f'"version" = "version" + 1 WHERE "id" = {{}}', *sets.values(), current["id"])
        await reprice(kernel, principal, gate, deal)
    _deal, lines = await read_lines(kernel, principal, deal_id)
    return next(line for line in lines if line.id == str(line_id))


async def delete_line(kernel, principal, deal_id, line_id) -> None:
    async with write_transaction(get_engine()):
        gate, deal = await open_deal(kernel, principal, deal_id, "write")
        done = await _sql('DELETE FROM "sales_deal_line" WHERE "id" = {} AND "deal" = {} RETURNING "id"',
                          as_uuid(line_id) or UUID(int=0), deal["id"])
        if not done:
            raise NotFound(str(line_id))
        await reprice(kernel, principal, gate, deal)


async def _price_today(kernel, principal, deal: dict, product_id) -> Decimal:
    from plugins.sales.pricing import default_price_type, price_on

    price_type = deal.get("price_type")
    if not price_type:
        found = await default_price_type(kernel, principal)
        price_type = found["id"] if found else None
    today = date.today()
    price = await price_on(kernel, principal, product_id, price_type, today) if price_type else None
    if price is None:
        raise Invalid({"price": _("This product has no price in the deal's price type on {day}: type the price.").format(
            day=today.strftime("%d.%m.%Y"))})
    return price


async def reprice(kernel, principal, gate: Gate, deal: dict) -> Decimal:
    """Every line's discount from the rules (manual ones kept), its amount, and the deal's amount."""
    from plugins.sales.discounts.engine import LineInput as DiscountLine, discounts_for

    rows = await _stored_lines(deal["id"])
    inputs = [DiscountLine(product_id=as_uuid(r["product"]), quantity=exact(r["quantity"], MILLI), price=exact(r["price"]),
                           manual_percent=exact(r["discount_percent"]) if r["discount_manual"] else None) for r in rows]
    client = await _client(kernel, principal, deal)
    discounts = await discounts_for(kernel, principal, client=client, lines=inputs, on=date.today()) if inputs else []
    amounts = []
    for row, given, found in zip(rows, inputs, discounts):
        percent = found.percent if found.percent else None
        discount = found.amount if percent else Decimal("0.00")
        amount = line_amount(given.quantity, given.price, discount)
        amounts.append(amount)
        await _sql('UPDATE "sales_deal_line" SET "discount_percent" = {}, "discount_amount" = {}, "discount_rule" = {}, '
                   '"discount_manual" = {}, "amount" = {} WHERE "id" = {}',
                   percent, discount if percent else None, found.rule_id, bool(found.manual), amount, row["id"])
    total = deal_amount(amounts) if rows else None
    await set_deal_amount(gate, deal, total)
    return total


async def _client(kernel, principal, deal: dict) -> dict:
    """The deal's client as the principal reads it (the discount conditions read its fields); {} when hidden."""
    if not deal.get("client"):
        return {}
    try:
        return await (await Gate.open(kernel, "contacts.client", principal)).get(deal["client"])
    except NotFound:
        return {}


async def set_deal_amount(gate: Gate, deal: dict, total: Decimal | None) -> None:
    """The deal's amount (read-only on forms: the plugin keeps it) with a new version and an audit row."""
    from core.audit.trail import record_changes

    before = deal.get("amount")
    if before is not None:
        before = exact(before)
    await _sql('UPDATE "sales_deal" SET "amount" = {}, "version" = "version" + 1, "updated_at" = {}, "updated_by" = {} '
               'WHERE "id" = {}', total, datetime.now(timezone.utc), gate.principal.user_id, deal["id"])
    if before != total:
        await record_changes(gate.principal, DEAL, deal["id"], "update", {"amount": before}, {"amount": total})


__all__ = ["Line", "read_lines", "save_line", "delete_line", "reprice", "check_input", "open_deal"]
