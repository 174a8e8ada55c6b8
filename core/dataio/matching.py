"""Matching imported rows to the records they stand for: in SQL, against the staging table.

An entity declares its match rules through the ``import_match_rules`` hook
(for clients the contacts plugin offers its duplicate rules: tax id + KPP,
e-mail, phone, and the name as a mere candidate). Each usable rule is one
``INSERT ... SELECT`` joining the staged batch to the entity's table on the
rule's first field (an indexed column, so a 5,000-row batch costs a few
index probes per row, never a scan per row); the candidates land in a
temporary table and three set-based updates decide:

* a sure rule that finds exactly one record *pins* it; all pins on one
  record: the row is that record's (update, unchanged or skipped, as the run
  says) — a tax id shared by branches finds several, the e-mail pins one;
* pins on several records, or sure candidates but no pin: ambiguous;
* only candidates of rules that are not sure (a name): ambiguous.

Rows of one file that the sure rules tie together are one record: the later
is rejected (:meth:`Matcher.within_file`).

Ambiguous rows change nothing; they are counted apart and rejected with
their candidates named (by title, as the user's gate lets them read them:
records they cannot read are only counted).

A sure rule of several fields is also an upsert key (``inn+kpp``): it
matches its records with empty values equal to empty, and a key that finds
several records is ambiguous too.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.custom_fields.sql import field_sql
from core.hooks.contributions import MatchRule
from core.i18n import _, ngettext

MATCHES = "klientela_import_match"
DECIDED = "klientela_import_decided"  # per line: pinned records, sure candidates, the pinned record
ON_MATCH = ("update", "skip", "create")
CANDIDATES_SHOWN = 5
TEXT_TYPES = ("text", "long_text", "email", "phone", "url", "choice", "multi_choice", "uuid", "reference")
KEY_SEPARATOR = "+"
MATCH_FIELD = "@match"  # the "field" of an ambiguous row's rejection: the match, no one column


def match_rules(kernel, entity) -> list[MatchRule]:
    """The entity's rules from every plugin, those naming unknown fields left out."""
    names = {f.name for f in entity.fields}
    rules: list[MatchRule] = []
    for result in kernel.hook.import_match_rules(kernel=kernel, entity=entity):
        for rule in result or ():
            if {*rule.fields, *rule.optional, *rule.veto} <= names:
                rules.append(rule)
    return rules


def usable(rules: list[MatchRule], mapped: set[str]) -> list[MatchRule]:
    """Rules the file can answer: all their required fields mapped."""
    return [r for r in rules if set(r.fields) <= mapped]


def composite_keys(rules: list[MatchRule]) -> dict[str, MatchRule]:
    """``"inn+kpp"`` -> its rule: the sure rules of several fields, each a valid upsert key."""
    return {r.key: r for r in rules if r.sure and len(r.fields) + len(r.optional) > 1}


def key_fields(key: str) -> tuple[str, ...]:
    return tuple(part for part in key.split(KEY_SEPARATOR) if part)


async def ambiguous_rows(run_id, limit: int = 50) -> list[dict]:
    """The run's first ambiguous rows (line, reason naming the candidates, values), for its page."""
    from core.dataio.tables import RejectedRow

    return await RejectedRow.select(RejectedRow.line, RejectedRow.reason, RejectedRow.row).where(
        (RejectedRow.run_id == run_id) & (RejectedRow.field == MATCH_FIELD)).order_by(RejectedRow.line).limit(limit).output(
        load_json=True)


def key_label(rule: MatchRule, entity, lang: str) -> str:
    """``inn+kpp`` in words: the fields' labels joined."""
    return " + ".join(entity.field(n).label_for(lang) for n in key_fields(rule.key))


def check_on_match(value: str) -> str:
    if value not in ON_MATCH:
        raise ValueError(_("Choose what a matched row does: {choices}.").format(choices=", ".join(ON_MATCH)))
    return value


