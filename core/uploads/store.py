"""Receiving an upload: stream to disk under a limit, check it, keep it under a generated name.

Nothing is read whole into memory: chunks are written to a partial file in
the instance's data directory as they come, and the transfer stops at the
first chunk past the size limit. Only then are the content checks run
(:mod:`core.uploads.zipcheck`, :mod:`core.uploads.kinds`), still before any
parser sees the file. A refused upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.i18n import _
from core.uploads.errors import TooLarge, UploadRefused, WrongType
from core.uploads.kinds import KINDS, Kind, detect, is_zip, kind_for_extension
from core.uploads.text import text_problem
from core.uploads.limits import UploadLimits, human
from core.uploads.names import clean_name, extension
from core.uploads.zipcheck import check_zip

CHUNK = 256 * 1024


@dataclass(frozen=True)
class StoredUpload:
    path: Path  # absolute, under <data_dir>/uploads/<area>/
    name: str  # the cleaned original name, for display and downloads
    kind: str  # a key of core.uploads.kinds.KINDS
    size: int
    sha256: str

    @property
    def mime(self) -> str:
        return KINDS[self.kind].mime


def uploads_root(settings) -> Path:
    return Path(settings.data_dir) / "uploads"


def claimed_kind(name: str, allowed: tuple[str, ...]) -> Kind:
    """The kind a file's name claims, which must be one of ``allowed`` (415 otherwise)."""
    unknown = [k for k in allowed if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown upload kinds: {unknown}")
    ext = extension(name)
    kind = kind_for_extension(ext, allowed)
    if kind is None:
        accepted = ", ".join(e for k in allowed for e in KINDS[k].extensions)
        raise WrongType(_("files of type {ext} are not accepted here (accepted: {accepted})").format(ext=ext or _("without extension"), accepted=accepted))
    return kind


def verify(path: Path, kind: Kind, limits: UploadLimits) -> None:
    """Content checks on a file already on disk: zip limits first, then the content's kind must be the claimed one."""
    if is_zip(path):
        check_zip(path, limits)
    found = detect(path)
    if found != kind.name:
        what = KINDS[found].label if found else _("something else")
        raise WrongType(_("the file is named as a {claimed} but its content is {found}").format(claimed=kind.label, found=what))
    if kind.family == "text":
        problem = text_problem(path)  # no signature is not yet proof of text: it must decode
        if problem:
            raise WrongType(problem)


def inspect_file(path: Path, allowed: tuple[str, ...], limits: UploadLimits, name: str | None = None) -> Kind:
    """Check a file that is already local (the CLI's ``klientela import FILE``) without copying it."""
    kind = claimed_kind(clean_name(name or path.name), allowed)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise TooLarge(_("the file is {size}; at most {limit} is accepted").format(size=human(size), limit=human(limits.max_bytes)))
    verify(path, kind, limits)
    return kind


async def accept(source: Any, filename: str | None, *, allowed: tuple[str, ...], area: str, settings,
                 limits: UploadLimits | None = None) -> StoredUpload:
    """Receive one uploaded file; raise :class:`~core.uploads.errors.UploadRefused` (and keep nothing) when a rule refuses it.

    ``source`` is a Litestar ``UploadFile`` (or anything with an async or sync
    ``read(n)``), or an iterable / async iterable of ``bytes`` chunks.
    ``allowed`` lists kinds of :data:`core.uploads.kinds.KINDS`; ``area``
    names the folder under ``<data_dir>/uploads`` (e.g. ``documents``).
    """
    limits = limits or UploadLimits.of(settings)
    name = clean_name(filename)
    kind = claimed_kind(name, allowed)  # before a byte is written: a wrong name costs no transfer
    folder = uploads_root(settings) / _safe_area(area) / datetime.now(timezone.utc).strftime("%Y")
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{uuid.uuid4().hex}{kind.extensions[0]}"
    partial = final.with_name(final.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            async for chunk in _chunks(source):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise TooLarge(_("the file is larger than {limit}").format(limit=human(limits.max_bytes)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("the file is empty"))
        verify(partial, kind, limits)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredUpload(path=final, name=name, kind=kind.name, size=size, sha256=digest.hexdigest())


def _safe_area(area: str) -> str:
    if not area or not area.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"upload area {area!r} must be a plain folder name")
    return area


async def _chunks(source: Any):
    read = getattr(source, "read", None)
    if read is not None:
        while True:
            chunk = read(CHUNK)
            if inspect.isawaitable(chunk):
                chunk = await chunk
            if not chunk:
                return
            yield bytes(chunk)
    elif hasattr(source, "__aiter__"):
        async for chunk in source:
            if chunk:
                yield bytes(chunk)
    else:
        for chunk in source:
            if chunk:
                yield bytes(chunk)
