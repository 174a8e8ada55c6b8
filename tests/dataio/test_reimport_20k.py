"""Issue 15's acceptance: 20,000 clients from an old system's cp1251 ``;`` export, Russian
headers, imported twice from the command line with the default options — the second run
creates nothing, and accepted + rejected = total both times.

The real ``klientela import`` in a subprocess (as ``test_resume``): it is the command line
that is accepted, and the command opens and closes its own database pool.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from stdnum.ru import inn as ru_inn

from core.dataio.importer import get_run
from tests.dataio.conftest import ENTITY

ROWS = 20_000
HEADER = ["Наименование", "ИНН", "КПП", "Электронная почта", "Телефон", "Город", "Дата рождения / основания"]


def company_inn(i: int) -> str:
    head = f"{7700000000 // 10 + i:09d}"
    return head + ru_inn.calc_company_check_digit(head)


def old_system_export(path: Path, rows: int = ROWS) -> Path:
    """As a 1C-era export comes: cp1251, ``;``, quoted names with ``;`` in them, branches that
    share a tax id (other KPP), some rows without a tax id, a few invalid e-mails."""
    lines = [";".join(HEADER)]
    for i in range(rows):
        branch = i % 10 == 9  # every tenth row: a branch of the row before, same tax id, another KPP
        tax = company_inn(i - 1 if branch else i) if i % 7 else ""
        kpp = ("7731" if branch else "7701") + "01001" if tax else ""
        email = f"client{i}@example.ru" if i % 101 else "нет почты"
        name = f'"ООО ""Клиент №{i}""; {"филиал" if branch else "головной офис"}"'
        phone = f"+7 (9{i % 100:02d}) {i // 100 % 1000:03d}-{i % 97:02d}-{i % 89:02d}"
        lines.append(";".join([name, tax, kpp, email, phone, "Москва", f"{1 + i % 28:02d}.03.2001"]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(os.environ.get("M20K_ENC", "cp1251")))
    return path


def import_command(path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", "import", ENTITY, str(path), *options], capture_output=True,
                          text=True, timeout=1800, env=os.environ.copy())


async def client_count() -> int:
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    rows = await get_engine().run_querystring(QueryString('SELECT count(*) AS n FROM "contacts_client" WHERE "deleted_at" IS NULL'))
    return int(rows[0]["n"])


def run_id_of(output: str) -> str:
    return re.search(r"^import ([0-9a-f-]{36})", output, re.M).group(1)


@pytest.mark.slow
async def test_twenty_thousand_clients_imported_twice_leave_the_count_unchanged(kernel, tmp_path):
    path = old_system_export(tmp_path / "clients.csv")
    first = await asyncio.to_thread(import_command, path, *os.environ.get("M20K", "").split())
    assert first.returncode == 0, first.stdout + first.stderr
    assert os.environ.get("M20K_ENC", "cp1251") in first.stdout and "delimiter ';'" in first.stdout
    run = await get_run(run_id_of(first.stdout))
    assert run["status"] == "done" and run["accepted"] + run["rejected"] == run["total"] == ROWS, run
    assert run["created"] > 19_000 and run["rejected"] > 0  # the invalid e-mails
    count = await client_count()
    assert count == run["created"]

    second = await asyncio.to_thread(import_command, path, *os.environ.get("M20K", "").split())
    assert second.returncode == 0, second.stdout + second.stderr
    again = await get_run(run_id_of(second.stdout))
    assert again["accepted"] + again["rejected"] == again["total"] == ROWS, again
    assert again["created"] == 0 and again["unchanged"] == run["created"], again
    assert await client_count() == count
