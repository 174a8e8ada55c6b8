"""R2 through the whole import: any CSV ends with accepted + rejected = total, every rejection explained."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dataio.importer import create_run, rejected_rows, run_import
from core.dataio.mapping import Mapping
from tests.dataio.conftest import ENTITY, principal, write_csv

TEXT = st.text(alphabet=st.sampled_from(list("abz 09АЖжё\"',;|\t\r\n\x00=+-@.")), max_size=20)
VALUES = st.one_of(TEXT, st.just("x" * 200_000), st.builds(lambda n: f"user{n}@example.com", st.integers(0, 5)))
MAPPING = Mapping({"ref": "@key", "name": "name", "email": "email", "phone": "phone"}, "@key")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(["R1", "R2", "R3", "", " "]), VALUES, VALUES, VALUES), max_size=15),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
async def test_any_csv_accounts_for_every_row(kernel, tmp_path_factory, rows, encoding, delimiter, quoting):
    who = principal()
    data = [["ref", "name", "email", "phone"], *[list(r) for r in rows]]
    path = write_csv(tmp_path_factory.mktemp("p") / "f.csv", data, encoding=encoding, delimiter=delimiter, quoting=quoting)
    run_id = await create_run(kernel, ENTITY, who, path, MAPPING, encoding=encoding, delimiter=delimiter)
    run = await run_import(kernel, run_id, who, batch_rows=4)
    assert run["status"] == "done", run["error"]
    with open_rows(path, encoding, delimiter) as written:
        total = sum(1 for row in written if any(v.strip() for v in row))
    assert run["accepted"] + run["rejected"] == total
    rejected = [r async for r in rejected_rows(run_id)]
    assert len({line for line, *_ in rejected}) == run["rejected"]
    assert all(reason for _line, _field, reason, _row in rejected)


class open_rows:
    """The data rows as csv itself reads them (the header skipped)."""

    def __init__(self, path, encoding, delimiter):
        self.file = open(path, encoding=encoding, newline="")
        self.rows = csv.reader(self.file, delimiter=delimiter)
        next(self.rows)

    def __enter__(self):
        return self.rows

    def __exit__(self, *exc):
        self.file.close()
