"""Zip bombs and zip slips, refused from the central directory alone.

docx, xlsx, odt and ods are zip archives; every parser that opens them
(python-docx, openpyxl, calamine, relatorio) inflates entries. What a zip
declares is checked here before any of them runs, and nothing is inflated:

* at most ``zip_max_entries`` entries, no duplicate names;
* the declared uncompressed total stays under ``unzipped_max_bytes``;
* no entry (of more than 1 MB) and not the archive as a whole inflates more
  than ``zip_max_ratio`` times (deflate tops out near 1032x; real office
  files sit far below 100x);
* entries do not overlap (the "non-recursive" bomb reuses one compressed
  kernel under many headers);
* no absolute names, drive letters, backslashes or ``..`` components, no
  encrypted entries.

Python's zipfile never yields more than an entry's declared size, so a lying
header cannot smuggle more data past these checks into a Python reader.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from core.i18n import _
from core.uploads.errors import TooLarge, UploadRefused
from core.uploads.limits import MB, UploadLimits, human

LOCAL_HEADER = 30  # bytes before an entry's name in its local header
RATIO_FLOOR = 1 * MB  # small entries may compress extremely well (blank XML) and harm nobody
MAX_DEPTH = 32


def check_zip(path: Path, limits: UploadLimits) -> list[zipfile.ZipInfo]:
    """Raise :class:`UploadRefused`/:class:`TooLarge` for a dangerous archive; return its entries."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(_("the file is not a readable zip archive ({reason})").format(reason=exc)) from None
    if len(infos) > limits.zip_max_entries:
        raise TooLarge(_("the archive holds {n} entries; at most {limit} are accepted").format(n=len(infos), limit=limits.zip_max_entries))
    seen: set[str] = set()
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.filename in seen:
            raise UploadRefused(_("the archive holds {name!r} twice").format(name=info.filename))
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise UploadRefused(_("the archive holds an encrypted entry ({name!r}); save the file without a password").format(name=info.filename))
        total += info.file_size
        if total > limits.unzipped_max_bytes:
            raise TooLarge(_("the file would unpack to more than {limit}").format(limit=human(limits.unzipped_max_bytes)))
        if info.file_size > RATIO_FLOOR and info.file_size > limits.zip_max_ratio * max(info.compress_size, 1):
            raise TooLarge(_("the entry {name!r} would unpack {ratio}x its packed size (at most {limit}x is accepted): a zip bomb?").format(
                name=info.filename, ratio=info.file_size // max(info.compress_size, 1), limit=limits.zip_max_ratio))
    packed = max(path.stat().st_size, 1)
    if total > RATIO_FLOOR and total > limits.zip_max_ratio * packed:
        raise TooLarge(_("the file would unpack {ratio}x its size (at most {limit}x is accepted): a zip bomb?").format(
            ratio=total // packed, limit=limits.zip_max_ratio))
    _check_overlap(infos)
    return infos


def _check_name(name: str) -> None:
    bad = (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or (len(name) > 1 and name[1] == ":")
        or ".." in PurePosixPath(name).parts
        or len(PurePosixPath(name).parts) > MAX_DEPTH
    )
    if bad:
        raise UploadRefused(_("the archive holds an entry with an unsafe path ({name!r})").format(name=name[:120]))


def _check_overlap(infos: list[zipfile.ZipInfo]) -> None:
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for this, following in zip(ordered, ordered[1:]):
        # The name counted in characters: never more than its encoded bytes, so
        # this end is a lower bound and a sound archive is never refused.
        end = this.header_offset + LOCAL_HEADER + len(this.orig_filename) + this.compress_size
        if following.header_offset < end:
            raise UploadRefused(_("the archive's entries overlap ({a!r} and {b!r}): a zip bomb?").format(a=this.filename, b=following.filename))
