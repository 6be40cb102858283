"""The CJK font parsed once per export and lent to each of its documents.

fpdf2's `add_font` reads the font's cmap and the widths of its ~30,000 glyphs for every
document, and an export makes five. Those metrics never change, so SharedFont reads them once.
Each document still gets its own fontTools object for the font file, opened lazily as fpdf2
opens it, because fpdf2 subsets that object in place and closes it when it writes the PDF.
The PDFs come out byte for byte as with `add_font` (tests/unit/test_evidence_shared_font.py).
"""
from __future__ import annotations

import copy
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont


class SharedFont:
    """`font.add_to(pdf)` does what `pdf.add_font(family, "", path, collection_font_number=n)`
    would, without parsing the font again. Only for a plain TrueType font (not CFF, not colour),
    which is what the evidence documents use."""

    def __init__(self, family: str, path: Path, collection_font_number: int = 0) -> None:
        owner = FPDF()
        owner.add_font(family, "", str(path), collection_font_number=collection_font_number)
        self.family = family
        self._parsed: TTFFont = owner.fonts[family.lower()]
        if self._parsed.is_cff or self._parsed.color_font is not None:
            raise ValueError(f"{path}: SharedFont handles plain TrueType fonts only")
        self._parsed.close()  # the metrics are read; each document opens the file for itself
        self._parsed.ttfont = None  # and the parsed tables (tens of MB) can go

    def add_to(self, pdf: FPDF) -> None:
        parsed = self._parsed
        if parsed.fontkey in pdf.fonts:
            raise ValueError(f"{pdf!r} already has the font {parsed.fontkey}")
        font = copy.copy(parsed)  # shares the read-only cmap, glyph ids and descriptor
        font.i = len(pdf.fonts) + 1
        font.ttfont = ttLib.TTFont(parsed.ttffile, recalcTimestamp=False,
                                   fontNumber=parsed.collection_font_number, lazy=True)
        font.cw = copy.copy(parsed.cw)  # a defaultdict: looking up a missing character adds it
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[parsed.fontkey] = font
