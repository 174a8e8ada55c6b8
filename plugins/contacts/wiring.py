"""What the contacts plugin's own screens contribute to the hooks (plugin.py delegates here).

The duplicates work (``dedupe/``) wires itself separately, so each part
stays in its own modules and plugin.py only forwards.
"""

from __future__ import annotations

import inspect


def routes(kernel) -> list:
    from plugins.contacts.interactions import InteractionActions

    return [InteractionActions]


async def panels(kernel, entity, record, principal) -> list:
    from plugins.contacts import card, interactions

    out = []
    for contributor in (card.panels, interactions.completion_panel):
        result = contributor(kernel, entity, record, principal)
        out += (await result) if inspect.isawaitable(result) else result
    return out


async def timeline(kernel, entity, record, principal) -> list[dict]:
    from plugins.contacts import interactions

    return await interactions.timeline_entries(kernel, entity, record, principal)
