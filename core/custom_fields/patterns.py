"""Regular expressions an administrator may attach to a text field, and their guard.

Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` takes exponential
time on an input like ``aaaa…!`` (ReDoS), and a run of overlapping
quantifiers such as ``\\d*\\d*\\d*\\d*x`` takes polynomial time of a high
degree. Patterns are written by administrators but matched against input from
every user and the API, so they are checked once, when the field is defined:

* the pattern compiles and is at most :data:`MAX_PATTERN_LENGTH` characters;
* nothing of variable length sits inside a repeated quantifier (``(a+)+``,
  ``(\\w+\\s?)*``, ``(a{1,3})+``, ``(a|ab)+``) unless a required character it
  cannot match follows it (``([a-z]+,)*``, ``(\\d{1,3}\\.){3}``); fixed counts are
  fine (``(\\d{3}-)+``);
* no alternation inside a repeat has branches that can start alike (``(a|ab)+``);
* no run of three or more variable quantifiers over overlapping characters with
  only optional items between them (``\\d+\\d*\\d+``);
* no back-references (``(a)\\1``), whose matching is not bounded at all.

This is a conservative heuristic, not a proof: it rejects some harmless
patterns (the message says which construct to avoid). As a second line of
defence :data:`PATTERN_INPUT_LIMIT` bounds the length of any input a pattern is
ever run on (``core.entities.validation``), so what the heuristic misses is
polynomial on a short string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from core.i18n import _

MAX_PATTERN_LENGTH = 200
PATTERN_INPUT_LIMIT = 255  # longest input a pattern is ever matched against

Pred = Callable[[str], bool]

# Characters used to decide whether two character classes can match the same
# character: ASCII, whitespace, some Latin-1 and Cyrillic letters.
_PROBE = (
    [chr(c) for c in range(0x09, 0x0E)]
    + [chr(c) for c in range(0x20, 0x7F)]
    + list("ÀéßÿАБЯабяЁё€№\u00a0\u2028")
)
_CATEGORY = {
    C.CATEGORY_DIGIT: re.compile(r"\d"),
    C.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    C.CATEGORY_SPACE: re.compile(r"\s"),
    C.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    C.CATEGORY_WORD: re.compile(r"\w"),
    C.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)


class PatternError(ValueError):
    """The pattern is unusable; the message says why, for an administrator."""


def check_pattern(pattern: str) -> re.Pattern:
    """Compile ``pattern`` or raise :class:`PatternError` saying what to change."""
    if not isinstance(pattern, str) or not pattern:
        raise PatternError(_("Enter a regular expression."))
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(_("The pattern is too long (at most {n} characters).").format(n=MAX_PATTERN_LENGTH))
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise PatternError(_("The pattern is not a valid regular expression: {why}.").format(why=str(exc))) from None
    ignorecase = bool(compiled.flags & re.IGNORECASE)
    _Walker(ignorecase).sequence(list(parsed), in_repeat=False)
    return compiled


@lru_cache(maxsize=512)
def compiled_pattern(pattern: str) -> re.Pattern:
    """The compiled, checked pattern (cached per process)."""
    return check_pattern(pattern)


class _Walker:
    def __init__(self, ignorecase: bool):
        self.ignorecase = ignorecase

    # -- structure ---------------------------------------------------------

    def sequence(self, items: list, in_repeat: bool) -> None:
        flat = self._flatten(items)
        self._check_runs(flat)
        for index, (op, av) in enumerate(flat):
            if in_repeat and self._varies(op, av) and not self._delimited(flat, index):
                raise PatternError(_(
                    "The pattern repeats a group that itself repeats (like (a+)+), which can take "
                    "exponential time; use a single quantifier, or end the inner part with a "
                    "separator it cannot match (like ([a-z]+,)*)."
                ))
            self.item(op, av, in_repeat)

    def item(self, op, av, in_repeat: bool) -> None:
        if op in _REPEATS:
            self.sequence(list(av[2]), in_repeat or av[1] > 1)
        elif op == C.POSSESSIVE_REPEAT:  # no backtracking into it
            self.sequence(list(av[2]), in_repeat)
        elif op == C.ATOMIC_GROUP:
            self.sequence(list(av), in_repeat)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            self.sequence(list(av[1]), in_repeat)
        elif op == C.BRANCH:
            branches = [list(b) for b in av[1]]
            if in_repeat:
                firsts = [self.pred_of(b) for b in branches]
                for i, a in enumerate(firsts):
                    for b in firsts[i + 1:]:
                        if self.overlap(a, b):
                            raise PatternError(_(
                                "The pattern repeats alternatives that can start with the same character "
                                "(like (a|ab)+), which can take exponential time."
                            ))
            for branch in branches:
                self.sequence(branch, in_repeat)
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
            raise PatternError(_("Back-references (like \\1) are not allowed in a field pattern."))

    @staticmethod
    def _varies(op, av) -> bool:
        """Whether the item can match strings of different lengths (inside a repeat: ambiguous)."""
        if op == C.POSSESSIVE_REPEAT or op == C.ATOMIC_GROUP:
            return False
        lo, hi = sre_parse.SubPattern(sre_parse.State(), [(op, av)]).getwidth()
        return lo != hi

    def _delimited(self, flat: list, index: int) -> bool:
        """A variable item followed by one required character it cannot match (``[^,]+,``)."""
        pred = self.item_pred(*flat[index])
        for op, av in flat[index + 1:]:
            if op == C.AT:
                continue
            if op in (C.LITERAL, C.NOT_LITERAL, C.IN):
                return not self.overlap(pred, self.item_pred(op, av))
            return False
        return False

    def _check_runs(self, items: list) -> None:
        """Three or more overlapping variable quantifiers with only optional items between."""
        flat = items
        for start, (op, av) in enumerate(flat):
            if not self._variable(op, av):
                continue
            run = [self.pred_of([(op, av)])]
            for op2, av2 in flat[start + 1:]:
                if op2 == C.AT or (op2 in _REPEATS and av2[1] == 0):
                    continue  # anchors and x{0} consume nothing
                if not self._variable(op2, av2):
                    break  # a required item of fixed length ends the run
                pred = self.pred_of([(op2, av2)])
                if any(self.overlap(pred, p) for p in run):
                    run.append(pred)
                elif av2[0] != 0:
                    break  # a required quantifier over other characters separates
            if len(run) >= 3:
                raise PatternError(_(
                    "The pattern has several quantifiers in a row that match the same characters "
                    "(like \\d+\\d*\\d+), which can take a very long time; merge them."
                ))

    def _flatten(self, items: list) -> list:
        out = []
        for op, av in items:
            if op == C.SUBPATTERN:
                out += self._flatten(list(av[-1]))
            else:
                out.append((op, av))
        return out

    @staticmethod
    def _variable(op, av) -> bool:
        return op in _REPEATS and av[0] != av[1]

    # -- which characters an item can match --------------------------------

    def pred_of(self, items: list) -> Pred:
        preds = [self.item_pred(op, av) for op, av in items]
        return lambda ch: any(p(ch) for p in preds)

    def item_pred(self, op, av) -> Pred:
        if op == C.LITERAL:
            return self._literal(chr(av))
        if op == C.NOT_LITERAL:
            lit = self._literal(chr(av))
            return lambda ch: not lit(ch)
        if op == C.ANY:
            return lambda ch: True
        if op == C.IN:
            return self._in(list(av))
        if op == C.AT:
            return lambda ch: False
        if op in _REPEATS or op == C.POSSESSIVE_REPEAT:
            return self.pred_of(list(av[2]))
        if op == C.SUBPATTERN:
            return self.pred_of(list(av[-1]))
        if op == C.BRANCH:
            return self.pred_of([(C.SUBPATTERN, (None, 0, 0, list(b))) for b in av[1]])
        return lambda ch: True  # unknown construct: assume it can match anything

    def _literal(self, char: str) -> Pred:
        if self.ignorecase:
            folded = char.casefold()
            return lambda ch: ch.casefold() == folded
        return lambda ch: ch == char

    def _in(self, members: list) -> Pred:
        negate = bool(members) and members[0][0] == C.NEGATE
        tests: list[Pred] = []
        for op, av in members[1:] if negate else members:
            if op == C.LITERAL:
                tests.append(self._literal(chr(av)))
            elif op == C.RANGE:
                lo, hi = chr(av[0]), chr(av[1])
                if self.ignorecase:
                    tests.append(lambda ch, lo=lo, hi=hi: any(lo <= c <= hi for c in (ch, ch.lower(), ch.upper())))
                else:
                    tests.append(lambda ch, lo=lo, hi=hi: lo <= ch <= hi)
            elif op == C.CATEGORY and av in _CATEGORY:
                tests.append(lambda ch, rx=_CATEGORY[av]: bool(rx.match(ch)))
            else:
                tests.append(lambda ch: True)
        if negate:
            return lambda ch: not any(t(ch) for t in tests)
        return lambda ch: any(t(ch) for t in tests)

    @staticmethod
    def overlap(a: Pred, b: Pred) -> bool:
        return any(a(ch) and b(ch) for ch in _PROBE)
