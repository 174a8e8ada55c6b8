"""Match rules: OR of rules, each an AND of exact keys and a name similarity.

Written one rule per line (CLI ``--rule``, the scan form's text box)::

    tax_id
    phone
    email & name~0.85
    name~0.97

``tax_id``, ``phone``, ``email`` and ``name`` are exact keys after
normalization (:mod:`plugins.contacts.dedupe.normalize`); ``name~T`` asks the
names to be at least ``T`` similar (0..1, rapidfuzz's normalized Indel ratio of
the folded names). A rule with an exact key is answered by grouping records
on that key (blocking); a rule of ``name~T`` alone is blocked on each word of
the name, and words shared by too many records are skipped (and counted).

``veto`` keys make a pair never match when both records hold the key and
the values differ: two different tax ids are two different legal entities,
whatever their names and e-mail (``info@romashka.ru`` is shared by
every "Ромашка" that bought the same domain name... or typed it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.i18n import _

KEYS = ("tax_id", "phone", "email", "name")
KEY_LABELS = {
    "tax_id": ("same tax id", "совпадает ИНН"),
    "phone": ("same phone", "совпадает телефон"),
    "email": ("same e-mail", "совпадает эл. почта"),
    "name": ("same name", "совпадает наименование"),
}
_SIMILAR = re.compile(r"^name\s*~\s*(0(?:\.\d+)?|1(?:\.0+)?)$")


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    keys: tuple[str, ...] = ()
    similar_name: float | None = None

    def __post_init__(self) -> None:
        if not self.keys and self.similar_name is None:
            raise RuleError(_("A rule needs at least one key or a name similarity."))

    @property
    def text(self) -> str:
        parts = list(self.keys) + ([f"name~{self.similar_name:g}"] if self.similar_name is not None else [])
        return " & ".join(parts)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    veto: tuple[str, ...] = ("tax_id",)
    max_block: int = 1000  # a key shared by more records than this is too common to mean "same client"
    regions: tuple[str, ...] = ("RU", "US")
    extra: dict = field(default_factory=dict, compare=False)

    def to_json(self) -> dict:
        return {"rules": [r.text for r in self.rules], "veto": list(self.veto), "max_block": self.max_block,
                "regions": list(self.regions)}

    @classmethod
    def from_json(cls, data: dict) -> "RuleSet":
        return parse(data.get("rules") or DEFAULT_RULES, veto=data.get("veto", ("tax_id",)),
                     max_block=data.get("max_block", 1000), regions=data.get("regions", ("RU", "US")))


DEFAULT_RULES = ("tax_id", "phone", "email & name~0.9")


def parse_rule(text: str) -> Rule:
    keys: list[str] = []
    similar = None
    for term in (t.strip().lower() for t in text.split("&")):
        if not term:
            raise RuleError(_("Empty term in rule {rule!r}.").format(rule=text))
        if term in KEYS:
            if term in keys:
                raise RuleError(_("Key {key} twice in rule {rule!r}.").format(key=term, rule=text))
            keys.append(term)
        elif m := _SIMILAR.match(term):
            similar = float(m.group(1))
        else:
            raise RuleError(_("Unknown term {term!r} in rule {rule!r}: use {keys} or name~0.9.").format(
                term=term, rule=text, keys=", ".join(KEYS)))
    return Rule(tuple(keys), similar)


def parse(rules, *, veto=("tax_id",), max_block: int = 1000, regions=("RU", "US")) -> RuleSet:
    """Rules from text lines (or one text with newlines); raises :class:`RuleError` with what is wrong."""
    if isinstance(rules, str):
        rules = rules.splitlines()
    parsed = tuple(parse_rule(line) for line in rules if line.strip())
    if not parsed:
        raise RuleError(_("Give at least one rule."))
    bad = [v for v in veto if v not in KEYS]
    if bad:
        raise RuleError(_("Unknown veto key {key!r}.").format(key=bad[0]))
    if not isinstance(max_block, int) or max_block < 2:
        raise RuleError(_("The largest block must be at least 2."))
    return RuleSet(parsed, tuple(veto), max_block, tuple(r.upper() for r in regions))


def import_rules(entity_key: str) -> list:
    """The duplicate keys as an import's match rules (compared on stored, normalised values).

    A tax id is the strongest key and parts legal entities (``veto``): a row
    with another tax id is another client whatever e-mail or phone it
    shares, and one with another KPP another branch (branches often share
    the head office's phone). The KPP narrows a tax id to one branch when the row gives it
    (and ``inn+kpp`` is an upsert key). The name alone only proposes
    candidates: two "ООО Ромашка" are often two companies.
    """
    from core.hooks.contributions import MatchRule

    def words(key: str) -> dict[str, str]:
        en, ru = KEY_LABELS[key]
        return {"en": en, "ru": ru}

    if entity_key == "contacts.client":
        return [
            MatchRule(("inn",), {"en": "same tax id and KPP", "ru": "совпадают ИНН и КПП"}, optional=("kpp",)),
            MatchRule(("email",), words("email"), veto=("inn", "kpp")),
            MatchRule(("phone",), words("phone"), veto=("inn", "kpp")),
            MatchRule(("name",), words("name"), veto=("inn", "kpp"), sure=False),
        ]
    if entity_key == "contacts.contact":
        return [
            MatchRule(("email",), words("email")),
            MatchRule(("phone",), words("phone")),
            MatchRule(("full_name",), words("name"), sure=False),
        ]
    return []
