"""Envelopes and address labels to PDF (fpdf2), Cyrillic included.

fpdf2's core fonts cover Latin-1 only, so a TrueType font with Cyrillic is
embedded: the ``document_font`` setting, else DejaVu Sans where the system
has it (Debian and Ubuntu: ``fonts-dejavu-core``; Fedora: ``dejavu-sans-fonts``).
No font file is shipped in the repository.

An address is a list of lines (the addressee first). A line that does not
fit is wrapped, and a label's text shrinks (down to 6 pt) until it fits its
cell; what still does not fit is cut, never spilled onto the next label.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.i18n import _
from core.permissions.errors import Invalid

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
PT = 25.4 / 72  # mm per point


class FontMissing(Invalid):
    def __init__(self, message: str):
        super().__init__({"font": message})
        self.status = 503


@dataclass(frozen=True)
class Sheet:
    """A sheet of labels (mm): ``cols`` x ``rows`` cells of ``w`` x ``h``."""

    label: str
    cols: int
    rows: int
    w: float
    h: float
    left: float
    top: float
    gap_x: float = 0.0
    gap_y: float = 0.0
    padding: float = 3.0


# Common A4 sheets (Avery/Herma sizes, sold in Russia as 24, 14 and 21 labels a sheet).
SHEETS = {s.label: s for s in (
    Sheet("A4 3x8 (70x37 mm)", 3, 8, 70, 37, 0, 0.5),
    Sheet("A4 2x7 (99.1x38.1 mm)", 2, 7, 99.1, 38.1, 4.65, 15.15, gap_x=2.5),
    Sheet("A4 3x7 (63.5x38.1 mm)", 3, 7, 63.5, 38.1, 7.2, 15.15, gap_x=2.5),
)}
SHEET_KEYS = {"3x8": "A4 3x8 (70x37 mm)", "2x7": "A4 2x7 (99.1x38.1 mm)", "3x7": "A4 3x7 (63.5x38.1 mm)"}
# Envelope sizes (mm, landscape): DL (Е65) is the common Russian business envelope.
ENVELOPES = {"DL": (220, 110), "C6": (162, 114), "C5": (229, 162), "C4": (324, 229)}


def find_font(settings) -> Path:
    explicit = getattr(settings, "document_font", "")
    for candidate in ([explicit] if explicit else FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(_("no font with Cyrillic for PDF: install DejaVu Sans (Debian: fonts-dejavu-core) or set document_font"))


def _pdf(settings, fmt) -> FPDF:
    # Imported here, not at the top: fpdf2 and fontTools take ~0.6 s to import,
    # which every CLI command, worker and app start would pay for nothing.
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait" if fmt == "A4" else "landscape", unit="mm", format=fmt)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("body", "", str(find_font(settings)))
    pdf.set_creator("Klientela")
    return pdf


def _clean(lines) -> list[str]:
    return [" ".join(str(line).split()) for line in lines if line and str(line).strip()]


def _block(pdf: FPDF, x: float, y: float, w: float, h: float, lines: list[str], size: float, min_size: float = 6) -> None:
    """Lines in a box: shrink until they fit, then cut what still does not."""
    text = "\n".join(lines)
    while True:
        pdf.set_font("body", size=size)
        height = size * PT * 1.25
        wrapped = pdf.multi_cell(w, height, text, dry_run=True, output="LINES")
        if len(wrapped) * height <= h or size <= min_size:
            break
        size -= 0.5
    fit = max(1, int(h // height))
    pdf.set_xy(x, y)
    pdf.multi_cell(w, height, "\n".join(wrapped[:fit]), align="L", new_x="LEFT", new_y="NEXT")


def envelopes_pdf(settings, recipients: list[list[str]], sender: list[str] | None = None, size: str = "DL") -> bytes:
    """One envelope a page: the sender top left (optional), the addressee bottom right."""
    if size not in ENVELOPES:
        raise ValueError(f"envelope size must be one of {', '.join(ENVELOPES)}")
    w, h = ENVELOPES[size]
    pdf = _pdf(settings, (h, w))
    for lines in recipients:
        pdf.add_page()
        if sender:
            _block(pdf, 10, 10, w * 0.42, h * 0.35, _clean(sender), 9)
        _block(pdf, w * 0.48, h * 0.52, w * 0.48, h * 0.42, _clean(lines), 12)
    return bytes(pdf.output())


def labels_pdf(settings, addresses: list[list[str]], sheet: str = "3x8", skip: int = 0) -> bytes:
    """Address labels on A4 sheets, filled row by row; ``skip`` leaves the first cells
    of the first sheet empty (a partly used sheet goes back into the printer)."""
    spec = SHEETS[SHEET_KEYS.get(sheet, sheet)]
    pdf = _pdf(settings, "A4")
    per_page = spec.cols * spec.rows
    cells = [None] * max(0, min(skip, per_page - 1)) + [_clean(a) for a in addresses]
    for i, lines in enumerate(cells):
        if i % per_page == 0:
            pdf.add_page()
        if not lines:
            continue
        n = i % per_page
        col, row = n % spec.cols, n // spec.cols
        x = spec.left + col * (spec.w + spec.gap_x) + spec.padding
        y = spec.top + row * (spec.h + spec.gap_y) + spec.padding
        _block(pdf, x, y, spec.w - 2 * spec.padding, spec.h - 2 * spec.padding, lines, 10)
    if not cells:
        pdf.add_page()
    return bytes(pdf.output())
