"""Pipelines, stages, clients and deals for the deals tests, written through the gate as the administrator."""

from __future__ import annotations

import uuid

from core.auth.principals import principal_for_user
from core.permissions.gate import Gate
from core.testing.fixtures import ADMIN_EMAIL

STAGES = (("Assessment", 10, "open"), ("Proposal", 40, "open"), ("Contract", 80, "open"),
          ("Won", 100, "won"), ("Lost", 0, "lost"))


def mark() -> str:
    return f"dl{uuid.uuid4().hex[:10]}"


async def admin():
    from core.auth.tables import User

    user_id = (await User.select(User.id).where(User.email == ADMIN_EMAIL).first())["id"]
    return await principal_for_user(user_id)


async def gate(kernel, key: str, principal=None) -> Gate:
    return await Gate.open(kernel, key, principal or await admin())


async def pipeline(kernel, name: str | None = None, stages=STAGES) -> tuple[dict, list[dict]]:
    """A pipeline and its stages (in order), named after it so an import finds each by name."""
    name = name or mark()
    row = await (await gate(kernel, "sales.pipeline")).create({"name": name})
    g = await gate(kernel, "sales.stage")
    made = [await g.create({"name": f"{n} {name}", "pipeline": str(row["id"]), "position": i, "probability": p, "outcome": o})
            for i, (n, p, o) in enumerate(stages)]
    return row, made


async def client_row(kernel, name: str | None = None, principal=None) -> dict:
    return await (await gate(kernel, "contacts.client", principal)).create({"name": name or mark()})


async def deal(kernel, client: dict, pipe: dict, stage: dict, principal=None, **values) -> dict:
    data = {"name": values.pop("name", mark()), "client": str(client["id"]), "pipeline": str(pipe["id"]),
            "stage": str(stage["id"]), **values}
    return await (await gate(kernel, "sales.deal", principal)).create(data)
