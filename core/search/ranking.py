"""What a typed query means, and which of its matches a person wants first.

Two things every "find a record by typing" box needs — the global search,
the command palette and the reference pickers alike:

* **Terms.** The gate's search splits a query into words, each of which must
  appear in the record's search text. A phone typed as people write it
  (``8 (495) 500-55-50``) would then need "(495)" to appear, while phones are
  stored in one canonical form (``+74955005550``). A phone-like query is
  therefore searched by its digits: the last nine of them, which the national
  number of a stored E.164 phone contains whatever trunk prefix (8, 0) or
  country code was typed.
* **Rank.** The gate returns matches in the list's order (newest first), so
  "Acme Supplies 5" could come after "Acme Supplies 110". :func:`ranked_rows`
  asks the gate for the exact title and for a wider set of matches, and puts
  the exact title first, then titles starting with the query, then titles
  whose words start with the query's words, shortest first.

Everything still reads through the gate, so the user's scope holds.
"""

from __future__ import annotations

import re

PHONE_QUERY = re.compile(r"\+?[\d\s().\-]+")
PHONE_DIGITS = 9  # enough to be specific, short enough to skip any trunk prefix or country code
MIN_PHONE_DIGITS = 5
MAX_TERMS = 8
CANDIDATES = 100  # matches ranked in Python; the trigram index keeps fetching them cheap


def search_terms(text: str) -> list[str]:
    """The casefolded words a query must all match, a phone-like query reduced to its digits."""
    text = " ".join(text.split())
    # Pure digits stay as they are: a tax id or a year is not a phone.
    if PHONE_QUERY.fullmatch(text) and not text.isdigit():
        digits = re.sub(r"\D", "", text)
        if len(digits) >= MIN_PHONE_DIGITS:
            return [digits[-PHONE_DIGITS:]]
    return [t for t in text.casefold().split() if t][:MAX_TERMS]


def title_rank(title: str, query: str) -> tuple:
    """Sort key of a match: exact title, title prefix, word prefixes, then the rest; shorter first."""
    folded, wanted = (title or "").casefold(), " ".join(query.casefold().split())
    if folded == wanted:
        group = 0
    elif folded.startswith(wanted):
        group = 1
    else:
        words = folded.split()
        group = 2 if all(any(w.startswith(t) for w in words) for t in wanted.split()) else 3
    return (group, len(folded), folded)


async def ranked_rows(gate, query: str, limit: int, filters=()) -> list[dict]:
    """At most ``limit`` rows matching ``query``, the likeliest first, read through ``gate``."""
    from core.entities.sql import Filter
    from core.permissions.errors import Refused
    from core.permissions.gate import ListRequest

    title = gate.entity.title_field
    rows: dict = {}
    if gate.fields.get(title) is not None and gate.readable(title):
        try:
            exact = await gate.list(ListRequest(filters=[*filters, Filter(title, "eq", " ".join(query.split()))], limit=limit))
            rows.update((r["id"], r) for r in exact.rows)
        except Refused:
            pass  # a title the query cannot be compared with (not text): the search alone decides
    page = await gate.list(ListRequest(filters=list(filters), search=query, limit=max(CANDIDATES, limit)))
    for row in page.rows:
        rows.setdefault(row["id"], row)
    return sorted(rows.values(), key=lambda r: title_rank(str(r.get(title) or ""), query))[:limit]
