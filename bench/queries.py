"""The client list the list bars measure, and the raw SQL it is compared with.

One list, the same everywhere (P2 in process, P3 under load, the bare
baseline app): the generated sales manager's view — record scope "team"
(the stock ``sales_manager`` role reads its team's clients) — filtered on
the native ``kind`` and the custom ``segment`` choice (indexed), sorted by
name, with the custom field as a list column. The raw query is written by
hand with what the gate's WHERE and ORDER BY come to for that user and
request: owner in the team, live rows, the two filters (the custom field
through ``field_sql``, the expression its index is built on), ``name, id``
order, one row more than the page for the "more" link.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from piccolo.querystring import QueryString

from bench.data.generate import ENTITY
from bench.data.org import MEASURED_MANAGER, PASSWORD

TABLE = "contacts_client"
PAGE = 50
ODOO_PAGE = 80  # the page of the Odoo-shaped comparison: Odoo lists 80 rows
FILTERS = {"kind": "company", "segment": "a"}
SORT = "name"
QUERY = {**FILTERS, "sort": SORT}
LIST_URL = "/contacts/client/"
API_URL = "/api/contacts/client"
MANAGER = (MEASURED_MANAGER, PASSWORD)
COLUMNS = ("id", "created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at",
           "owner_id", "name", "kind", "inn", "email", "phone", "custom")


def query_string(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


@dataclass
class RawList:
    sql: str
    params: list

    def querystring(self) -> QueryString:
        return QueryString(self.sql, *self.params)


async def team_of(email: str) -> list[UUID]:
    """The user's id and their team mates' (what the gate's "team" scope reads)."""
    from core.auth.users import user_by_email
    from core.db.engine import get_engine

    user = await user_by_email(email)
    if user is None:
        raise LookupError(f"no user {email}: generate the data first (klientela bench data)")
    sql = ('SELECT DISTINCT m2."user" AS u FROM core_team_member m1 JOIN core_team_member m2 ON m2.team = m1.team '
           'WHERE m1."user" = {}')
    rows = await get_engine().run_querystring(QueryString(sql, user.id))
    ids = {user.id} | {r["u"] if isinstance(r["u"], UUID) else UUID(str(r["u"])) for r in rows}
    return sorted(ids, key=str)


async def raw_list(kind: str, page: int = PAGE) -> RawList:
    from core.custom_fields.definitions import list_fields
    from core.custom_fields.sql import field_param, field_sql

    segment = next((f for f in await list_fields(ENTITY) if f.name == "segment"), None)
    if segment is None:
        raise LookupError("the custom field segment is missing: generate the data first (klientela bench data)")
    team = await team_of(MEASURED_MANAGER)
    owners = ", ".join("{}" for _ in team)
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    sql = (f'SELECT {columns} FROM "{TABLE}" WHERE "owner_id" IN ({owners}) AND "deleted_at" IS NULL '
           f'AND "kind" = {{}} AND {field_sql(segment, kind)} = {{}} ORDER BY "name" ASC, "id" ASC LIMIT {page + 1}')
    return RawList(sql, [*team, FILTERS["kind"], field_param(segment, FILTERS["segment"], kind)])
