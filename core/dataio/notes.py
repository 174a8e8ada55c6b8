"""What an import read differently from the file's plain rows, as sentences for the user.

The run keeps the facts (:func:`core.dataio.importer.what_was_read` and the
cells changed while importing); this turns them into sentences in the
current language — the same ones on the mapping screen, the run's page and
the command line, so nothing is skipped, joined or restored without a word.
"""

from __future__ import annotations

from core.i18n import _, ngettext

SHOWN = 5  # names or lines listed before "…"

# What core.dataio.cells changed, per kind (its counts' keys): the sentence for n values of a field.
CHANGED = {
    "leading_zeros": lambda n: ngettext("“%(field)s”: leading zeros restored in %(num)d value stored as a number.",
                                        "“%(field)s”: leading zeros restored in %(num)d values stored as numbers.", n),
    "serial_date": lambda n: ngettext("“%(field)s”: %(num)d date read from a spreadsheet serial number.",
                                      "“%(field)s”: %(num)d dates read from spreadsheet serial numbers.", n),
    "local_date": lambda n: ngettext("“%(field)s”: %(num)d date read in the local format (like 15.03.2001).",
                                     "“%(field)s”: %(num)d dates read in the local format (like 15.03.2001).", n),
    "joined_lines": lambda n: ngettext("“%(field)s”: the lines of %(num)d multi-line value joined with commas.",
                                       "“%(field)s”: the lines of %(num)d multi-line values joined with commas.", n),
}


def _listed(items) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:SHOWN]) + ("…" if len(items) > SHOWN else "")


def _label(name: str, fields) -> str:
    from core.i18n import current_locale

    for f in fields or ():
        if f.name == name:
            return f.label_for(current_locale())
    return name


def encoding_warning(facts: dict) -> str:
    """A sentence when the chosen encoding reads the file as mojibake ("" when it reads clean)."""
    reading = (facts or {}).get("reading") or {}
    if not reading.get("garbled"):
        return ""
    if reading.get("better"):
        return _("In {encoding} the text looks garbled (“{sample}”); {better} reads it correctly. Choose {better}.").format(
            encoding=reading["encoding"], sample=reading["garbled"], better=reading["better"])
    return _("In {encoding} the text looks garbled (“{sample}”). Check the encoding.").format(
        encoding=reading["encoding"], sample=reading["garbled"])


def reading_notes(facts: dict, fields=()) -> list[str]:
    """Sentences about how the file was read: sheet, header, what was left out, what was changed."""
    facts = facts or {}
    notes: list[str] = []
    left = facts.get("left_out") or {}
    if facts.get("sheet") and len(facts.get("sheets") or []) > 1:
        notes.append(_("Sheet “{sheet}” is read; left out: {others}.").format(sheet=facts["sheet"], others=_listed(left.get("sheets") or [])))
    above = left.get("above") or []
    if facts.get("header_rows") == 2:
        notes.append(_("The header is lines {first} and {second}, joined (merged cells).").format(
            first=facts["header_row"], second=facts["header_row"] + 1))
    elif above:
        notes.append(_("The header is line {line}.").format(line=facts.get("header_row")))
    if above:
        notes.append(ngettext("%(num)d row above the header (a title) is left out: line %(lines)s.",
                              "%(num)d rows above the header (titles) are left out: lines %(lines)s.", len(above))
                     % {"num": len(above), "lines": _listed(above)})
    hidden = left.get("hidden_columns") or []
    if hidden:
        notes.append(ngettext("%(num)d hidden column is left out: %(names)s.", "%(num)d hidden columns are left out: %(names)s.",
                              len(hidden)) % {"num": len(hidden), "names": _listed(hidden)})
    totals = left.get("totals") or []
    if totals:
        notes.append(ngettext("%(num)d totals row is skipped: line %(lines)s.", "%(num)d totals rows are skipped: lines %(lines)s.",
                              len(totals)) % {"num": len(totals), "lines": _listed(f"{line} ({text})" for line, text in totals)})
    for what, name, n in facts.get("changed") or []:
        if what in CHANGED:
            notes.append(CHANGED[what](n) % {"field": _label(name, fields), "num": n})
    return notes


def found_while_reading(facts: dict | None, fields=()) -> list[str]:
    """Only what a run finds as it reads every row: totals rows skipped and cells changed."""
    facts = facts or {}
    return reading_notes({"left_out": {"totals": (facts.get("left_out") or {}).get("totals") or []},
                          "changed": facts.get("changed") or []}, fields)