@dataclass
class Ambiguous:
    line: int
    candidates: list[str]  # titles the user can read
    hidden: int  # candidates the user cannot read (counted, never named)
    weak: bool  # only rules that are not sure matched (a name)

    def reason(self) -> str:
        names = ", ".join(self.candidates)
        if self.hidden:
            more = ngettext("{n} record you cannot see", "{n} records you cannot see", self.hidden).format(n=self.hidden)
            names = f"{names}, {more}" if names else more
        if self.weak:
            return _("Only the name matches a stored record ({names}): not updated automatically. "
                     "Add a tax id, e-mail or phone to the row, or import it with \"create anyway\".").format(names=names)
        return _("The row matches several stored records ({names}): not updated automatically. "
                 "Make the row's values tell them apart.").format(names=names)


class Matcher:
    """The match step of one batch (``merge.Merge`` owns the staging table and the transaction)."""

    def __init__(self, merge, rules: list[MatchRule]):
        self.merge = merge
        self.rules = rules

    def _expr(self, name: str, alias: str) -> str:
        spec = self.merge.gate.fields[name]
        return field_sql(spec, self.merge.kind, alias)

    def _textual(self, name: str) -> bool:
        """Is the field compared as text, where "" means no value? Not a native reference or uuid
        column: PostgreSQL's uuid type has no "" (comparing with it is an error, not false)."""
        spec = self.merge.gate.fields[name]
        return spec.type in TEXT_TYPES and (spec.custom or spec.type not in ("reference", "uuid"))

    def _present(self, name: str, alias: str) -> str:
        expr = self._expr(name, alias)
        if self._textual(name):
            return f"({expr} IS NOT NULL AND {expr} <> '')"
        return f"({expr} IS NOT NULL)"

    def _blank_equal(self, name: str) -> str:
        s, t = self._expr(name, "s"), self._expr(name, "t")
        if self._textual(name):
            return f"COALESCE({t}, '') = COALESCE({s}, '')"
        return self.merge._not_distinct(t, s)

    async def _create(self) -> None:
        m = self.merge
        await m.temp_table(MATCHES, f'("line" INTEGER, "rid" {m.uuid_type}, "rule" INTEGER, "sure" INTEGER, "pin" INTEGER)')
        await m._sql(f'CREATE INDEX IF NOT EXISTS "{MATCHES}_line" ON "{MATCHES}" ("line", "rule")')

    async def drop(self) -> None:
        if not self.merge.pg:
            await self.merge._sql(f'DROP TABLE IF EXISTS temp."{MATCHES}"')
            await self.merge._sql(f'DROP TABLE IF EXISTS temp."{DECIDED}"')

    async def _collect(self, rule: MatchRule, number: int = 0, *, key: bool = False) -> None:
        """Candidates of one rule for the staged rows not matched yet.

        ``key``: the rule is the run's upsert key: every field compared, an
        empty one equal to empty (a key is an identity, not a search)."""
        m = self.merge
        first, *rest = rule.fields
        on = [f"{self._expr(first, 't')} = {self._expr(first, 's')}"]
        where = ['s."err" IS NULL', 's."rid" IS NULL', 't."deleted_at" IS NULL', self._present(first, "s")]
        mapped = {f.name for f in m.plan.fields}
        if key:
            on += [self._blank_equal(n) for n in (*rest, *rule.optional)]
        else:
            on += [f"{self._expr(n, 't')} = {self._expr(n, 's')}" for n in rest]
            where += [self._present(n, "s") for n in rest]
            for name in rule.optional:
                if name in mapped:  # given in the row: it must agree; empty: any value
                    where.append(f"(NOT {self._present(name, 's')} OR {self._expr(name, 't')} = {self._expr(name, 's')})")
            if not rule.sure:  # a name is asked only of rows no sure rule placed: it would change nothing there
                where.append(f'NOT EXISTS (SELECT 1 FROM "{MATCHES}" c WHERE c."line" = s."line" AND c."sure" = 1)')
            for name in rule.veto:
                if name in mapped:
                    where.append(f"NOT ({self._present(name, 's')} AND {self._present(name, 't')} "
                                 f"AND {self._expr(name, 't')} <> {self._expr(name, 's')})")
        await m._sql(
            f'INSERT INTO "{MATCHES}" ("line", "rid", "rule", "sure", "pin") SELECT s."line", t."id", {number}, {1 if rule.sure else 0}, 0 '
            f'FROM "{m.stage}" s JOIN {m.quoted_table} t ON {" AND ".join(on)} WHERE {" AND ".join(where)}')

    async def _resolve(self) -> None:
        """A sure rule that finds exactly one record *pins* it. The pins agree on one record:
        the row's (a tax id shared by branches finds several, the e-mail pins one). Pins on
        several records, or sure candidates and no pin: ambiguous. Only weak candidates: ambiguous.

        Grouped, not correlated: one ``GROUP BY`` finds the pins, one sums each line up
        (a temporary table has no statistics, and a subquery per row costs ~100 µs on
        PostgreSQL)."""
        m = self.merge
        await self._analyze(MATCHES)
        await m._sql(f'UPDATE "{MATCHES}" AS c SET "pin" = 1 FROM (SELECT o."line", o."rule" FROM "{MATCHES}" o WHERE o."sure" = 1 '
                     f'GROUP BY o."line", o."rule" HAVING count(DISTINCT o."rid") = 1) p '
                     f'WHERE c."line" = p."line" AND c."rule" = p."rule"')
        first_pin = ('(array_agg(c."rid") FILTER (WHERE c."pin" = 1))[1]' if m.pg
                     else 'min(CASE WHEN c."pin" = 1 THEN c."rid" END)')
        await m.temp_table(DECIDED, f'AS SELECT c."line" AS "line", '
                     f'count(DISTINCT CASE WHEN c."pin" = 1 THEN c."rid" END) AS "pins", max(c."sure") AS "sure", '
                     f'{first_pin} AS "rid" FROM "{MATCHES}" c GROUP BY c."line"')
        await self._analyze(DECIDED)
        unmatched = 's."err" IS NULL AND s."rid" IS NULL'
        await m._sql(f'UPDATE "{m.stage}" AS s SET "rid" = d."rid" FROM "{DECIDED}" d '
                     f'WHERE d."line" = s."line" AND d."pins" = 1 AND {unmatched}')
        await m._sql(f'UPDATE "{m.stage}" AS s SET "err" = CASE WHEN d."sure" = 1 THEN \'amb\' ELSE \'weak\' END '
                     f'FROM "{DECIDED}" d WHERE d."line" = s."line" AND {unmatched}')

    async def _analyze(self, table: str) -> None:
        """PostgreSQL plans a temporary table it has no statistics of as a few rows: a join of
        two such tables becomes nested loops over thousands (25M steps a batch). ANALYZE of a
        5,000-row table takes a few ms."""
        if self.merge.pg:
            await self.merge._sql(f'ANALYZE "{table}"')

    async def by_key(self, rule: MatchRule) -> None:
        """A composite upsert key: its records, several of them ambiguous."""
        await self._analyze(self.merge.stage)
        await self._create()
        await self._collect(rule, key=True)
        await self._resolve()

    async def by_rules(self) -> None:
        if not self.rules:
            return
        await self._analyze(self.merge.stage)
        await self._create()
        # Sure rules first: the others only look at the rows they left without a candidate.
        for number, rule in sorted(enumerate(self.rules), key=lambda item: not item[1].sure):
            await self._collect(rule, number)
        await self._resolve()

    async def within_file(self, run_param: str, run) -> None:
        """Rows about to create records that an earlier line of this file already stands for.

        Each new row leaves, per sure rule, the values it was matched by
        (``m<rule>:<values>``) and its new record's id (``r:<id>``) in
        ``core_dataio_seen``; a later row with the same values — in this batch
        or a later one, dry run or not — is rejected as the same record
        ("line N already stands for..."), like two rows matched to one stored
        record. The values include the veto fields and the other sure rules'
        fields, so two rows with other tax ids, or one phone and two e-mails,
        stay two clients."""
        m = self.merge
        text = (lambda e: f"COALESCE(CAST({e} AS TEXT), '')")
        new = 's."err" IS NULL AND s."rid" IS NULL'
        mapped = {f.name for f in m.plan.fields}
        for index, rule in enumerate(self.rules):
            if not rule.sure or not set(rule.optional) <= mapped:
                continue
            # The other sure rules' values are part of the key too: two rows sharing a phone but
            # giving two e-mails are two records (as a stored record is pinned by its e-mail, not
            # by a phone several records share); a duplicate left is the duplicates tool's to find.
            others = [n for other in self.rules if other.sure and other is not rule for n in (*other.fields, *other.optional)]
            names = list(dict.fromkeys([*rule.fields, *rule.optional,
                                        *(n for n in (*rule.veto, *others) if n in mapped)]))
            key = f"'m{index}:' || " + " || '|' || ".join(text(self._expr(n, "s")) for n in names)
            # Two rows are one record only by the rule's whole key: a tax id without its KPP
            # may be any branch, so it ties no two rows of a file together.
            present = " AND ".join(self._present(n, "s") for n in (*rule.fields, *rule.optional))
            await m._sql(f'INSERT INTO "core_dataio_seen" ("run_id", "key", "line") SELECT {run_param}, {key}, min(s."line") '
                         f'FROM "{m.stage}" s WHERE {new} AND {present} GROUP BY {key} ON CONFLICT DO NOTHING', run)
            await m._sql(f'UPDATE "{m.stage}" AS s SET "err" = \'rdup:\' || CAST(x."line" AS TEXT) FROM "core_dataio_seen" x '
                         f'WHERE x."run_id" = {{}} AND x."key" = {key} AND x."line" < s."line" AND {new} AND {present}', run)
        # The records these rows create, for a later batch whose rows the rules match to them.
        sid = 'CAST(s."id" AS TEXT)' if m.pg else 's."id"'
        await m._sql(f'INSERT INTO "core_dataio_seen" ("run_id", "key", "line") SELECT {run_param}, \'r:\' || {sid}, s."line" '
                     f'FROM "{m.stage}" s WHERE {new} ON CONFLICT DO NOTHING', run)

    async def ambiguous(self) -> list[Ambiguous]:
        """The batch's ambiguous rows with their candidates' titles (read through the gate)."""
        m = self.merge
        rows = await m._sql(f'SELECT s."line" AS line, s."err" AS err, c."rid" AS rid FROM "{m.stage}" s '
                            f'JOIN "{MATCHES}" c ON c."line" = s."line" WHERE s."err" IN (\'amb\', \'weak\') '
                            f'ORDER BY s."line"') if await self._exists() else []
        by_line: dict[int, tuple[bool, list[str]]] = {}
        for r in rows:
            weak, ids = by_line.setdefault(int(r["line"]), (r["err"] == "weak", []))
            if str(r["rid"]) not in ids:
                ids.append(str(r["rid"]))
        titles = await self._titles({i for _weak, ids in by_line.values() for i in ids})
        out = []
        for line, (weak, ids) in by_line.items():
            shown = [titles[i] for i in ids if i in titles]
            out.append(Ambiguous(line, sorted(shown)[:CANDIDATES_SHOWN], sum(1 for i in ids if i not in titles), weak))
        return out

    async def _exists(self) -> bool:
        m = self.merge
        if m.pg:
            rows = await m._sql(f"SELECT to_regclass('pg_temp.{MATCHES}') IS NOT NULL AS x")
            return bool(rows and rows[0]["x"])
        return bool(await m._sql(f"SELECT 1 AS x FROM temp.sqlite_master WHERE name = '{MATCHES}'"))

    async def _titles(self, ids: set[str]) -> dict[str, str]:
        """id -> title of the candidates the user may read (the gate's list, 500 ids a query)."""
        from core.entities.sql import Filter
        from core.permissions.gate import MAX_LIMIT, ListRequest

        gate = self.merge.gate
        title = gate.entity.title_field or "id"
        wanted, out = sorted(ids), {}
        for start in range(0, len(wanted), MAX_LIMIT):
            chunk = wanted[start:start + MAX_LIMIT]
            page = await gate.list(ListRequest(filters=[Filter("id", "in", chunk)], limit=len(chunk)))
            out.update({str(r["id"]): str(r.get(title) or _("a record without a name")) for r in page.rows})
        return out
