"""The duplicate check of a record being entered (create form, API, import).

It must warn about clients the user cannot see, without revealing them: a
sales manager who types a tax id that a colleague's client already has should
hear "such a client exists, you cannot see it; ask your administrator" — not
its name, id or owner. So the candidates are looked up over all live clients
(by the trigram index on ``search_text``, the same index the list search
uses), and each one found is then asked of the query gate as the user: a
readable one is named, an unreadable one only counted, per reason. Nothing of
an unreadable record leaves this module but the reason it matched.

This is the one read of client rows outside the gate, and deliberately so,
like the gate's own unique-value check: it answers "does such a record
exist", never "what is in it".

Public API for other code (the import of ``core.dataio`` reaches it through
the contacts plugin, which depends on nothing): :func:`check_record` and
:func:`check_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anyascii import anyascii
from piccolo.querystring import QueryString

from core.entities.search_index import index_table, sqlite_match
from core.entities.sql import escape_like, quote
from core.i18n import _
from core.permissions.errors import NotFound
from core.permissions.gate import Gate
from core.permissions.principal import Principal
from plugins.contacts.dedupe.matcher import KEY_FIELDS, Keyed, find, keys_of, name_similarity
from plugins.contacts.dedupe.rules import RuleSet, parse

ENTITY = "contacts.client"
CHECK_RULES = ("tax_id", "phone", "email", "name~0.9")  # on entry, one strong key is worth a warning
CANDIDATES = 200


@dataclass
class Found:
    reasons: list[str]  # rule texts, e.g. ["tax_id", "phone"]
    record: dict | None = None  # the readable record (masked by the gate), None when hidden


@dataclass
class CheckResult:
    visible: list[Found] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)  # reason -> how many records the user cannot see

    @property
    def any(self) -> bool:
        return bool(self.visible or self.hidden)

    def messages(self) -> list[str]:
        out = []
        for found in self.visible:
            out.append(_("Possible duplicate: {name} ({reasons}).").format(
                name=found.record.get("name") or found.record["id"], reasons=reason_text(found.reasons)))
        for reason, count in self.hidden.items():
            out.append(_("A client with {reason} already exists that you cannot see; ask your administrator.").format(
                reason=reason_text([reason])))
        return out

    def to_json(self) -> dict:
        return {
            "duplicates": [{"id": str(f.record["id"]), "name": f.record.get("name"), "reasons": f.reasons}
                           for f in self.visible],
            "hidden": [{"reason": r, "count": n} for r, n in self.hidden.items()],
            "messages": self.messages(),
        }


def reason_text(reasons: list[str]) -> str:
    words = {
        "tax_id": _("the same tax id"), "phone": _("the same phone"), "email": _("the same e-mail"),
        "name": _("the same name"),
    }
    return ", ".join(words.get(r, _("a similar name") if r.startswith("name~") else r) for r in reasons)


def _terms(values: dict, regions) -> list[str]:
    """Substrings whose rows could match: the keys themselves, and for the name its longest word
    in the script it was typed in and in Latin letters."""
    keyed = keys_of({"id": None, **values}, regions)
    terms = [k for key in ("tax_id", "phone", "email") for k in keyed.keys[key]]
    words = sorted((w for w in str(values.get("name") or "").casefold().split() if len(w) >= 3), key=len, reverse=True)
    if words:
        word = words[0].strip("«»\"'")
        terms.append(word)
        latin = anyascii(word).lower().strip("<>\"'")
        if latin != word:
            terms.append(latin)  # typed in Cyrillic, stored in Latin letters
        elif latin.isalpha():
            terms.append(to_cyrillic(latin)[:6])  # typed in Latin, stored in Cyrillic: a prefix, spellings vary
    return [t for t in terms if len(t) >= 3]


# Latin back to Cyrillic, longest spellings first, for the candidate lookup only
# (what matches is then decided on the folded names, see normalize.py).
_TO_CYRILLIC = [("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
                ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iu", "ю"), ("ia", "я")] + list(zip(
                    "abvgdezijklmnoprstufhcywxq", "абвгдезийклмнопрстуфхцывкк"))


def to_cyrillic(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        for latin, cyr in _TO_CYRILLIC:
            if text.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


async def _candidates(gate: Gate, values: dict, regions) -> list[dict]:
    terms = _terms(values, regions)
    if not terms:
        return []
    table = quote(gate.table)
    conds, args = [], []
    for term in terms:
        if gate.kind == "sqlite" and sqlite_match(term):
            conds.append(f'"rowid" IN (SELECT "rowid" FROM {quote(index_table(gate.table))} WHERE "search_text" LIKE {{}})')
            args.append(f"%{term}%")
        else:
            conds.append("\"search_text\" LIKE {} ESCAPE '\\'")
            args.append(f"%{escape_like(term)}%")
    columns = ["id"] + [c for names in KEY_FIELDS.values() for c in names if c in gate.fields and not gate.fields[c].custom]
    sql = (f"SELECT {', '.join(quote(c) for c in columns)} FROM {table} WHERE \"deleted_at\" IS NULL "
           f"AND ({' OR '.join(conds)}) LIMIT {CANDIDATES}")
    return [dict(r) for r in await gate.engine.run_querystring(QueryString(sql, *args))]


def _match(new: Keyed, other: Keyed, rules: RuleSet) -> list[str]:
    reasons = []
    for rule in rules.rules:
        if all(new.keys[k] & other.keys[k] for k in rule.keys) and (
                rule.similar_name is None or (new.name and name_similarity(new.name, other.name) >= rule.similar_name)):
            reasons.append(rule.text)
    return reasons


async def check_record(kernel, principal: Principal, values: dict, *, exclude_ids=(), rules: RuleSet | None = None) -> CheckResult:
    """Likely duplicates among the stored clients of a record about to be written (``values``
    as typed or cleaned). ``exclude_ids``: the record itself when editing — honoured only
    for records the user can read, so the answer never depends on a hidden id (excluding
    a hidden record would tell which record holds the value)."""
    rules = rules or parse(CHECK_RULES, veto=())
    gate = await Gate.open(kernel, ENTITY, principal)
    # Only what the user may write counts as typed: a hidden field sent anyway is not a probe.
    values = {k: v for k, v in values.items() if gate.principal.can_read_field(ENTITY, k)}
    new = keys_of({"id": None, **values}, rules.regions)
    exclude = {str(i) for i in exclude_ids}
    result = CheckResult()
    for row in await _candidates(gate, values, rules.regions):
        reasons = _match(new, keys_of(row, rules.regions), rules)
        if not reasons:
            continue
        try:
            record = await gate.get(row["id"])
        except NotFound:
            # Hidden: counted whether or not its id was sent as "the record itself".
            for reason in reasons:
                result.hidden[reason] = result.hidden.get(reason, 0) + 1
            continue
        if str(row["id"]) in exclude:
            continue  # the record being edited, which the user can read
        # Only reasons the user could have seen for themselves: a match on a field
        # hidden from them is reported like a hidden record.
        seen = [r for r in reasons if all(gate.readable(f) for k in _rule_keys(r) for f in KEY_FIELDS[k] if f in gate.fields)]
        for reason in set(reasons) - set(seen):
            result.hidden[reason] = result.hidden.get(reason, 0) + 1
        if seen:
            result.visible.append(Found(seen, record))
    return result


def _rule_keys(text: str) -> list[str]:
    return [t.strip().split("~")[0] for t in text.split("&")]


async def check_rows(kernel, principal: Principal, rows: list[dict], *, rules: RuleSet | None = None) -> list[dict]:
    """The check for a batch of incoming rows (an import): per row, the stored duplicates
    (as :func:`check_record`) and the other rows of the batch it duplicates (by index)."""
    rules = rules or parse(CHECK_RULES, veto=())
    out = []
    for row in rows:
        out.append({"stored": await check_record(kernel, principal, row, rules=rules), "in_batch": []})
    keyed = [keys_of({**row, "id": n}, rules.regions) for n, row in enumerate(rows)]
    keyed_rules = [r.text for r in rules.rules if r.keys]  # a name-only rule is left to the stored check
    pairs = find(keyed, parse(keyed_rules, veto=())).pairs if keyed_rules else {}
    for a, b in pairs:
        out[a]["in_batch"].append(b)
        out[b]["in_batch"].append(a)
    return out
