"""Whether a file that claims to be CSV text is text at all.

:func:`core.uploads.kinds.detect` calls a file "csv" when it carries no known
binary signature, so random bytes, an archive of an unknown kind or a
database file renamed ``.csv`` would pass as text and reach the importer,
which would then reject every "row" one by one. This check refuses them up
front, with a reason, before any parser runs: the first
:data:`SAMPLE_BYTES` must hold no NUL byte (unless a UTF-16 byte-order mark
says so), must decode in the encoding the importer would detect, and must
hold no control characters besides tab, line breaks, form feed and the old
end-of-file mark.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from core.i18n import _

SAMPLE_BYTES = 64 * 1024  # what the CSV reader samples for its own encoding and delimiter guess
ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def text_problem(path: Path) -> str | None:
    """Why this file is not text (for the user), or ``None`` when it reads as text."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if b"\x00" in sample and not sample.startswith(UTF16_BOMS):
        return _("the file contains NUL bytes, so it is a binary file, not CSV text")
    from core.dataio.readers import detect_encoding  # the importer's own guess, so both agree

    from core.dataio.encodings import UTF8_STRAY

    encoding = detect_encoding(sample)
    try:
        # The sample may end inside a multi-byte character: decode incrementally, not final.
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    except LookupError:
        text = "\ufffd"
    # A few broken bytes among many good characters are rows the import rejects one by one
    # (the detector calls such a file UTF-8 too); more than that is not text in this encoding.
    broken = text.count("\ufffd")
    if broken and broken * UTF8_STRAY > sum(1 for ch in text if ch > "\x7f") - broken:
        return _("the file cannot be read as text in {encoding}; save it as CSV (UTF-8) and upload it again").format(encoding=encoding)
    if any(ch < " " and ch not in ALLOWED_CONTROLS for ch in text):
        return _("the file contains control characters, so it is a binary file, not CSV text")
    return None
