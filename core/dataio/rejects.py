"""The rejected-rows file of an import run: streamed, guarded, in the reader's language.

Each rejected cell is a row of ``core_dataio_reject`` (line, field, reason,
the row as read), written with its batch. The file is made from them a range
of lines at a time, never all at once: the command line appends each batch's
rejections as the run goes (:class:`RejectsFile`), the web download streams
the same lines (:func:`reject_lines`), so memory stays flat at any count.

The rows go back to a spreadsheet, so they are guarded and quoted exactly as
an export (S11, :mod:`core.dataio.guard`): ``=HYPERLINK(...)`` comes back as
text, never live, and the import takes the guard off again, so a corrected
rejected-rows file imports as it is. The header is the reader's language:
"Line", "Field" (the field's label, not its internal name), "Reason", then
the file's own column titles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import AsyncIterator
from uuid import UUID

from core.dataio.guard import csv_delimiter, csv_line, neutralize
from core.i18n import N_, current_locale, translations

SPAN = 2000  # lines of the file read per query
TITLES = (N_("Line"), N_("Field"), N_("Reason"))


async def rejected_rows(run_id: UUID, start: int = 0, end: int | None = None) -> AsyncIterator[tuple[int, str, str, list]]:
    """The run's rejected cells in file order, lines ``start`` to ``end`` (excluded):
    (line, field, reason, values), read :data:`SPAN` lines at a time."""
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine

    engine = get_engine()
    bound = QueryString(' AND "line" < {}', end) if end is not None else QueryString("")
    line = start
    while True:
        found = await engine.run_querystring(QueryString(
            'SELECT min("line") AS first FROM "core_dataio_reject" WHERE "run_id" = {} AND "line" >= {}{}', run_id, line, bound))
        first = found[0]["first"] if found else None
        if first is None:
            return
        rows = await engine.run_querystring(QueryString(
            'SELECT "line", "field", "reason", "row" FROM "core_dataio_reject" '
            'WHERE "run_id" = {} AND "line" >= {} AND "line" < {}{} ORDER BY "line", "field"', run_id, first, first + SPAN, bound))
        for row in rows:
            values = row["row"]
            if isinstance(values, str):
                values = json.loads(values)
            yield row["line"], row["field"], row["reason"], values or []
        line = first + SPAN


class RejectsLayout:
    """How one run's rejections are written: the header, field labels and separator of ``lang``."""

    def __init__(self, run: dict, labels: dict[str, str], lang: str):
        self.run_id = run["id"]
        # Translated now: a streamed download writes its lines after the handler returned.
        words = translations(lang)
        self.header = [*(words.gettext(t) for t in TITLES), *((run.get("mapping") or {}).get("header") or [])]
        self.labels = labels
        self.delimiter = csv_delimiter(lang)

    @classmethod
    async def of(cls, kernel, run: dict, lang: str | None = None) -> "RejectsLayout":
        from core.permissions.gate import active_custom_fields
        from core.entities.registry import all_fields

        lang = lang or current_locale()
        entity = kernel.entities.get(run["entity"])
        fields = all_fields(entity, await active_custom_fields(run["entity"])) if entity else []
        from core.dataio.matching import MATCH_FIELD

        labels = {f.name: f.label_for(lang) for f in fields}
        labels[MATCH_FIELD] = ""  # an ambiguous match: no one column is at fault
        return cls(run, labels, lang)

    def head(self) -> str:
        return self._line(self.header)

    def _line(self, cells) -> str:
        return csv_line([neutralize("" if v is None else str(v)) for v in cells], self.delimiter)

    async def lines(self, start: int = 0, end: int | None = None) -> AsyncIterator[str]:
        async for line, field, reason, values in rejected_rows(self.run_id, start, end):
            yield self._line([line, self.labels.get(field, field), reason, *values])


async def reject_lines(kernel, run: dict, lang: str | None = None, chunk: int = 500) -> AsyncIterator[str]:
    """The whole file as text chunks of about ``chunk`` lines (a streamed download)."""
    layout = await RejectsLayout.of(kernel, run, lang)
    buffer = ["\ufeff" + layout.head()]  # the BOM: Excel reads a UTF-8 CSV's Cyrillic only with it
    async for text in layout.lines():
        buffer.append(text)
        if len(buffer) >= chunk:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)


class RejectsFile:
    """The rejected-rows file, appended batch by batch as a run goes (the command line's ``--rejects``)."""

    def __init__(self, target: Path, layout: RejectsLayout):
        self.target = target
        self.layout = layout
        self.done = 0  # lines of the source file already looked at
        self.written = 0  # rejected cells written
        self.out = None

    async def catch_up(self, next_line: int | None = None) -> None:
        """Write the rejections of the lines before ``next_line`` (the run's checkpoint; None: all)."""
        async for text in self.layout.lines(self.done, next_line):
            if self.out is None:
                self.out = open(self.target, "w", encoding="utf-8-sig", newline="")
                self.out.write(self.layout.head())
            self.out.write(text)
            self.written += 1
        if self.out is not None:
            self.out.flush()  # on disk batch by batch: a run stopped half-way leaves its file so far
        if next_line is not None:
            self.done = max(self.done, next_line)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
