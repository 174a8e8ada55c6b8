"""What the deals part of the sales plugin contributes to the hooks (plugin.py forwards here)."""

from __future__ import annotations


async def record_checks(kernel, entity, values, current, principal):
    from plugins.sales.deals.stage_log import check_deal

    return await check_deal(entity, values, current)


async def records_written(kernel, entity, writes, principal) -> None:
    from plugins.sales.deals.stage_log import deals_written

    await deals_written(entity, writes, principal)
