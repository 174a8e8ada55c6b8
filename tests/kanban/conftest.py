"""Board tests use contacts.client with two custom fields made for them — ``phase`` (a choice:
the board's columns) and ``budget`` (money: the column totals) — and remove them afterwards
(retired and purged), so later suites on the session database never see them."""

from __future__ import annotations

import pytest

STAGES = ["lead=Lead|Лид", "won=Won|Выигран", "lost=Lost|Проигран"]


async def _drop_fields(kernel) -> None:
    from core.custom_fields.definitions import list_fields, purge_field, retire_field

    for spec in await list_fields("contacts.client", include_retired=True):
        if spec.name in ("phase", "budget"):
            try:
                await retire_field("contacts.client", spec.name, kernel=kernel)
            except Exception:
                pass  # already retired
            await purge_field("contacts.client", spec.name, kernel=kernel)


@pytest.fixture
async def board_fields(app_factory):
    from core.custom_fields.definitions import create_field

    kernel = app_factory().state.kernel
    await _drop_fields(kernel)
    await create_field("contacts.client", "phase", "choice", "Stage", "Стадия", kernel=kernel, choices="\n".join(STAGES))
    await create_field("contacts.client", "budget", "money", "Budget", "Бюджет", kernel=kernel)
    yield kernel
    await _drop_fields(kernel)
