"""Find duplicate pairs by rules, with blocking, and group them into clusters.

Input: :class:`Keyed` records (normalized keys, see ``keys_of``). Comparing
every pair of 1M records is 5·10¹¹ comparisons; blocking compares only the
records that share the rule's first exact key (or, for a name-only rule, a
word of the name), so the work grows with the number of candidate pairs, not
with the square of the base. Clusters are the connected components of the
matched pairs (union-find), each pair keeping the rule that matched it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from plugins.contacts.dedupe.normalize import email_key, name_key, phone_keys, tax_id_key
from plugins.contacts.dedupe.rules import Rule, RuleSet

# Fields of a client row that feed each key (a client may have several phones or e-mails).
KEY_FIELDS = {
    "tax_id": ("inn",),
    "phone": ("phone", "phones"),  # phones, emails: further ones, one per line
    "email": ("email", "emails"),
    "name": ("name",),
}
_LIST_SPLIT = re.compile(r"\s*[\n;]\s*")
# Blocking order: the most selective key of a rule is the one records are grouped by.
SELECTIVITY = ("tax_id", "phone", "email", "name")
# Blocks this large are scored by one cdist call; below it a call per pair is quicker.
CDIST_MIN = 6


@dataclass(slots=True)
class Keyed:
    id: object
    keys: dict[str, frozenset[str]]
    name: str  # the name key (folded words, sorted): what similarity compares


_NONE: frozenset[str] = frozenset()


def _values(row: dict, names: tuple[str, ...]) -> list:
    out = []
    for n in names:
        v = row.get(n)
        if not v:
            continue
        if isinstance(v, str):
            if "\n" in v or ";" in v:
                out.extend(x for x in _LIST_SPLIT.split(v) if x)
            else:
                out.append(v)
        elif isinstance(v, (list, tuple)):
            out.extend(x for x in v if x)
        else:
            out.append(v)
    return out


def keys_of(row: dict, regions: tuple[str, ...]) -> Keyed:
    """The normalized keys of a client row (only the fields present in it count).

    Called once per client of a scan (a million times): most rows hold one
    value per key, so that case builds its key directly, and an empty key is
    the one shared empty set."""
    name = name_key(row.get("name"))
    taxes = _values(row, KEY_FIELDS["tax_id"])
    phones = _values(row, KEY_FIELDS["phone"])
    emails = _values(row, KEY_FIELDS["email"])
    if len(phones) == 1:
        phone = phone_keys(phones[0], regions)
    else:
        phone = frozenset().union(*(phone_keys(v, regions) for v in phones)) if phones else _NONE
    keys = {
        "tax_id": frozenset(k for k in map(tax_id_key, taxes) if k) if taxes else _NONE,
        "phone": phone,
        "email": frozenset(k for k in map(email_key, emails) if k) if emails else _NONE,
        "name": frozenset((name,)) if name else _NONE,
    }
    return Keyed(row["id"], keys, name)


def name_similarity(a: str, b: str) -> float:
    return Indel.normalized_similarity(a, b)


@dataclass
class Match:
    a: int
    b: int
    rule: Rule
    score: float | None  # the name similarity, when the rule asked for one


@dataclass
class Result:
    pairs: dict[tuple[int, int], Match] = field(default_factory=dict)
    clusters: list[list[int]] = field(default_factory=list)  # record indexes, each cluster sorted
    skipped_blocks: dict[str, int] = field(default_factory=dict)  # rule -> blocks too large to compare
    candidates: int = 0  # pairs compared


def _blocks(records: list[Keyed], key: str) -> Iterable[list[int]]:
    """Groups of 2+ records sharing a value of ``key``."""
    first: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        for value in rec.keys[key]:
            j = first.setdefault(value, i)
            if j != i:
                group = groups.get(value)
                if group is None:
                    groups[value] = [j, i]
                elif group[-1] != i:
                    group.append(i)
    return groups.values()


def _word_blocks(records: list[Keyed]) -> Iterable[list[int]]:
    """Groups of records sharing a word of 3+ letters of their name (name-only rules)."""
    groups: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        for word in set(rec.name.split()):
            if len(word) >= 3:
                groups.setdefault(word, []).append(i)
    return (g for g in groups.values() if len(g) > 1)


def _vetoed(a: Keyed, b: Keyed, veto: tuple[str, ...]) -> bool:
    return any(a.keys[k] and b.keys[k] and not (a.keys[k] & b.keys[k]) for k in veto)


def _shared(keys: tuple[str, ...], a: Keyed, b: Keyed) -> bool:
    for key in keys:
        if not (a.keys[key] & b.keys[key]):
            return False
    return True


def _labels(records: list[Keyed], block: list[int], key: str):
    """Per member of a block: 0 without a value of ``key``, else a number per distinct value;
    None when a member holds several values (the pairwise check decides then)."""
    seen: dict[str, int] = {}
    out = []
    for i in block:
        values = records[i].keys[key]
        if not values:
            out.append(0)
        elif len(values) == 1:
            out.append(seen.setdefault(next(iter(values)), len(seen) + 1))
        else:
            return None
    return np.array(out)


def _block_pairs(records: list[Keyed], block: list[int], rule: Rule, veto: tuple[str, ...]) -> list[tuple[int, int, float | None]]:
    """The pairs of a block that may match: the rule's name similarity holds (every pair when
    it has none) and, as far as one value per record tells, no veto key differs. In
    ``combinations`` order, with the score; the caller still checks each pair fully.

    A common e-mail makes blocks of dozens (3.8M candidate pairs at 1M
    clients, nearly all with alike names and most vetoed by their tax ids): one
    rapidfuzz ``cdist`` call and a few array operations sift a whole block in C,
    where a Python call per pair was most of the match phase. Scores are the
    same Indel similarity, in float64, so the threshold compares as before."""
    size = len(block)
    if size < CDIST_MIN:
        out = []
        for p, q in combinations(range(size), 2):
            if rule.similar_name is None:
                out.append((block[p], block[q], None))
                continue
            score = name_similarity(records[block[p]].name, records[block[q]].name)
            if score >= rule.similar_name:
                out.append((block[p], block[q], score))
        return out
    if rule.similar_name is None:
        scores, keep = None, np.ones((size, size), dtype=bool)
    else:
        names = [records[i].name for i in block]
        # Below the cut-off cdist answers 0; a hair under the threshold keeps a score equal to it.
        scores = cdist(names, names, scorer=Indel.normalized_similarity, dtype=np.float64,
                       score_cutoff=max(0.0, rule.similar_name - 1e-9))
        keep = scores >= rule.similar_name
    for key in veto:
        labels = _labels(records, block, key)
        if labels is not None:
            a, b = labels[:, None], labels[None, :]
            keep &= (a == 0) | (b == 0) | (a == b)
    hits = np.argwhere(np.triu(keep, 1)).tolist()  # row-major: combinations order
    if scores is None:
        return [(block[p], block[q], None) for p, q in hits]
    return [(block[p], block[q], float(scores[p, q])) for p, q in hits]


def find(records: list[Keyed], rules: RuleSet, *, cancelled=lambda: False) -> Result:
    result = Result()
    for rule in rules.rules:
        block_key = next((k for k in SELECTIVITY if k in rule.keys), None)
        blocks = _blocks(records, block_key) if block_key else _word_blocks(records)
        # Records of a block share the block key, so it can never veto them.
        veto = tuple(k for k in rules.veto if k != block_key)
        others = tuple(k for k in rule.keys if k != block_key)
        for block in blocks:
            if len(block) > rules.max_block:
                result.skipped_blocks[rule.text] = result.skipped_blocks.get(rule.text, 0) + 1
                continue
            result.candidates += len(block) * (len(block) - 1) // 2
            for i, j, score in _block_pairs(records, block, rule, veto):
                pair = (i, j) if i < j else (j, i)
                if pair in result.pairs:
                    continue
                a, b = records[pair[0]], records[pair[1]]
                if (veto and _vetoed(a, b, veto)) or (others and not _shared(others, a, b)):
                    continue
                result.pairs[pair] = Match(pair[0], pair[1], rule, score)
        if cancelled():
            break
    result.clusters = _components(records, result, rules.veto)
    return result


def _components(records: list[Keyed], result: Result, veto: tuple[str, ...]) -> list[list[int]]:
    """Union-find over the matched pairs, strongest rule first, that never joins two
    groups holding different values of a veto key: a re-entry without a tax id that
    matches two companies (same e-mail, same name, different tax ids) joins the one
    its phone says it belongs to, not both. Pairs refused so are dropped."""
    parent: dict[int, int] = {}
    held: dict[int, dict[str, frozenset]] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def values(x: int) -> dict[str, frozenset]:
        return held.get(x) or {k: records[x].keys[k] for k in veto}

    order = {rule: n for n, rule in enumerate(r.rule for r in result.pairs.values())}
    ranked = sorted(result.pairs.items(), key=lambda item: order[item[1].rule])
    for pair, match in ranked:
        ra, rb = root(pair[0]), root(pair[1])
        if ra == rb:
            continue
        va, vb = values(ra), values(rb)
        if any(va[k] and vb[k] and not (va[k] & vb[k]) for k in veto):
            del result.pairs[pair]
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        held[keep] = {k: va[k] | vb[k] for k in veto}
        held.pop(gone, None)
    members: dict[int, set[int]] = {}
    for a, b in result.pairs:
        members.setdefault(root(a), set()).update((a, b))
    return sorted((sorted(m) for m in members.values()), key=lambda m: (-len(m), m[0]))


def clusters(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find with path halving) of 2+ members, largest first."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = list(pairs)
    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, set[int]] = {}
    for a, b in pairs:
        members.setdefault(root(a), set()).update((a, b))
    return sorted((sorted(m) for m in members.values()), key=lambda m: (-len(m), m[0]))


def pair_set(groups: Iterable[Iterable]) -> set[tuple]:
    """Every unordered pair within each group (the pairwise view of clusters, for precision and recall)."""
    out = set()
    for g in groups:
        for a, b in combinations(sorted(g, key=str), 2):
            out.add((a, b))
    return out


def precision_recall(found: Iterable[Iterable], truth: Iterable[Iterable]) -> tuple[float, float]:
    """Pairwise precision and recall of found clusters against true clusters (ids, any hashable)."""
    got, want = pair_set(found), pair_set(truth)
    hit = len(got & want)
    return (hit / len(got) if got else 1.0), (hit / len(want) if want else 1.0)
