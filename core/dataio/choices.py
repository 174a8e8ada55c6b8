"""Choice cells as people write them: the code, or its label in any language, in any case.

A file exported by the product, by another system or typed by hand names a
choice the way its author saw it — "Компания", "company", "High (A)",
"высокая (a)" — while a form sends the code (``company``, ``high``). Each
choice column gets one :class:`ChoiceCells` per run: a dictionary from every
folded code and label to the code, so reading a cell costs one dictionary
look-up. A text naming no choice is refused with the labels the user could
have written, in their language. Several choices of a multi-choice cell are
separated by ``;`` (as the export joins labels) or, without one, by commas.
"""

from __future__ import annotations

from typing import Any

from core.entities.spec import Field
from core.entities.validation import FieldError
from core.i18n import _, current_locale


def fold(text: str) -> str:
    """Case, ё and runs of spaces folded: "Высокая  (A)" and "высокая (a)" are one text."""
    return " ".join(text.casefold().replace("ё", "е").split())


class ChoiceCells:
    """One choice or multi-choice column: a cell's text to the choice code(s)."""

    def __init__(self, spec: Field):
        self.spec = spec
        self.multi = spec.type == "multi_choice"
        table: dict[str, str | None] = {}
        for choice in spec.choices:
            for text in choice.label.values():
                key = fold(text)
                # A label two choices share (in two languages) names neither: refused, not guessed.
                table[key] = choice.value if table.get(key, choice.value) == choice.value else None
        for choice in spec.choices:
            table[fold(choice.value)] = choice.value  # a code always names its own choice
        self.table = table
        self.codes = frozenset(c.value for c in spec.choices)

    def __call__(self, value: Any) -> Any:
        """The code (a list of codes for a multi-choice) a cell names; other values as they are."""
        if not isinstance(value, str) or not value.strip():
            return value
        if not self.multi:
            return self._code(value)
        # "a; b" as an export joins labels (they hold commas more often than semicolons), else "a, b".
        parts = value.split(";") if ";" in value else value.split(",")
        return [self._code(part) for part in parts if part.strip()]

    def _code(self, text: str) -> str:
        if text in self.codes:
            return text  # the code itself, as our own export and most files give it: no folding
        code = self.table.get(fold(text))
        if code is None:
            raise FieldError(self.refusal())
        return code

    def refusal(self) -> str:
        lang = current_locale()
        labels = ", ".join(c.label.get(lang) or c.label.get("en") or c.value for c in self.spec.choices)
        return _("Choose one of: {choices}.").format(choices=labels)
