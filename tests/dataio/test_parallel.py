"""Rows validated by worker processes give exactly what validating them in the importing process gives.

``core/dataio/parallel.py`` starts workers for large files only; here they are
forced on a small file cut into small batches, so every batch goes through a
worker, and the outcome — records, counters, rejected rows with their reasons
in the user's language, responsible users given by e-mail — is compared with
the same file imported without workers.
"""

from __future__ import annotations

import multiprocessing

from core.auth.passwords import cheap_hashing_for_tests
from core.dataio.importer import create_run, rejected_rows, run_import
from core.dataio.mapping import Mapping
from core.i18n import use_locale
from tests.dataio.conftest import CLEARED, ENTITY, client_rows, principal, write_csv

HEADER = ["Наименование", "ИНН", "Email", "Phone", "Ответственный", "Дата основания", "ref"]
MAPPING = Mapping({"Наименование": "name", "ИНН": "inn", "Email": "email", "Phone": "phone", "Ответственный": "owner_id",
                   "Дата основания": "birthday", "ref": "@key"}, key="@key")


def inn(i: int) -> str:
    from stdnum.ru import inn as stdnum_inn

    base = f"77070{i:04d}"
    return base + stdnum_inn.calc_company_check_digit(base)


def rows(owner_email: str) -> list[list]:
    out = [HEADER]
    for i in range(60):
        owner = owner_email if i % 4 == 0 else ("nobody@example.com" if i == 13 else "")
        out.append([f"Клиент {i}", inn(i) if i % 5 == 0 else ("7707083894" if i == 7 else ""),
                    f"c{i}@example.com" if i != 21 else "broken@", f"8 (916) 123-{i:02d}-00" if i != 33 else "+7 (016) 1",
                    owner, f"{1 + i % 28:02d}.03.2001" if i % 2 else "", f"R{i % 57}"])  # the last three repeat earlier keys
    return out


async def outcome(kernel, who, path, **options) -> tuple:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    for table in CLEARED:
        await get_engine().run_ddl(f"DELETE FROM {table}")
    with use_locale("ru"):
        run = await run_import(kernel, await create_run(kernel, ENTITY, who, path, MAPPING), who, batch_rows=7, **options)
    rejects = [(line, field, reason) async for line, field, reason, _row in rejected_rows(run["id"])]
    counts = {k: run[k] for k in ("status", "created", "updated", "unchanged", "rejected")}
    changed = run["mapping"]["read"]["changed"]  # what the cell readers changed: local dates here
    birthdays = await get_engine().run_querystring(QueryString('SELECT "name", "birthday" FROM "contacts_client" ORDER BY "name"'))
    return counts, await client_rows(), rejects, changed, [(r["name"], str(r["birthday"])) for r in birthdays]


async def test_workers_validate_as_the_importing_process_does(kernel, tmp_path, make_user):
    with cheap_hashing_for_tests():
        owner = await make_user()
    who = principal()
    path = write_csv(tmp_path / "a.csv", rows(owner.email.upper()))
    alone = await outcome(kernel, who, path, workers=0)
    pooled = await outcome(kernel, who, path, workers=2, pool_min_rows=0)
    assert pooled == alone
    counts, records, rejects, changed, birthdays = pooled
    assert counts["status"] == "done" and counts["created"] + counts["rejected"] == 60, counts
    assert {line for line, _f, _r in rejects} == {9, 15, 23, 35, 59, 60, 61}  # INN, owner, e-mail, phone, 3 repeated keys
    assert any("адрес" in reason.lower() for _l, field, reason in rejects if field == "email")  # said in Russian
    assert sum(r["owner_id"] == str(owner.id) for r in records) == 15
    assert changed and changed[0][1] == "birthday" and changed[0][2] == 30  # every DD.MM.YYYY cell, counted by the workers
    assert ("Клиент 1", "2001-03-02") in birthdays
    assert multiprocessing.active_children() == []  # the workers are gone with the import
