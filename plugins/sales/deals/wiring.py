"""What the deals part of the sales plugin contributes to the hooks (plugin.py forwards here)."""

from __future__ import annotations


async def record_checks(kernel, entity, values, current, principal):
    from plugins.sales.deals.stage_log import check_deal

    return await check_deal(entity, values, current)


async def records_written(kernel, entity, writes, principal) -> None:
    from plugins.sales.deals.stage_log import deals_written

    await deals_written(entity, writes, principal)


def routes(kernel) -> list:
    from plugins.sales.deals.lines_web import LineApi, LineScreens

    return [LineScreens, LineApi]


async def panels(kernel, entity, record, principal) -> list:
    from plugins.sales.deals import card

    return await card.panels(kernel, entity, record, principal)


async def actions(kernel, entity, record, principal) -> list:
    from plugins.sales.deals import card

    return await card.actions(kernel, entity, record, principal)


async def timeline(kernel, entity, record, principal) -> list[dict]:
    from plugins.sales.deals import card

    return await card.timeline(kernel, entity, record, principal)


def template_globals(kernel) -> dict:
    """``sales_unit(code)`` and ``sales_vat(code)``: a unit's and a VAT rate's name in the reader's language."""
    from jinja2 import pass_context

    from plugins.sales.units import UNIT_CHOICES
    from plugins.sales.vat import VAT_CHOICES

    def namer(choices):
        names = {c.value: c.label for c in choices}

        @pass_context
        def name(context, code):
            found = names.get(str(code or ""))
            if found is None:
                return str(code or "")
            return found.get(context.get("lang") or "en") or found.get("en")

        return name

    return {"sales_unit": namer(UNIT_CHOICES), "sales_vat": namer(VAT_CHOICES)}


def menu(kernel) -> list:
    from core.hooks.contributions import MenuItem

    return [MenuItem(key="sales_deals", label={"en": "Deals", "ru": "Сделки"}, url="/sales/deal/", order=10,
                     permission="sales.deal.read", parent="sales"),
            MenuItem(key="sales_pipelines", label={"en": "Pipelines", "ru": "Воронки"}, url="/sales/pipeline/", order=60,
                     permission="sales.pipeline.write", parent="sales")]


async def demo(kernel) -> None:
    from plugins.sales.deals.demo import load

    await load(kernel)
