"""How big an upload may be, read from the settings (``upload_*``).

A caller may tighten a limit for its own purpose (document templates use
``document_template_max_mb``) with :meth:`UploadLimits.with_max`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 512 * MB
    # Zip-based formats (docx, xlsx, odt, ods): refused before any parser
    # opens them when they would unpack past these.
    unzipped_max_bytes: int = 4096 * MB
    zip_max_ratio: int = 250
    zip_max_entries: int = 10_000

    @classmethod
    def of(cls, settings) -> "UploadLimits":
        return cls(
            max_bytes=settings.upload_max_mb * MB,
            unzipped_max_bytes=settings.upload_unzipped_max_mb * MB,
            zip_max_ratio=settings.upload_zip_max_ratio,
            zip_max_entries=settings.upload_zip_max_entries,
        )

    def with_max(self, max_bytes: int) -> "UploadLimits":
        """The same limits with a smaller size cap (never a larger one than the instance allows)."""
        return replace(self, max_bytes=min(self.max_bytes, max_bytes))


def human(size: int) -> str:
    """A size as people read it (``"20 MB"``)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1024
    return f"{size} GB"


# Multipart framing and the other form fields around one file.
FORM_OVERHEAD = 64 * 1024


def body_limit(limits: UploadLimits) -> int:
    """``request_max_body_size`` for a route taking one file: the server stops reading past it."""
    return limits.max_bytes + FORM_OVERHEAD
