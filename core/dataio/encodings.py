"""Which encoding a CSV file is in: decided on evidence from across the file, and checked.

A file is sampled in :data:`WINDOWS` windows spread evenly from its first to
its last byte (each cut at line ends), not only at its head: an old system's
export whose first thousands of rows are Latin names and the rest Cyrillic
reads as ASCII at the head and gives no evidence there.

On that sample:

* a BOM decides;
* UTF-8 is chosen when the sample decodes as UTF-8, or nearly (a few broken
  bytes among many good multi-byte characters: those rows are rejected one
  by one, the file is still UTF-8);
* otherwise charset-normalizer (a maintained library that measures how
  "messy" each reading is and which language it reads as) ranks the
  single-byte readings; among the readings about as clean as the best one
  the Cyrillic one wins (this product's users bring Russian files, and
  cp1250 or cp1252 decode any byte just as cp1251 does), and among those the
  one whose text reads most like a language (cp1251 before koi8-r and
  mac-cyrillic, which tie on short samples).

Then the encoding actually used — detected or given by the user — is
checked against the same evidence (:func:`check_reading`): a reading is
flagged as garbled when charset-normalizer finds it messy, when the text is
UTF-8 read in a single-byte encoding (its words written back in that
encoding decode as UTF-8), or when another encoding reads the same bytes
clearly better. A flagged reading is never used silently: the screens and
the command line show it with a sample and the better encoding.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

WINDOWS = 32
WINDOW_BYTES = 16 * 1024
CYRILLIC = ("cp1251", "koi8-r", "koi8-u", "mac-cyrillic", "cp866", "cp1125", "iso8859-5", "ptcp154", "kz1048", "cp855")
# How much messier than the cleanest reading a Cyrillic one may be and still be preferred.
CYRILLIC_SLACK = 0.05
# charset-normalizer's own threshold for "this reading is chaos".
MESSY = 0.2
UTF8_STRAY = 20  # good multi-byte characters per broken byte still counted as UTF-8
# Words are split, never searched for: a pattern like \S*[^\x00-\x7f]\S* backtracks
# quadratically over a long run of ASCII (a 200,000-character cell took minutes).
_BYTE_GAPS = re.compile(rb"[\s;,|\"']+")
WORD_MAX = 256  # a longer "word" is a blob; its first characters are evidence enough


def canonical(name: str) -> str:
    """A codec name as Python spells it (``windows-1251`` → ``cp1251``); LookupError if unknown."""
    return codecs.lookup(name).name


def spread_sample(path: Path, *, windows: int = WINDOWS, window: int = WINDOW_BYTES) -> bytes:
    """The whole file when small, else ``windows`` slices spread evenly over it, cut at line ends.

    Cutting at ``\\n`` keeps multi-byte characters whole in every encoding
    this reads (UTF-16 is decided by its BOM before any sample matters).
    """
    size = path.stat().st_size
    with open(path, "rb") as f:
        if size <= windows * window:
            return f.read()
        step = (size - window) / (windows - 1)
        parts = []
        for i in range(windows):
            f.seek(int(i * step))
            chunk = f.read(window)
            if i:
                start = chunk.find(b"\n")
                chunk = chunk[start + 1:] if start >= 0 else b""
            if i < windows - 1:
                end = chunk.rfind(b"\n")
                chunk = chunk[:end + 1] if end >= 0 else b""
            parts.append(chunk)
    return b"".join(parts)


def _utf8_counts(sample: bytes) -> tuple[int, int]:
    """(non-ASCII characters decoded, broken bytes) of the sample read as UTF-8."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    broken = text.count("\ufffd")
    wide = sum(1 for c in text if c > "\x7f") - broken
    return wide, broken


