"""Uploaded file names: only ever a label, never a path.

A browser sends a base name, but a client can send anything: ``../../etc``,
``C:\\boot.ini``, ``/etc/passwd``, NUL or other control characters, names
that are reserved on Windows. Files are stored under a generated name (see
:mod:`core.uploads.store`); the name kept for display and downloads is the
last path component, cleaned by pathvalidate (a well-kept library for exactly
this), so it can never point anywhere.
"""

from __future__ import annotations

import re
import unicodedata

from pathvalidate import sanitize_filename

from core.i18n import _
from core.uploads.errors import UploadRefused

MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_name(raw: str | None) -> str:
    """The display name for an uploaded file; raises :class:`UploadRefused` when nothing usable is left."""
    if not raw:
        raise UploadRefused(_("the file has no name"))
    # Control characters (NUL included) are dropped first: a NUL truncates
    # the name in C-based tools and would hide what follows it.
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(raw)))
    # Both separators, whatever the server's OS: a name from Windows may use "\".
    base = re.split(r"[\\/]", text)[-1]
    base = re.sub(r"^[A-Za-z]:", "", base)  # "C:name" (drive-relative) keeps only "name"
    base = sanitize_filename(base, platform="universal", max_len=MAX_NAME).strip().lstrip(".")
    if not base:
        raise UploadRefused(_("the file name {name!r} has nothing usable left once its path is removed").format(name=raw[:80]))
    return base


def extension(name: str) -> str:
    """The lower-case extension with its dot (``".docx"``), or ""."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""
