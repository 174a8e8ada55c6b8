"""What the catalogue contributes to the sales plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations


async def record_checks(kernel, entity, values, current, principal):
    from plugins.sales.catalog.checks import check

    return await check(kernel, entity, values, current, principal)