def detect_encoding(sample: bytes) -> str:
    """The encoding the sample's bytes were written in (Python's codec name)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    wide, broken = _utf8_counts(sample)
    if broken == 0 or wide >= UTF8_STRAY * broken:
        return "utf-8"
    # The evidence is in the words holding non-ASCII bytes: thousands of Latin rows
    # around them would drown their signal (and make every Latin code page "coherent").
    wide = _wide_words(sample) or sample
    matches = _readings(wide)
    if not matches:
        return "cp1251"
    best = _preferred(matches)
    if "cp1251" in _names(best):
        return "cp1251"
    as_cp1251 = wide.decode("cp1251", errors="replace")
    if _mess(as_cp1251) <= best.chaos + CYRILLIC_SLACK and _coherence(as_cp1251) >= _coherence(wide.decode(best.encoding, errors="replace")):
        # charset-normalizer left cp1251 out (on a few words a multi-byte or another
        # Cyrillic code page fits as well), yet cp1251 reads them as cleanly and as much
        # like a language: the most common Russian encoding wins the tie.
        return "cp1251"
    return canonical(best.encoding)


def _wide_words(sample: bytes, limit: int = 48 * 1024) -> bytes:
    """The sample's words that hold non-ASCII bytes, spread over it, about ``limit`` bytes in all."""
    words = [w[:WORD_MAX] for w in _BYTE_GAPS.split(sample) if not w.isascii()]
    total = sum(len(w) + 1 for w in words)
    step = max(1, total // limit)
    return b" ".join(words[::step])


def _names(match) -> set[str]:
    """The encodings that read the bytes exactly as this match does (cp1125 and cp866 agree on Russian)."""
    out = {canonical(match.encoding)}
    for name in getattr(match, "could_be_from_charset", ()) or ():
        try:
            out.add(canonical(name))
        except LookupError:
            continue
    return out


def _readings(sample: bytes):
    from charset_normalizer import from_bytes

    # Every window counts: as many steps as the sample has windows' worth of bytes.
    steps = max(5, min(WINDOWS, len(sample) // 2048))
    return [m for m in from_bytes(sample, steps=steps, chunk_size=1024, explain=False)
            if not m.encoding.startswith(("utf_16", "utf_32"))]


def _preferred(matches):
    cleanest = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= cleanest + CYRILLIC_SLACK]
    cyrillic = [m for m in near if _names(m) & set(CYRILLIC)]
    pool = cyrillic or near
    # charset-normalizer's best() ranks by chaos alone, and on a short cp1251
    # sample mac-cyrillic ties at zero chaos; the reading whose text reads as a
    # language (coherence) is the one people meant, cp1251 first on a tie.
    return max(pool, key=lambda m: (m.coherence, -m.chaos, "cp1251" in _names(m)))


@dataclass(frozen=True)
class Reading:
    """How the file's text reads in ``encoding``: ``garbled`` holds a few words that show
    it reads as mojibake (empty when it reads clean), ``better`` an encoding that reads
    the same bytes without it, when one does."""

    encoding: str
    detected: bool
    garbled: str = ""
    better: str = ""

    def as_json(self) -> dict:
        return {"encoding": self.encoding, "detected": self.detected, "garbled": self.garbled, "better": self.better}


def _mess(text: str) -> float:
    from charset_normalizer.md import mess_ratio

    return mess_ratio(text, maximum_threshold=1.0)


def _wide_text_words(text: str) -> list[str]:
    return [w[:WORD_MAX] for w in text.split() if not w.isascii()]


def _coherence(text: str) -> float:
    from charset_normalizer.cd import coherence_ratio

    ratios = coherence_ratio(text[:20000])
    return max((ratio for _lang, ratio in ratios), default=0.0)


def _utf8_misread(text: str, encoding: str) -> list[str]:
    """Words of ``text`` that are UTF-8 bytes shown in a single-byte ``encoding`` (Ð¡Ð¾ or РЎРѕ)."""
    found = []
    for word in _wide_text_words(text)[:400]:
        for codec in {encoding, "cp1251", "cp1252", "latin-1"}:
            try:
                fixed = word.encode(codec).decode("utf-8")
            except (UnicodeError, LookupError):
                continue
            if fixed != word:
                found.append(word)
                break
    return found


def check_reading(sample: bytes, encoding: str, *, detected: bool, best: str | None = None) -> Reading:
    """Flag a reading of ``sample`` in ``encoding`` that is mojibake, with the evidence.

    ``best``: what :func:`detect_encoding` said of the sample, when already asked."""
    encoding = canonical(encoding)
    wide = _wide_words(sample)
    text = wide.decode(encoding, errors="replace")  # the words that differ between encodings, nothing else
    words = _wide_text_words(text)
    if not words:
        return Reading(encoding, detected)  # plain ASCII reads the same in every encoding
    misread = _utf8_misread(text, encoding) if not encoding.startswith("utf") else []
    if len(misread) * 2 >= min(len(words), 400):
        return Reading(encoding, detected, _sample_words(misread), "" if encoding.startswith("utf") else "utf-8")
    best = best or detect_encoding(sample)
    best_name = canonical(best)
    mess = _mess(text)
    if best_name != encoding and best_name.replace("-sig", "") != encoding.replace("-sig", ""):
        best_text = wide.decode(best, errors="replace")
        other = _mess(best_text)
        if other + 0.02 < mess or (mess >= MESSY and other < MESSY):
            return Reading(encoding, detected, _sample_words(words), best_name)
        if _coherence(best_text) > _coherence(text) + 0.1:
            # As clean, but fewer of its words are words of a language (ќбщество for Общество).
            return Reading(encoding, detected, _sample_words(words), best_name)
        if best_name in CYRILLIC and encoding not in CYRILLIC and _cyrillic_share(wide.decode(best, errors="replace")) > 0.5:
            # Both read without mess, but only one of them as letters of one alphabet.
            return Reading(encoding, detected, _sample_words(words), best_name)
    if mess >= MESSY:
        return Reading(encoding, detected, _sample_words(words), "")
    return Reading(encoding, detected)


def _cyrillic_share(text: str) -> float:
    wide = [c for c in text if c > "\x7f" and c.isalpha()]
    if not wide:
        return 0.0
    return sum(1 for c in wide if "\u0400" <= c <= "\u04ff") / len(wide)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def _sample_words(words: list[str]) -> str:
    """A few words to show; control characters dropped (a NUL cannot even be stored in PostgreSQL text)."""
    return _CONTROLS.sub("", " ".join(list(dict.fromkeys(words))[:4]))[:120]


def file_reading(path: os.PathLike, encoding: str | None = None) -> tuple[Reading, bytes]:
    """The file's encoding (given, or detected from a spread sample) and how it reads."""
    sample = spread_sample(Path(path))
    if encoding:
        return check_reading(sample, encoding, detected=False), sample
    best = detect_encoding(sample)
    return check_reading(sample, best, detected=True, best=best), sample
