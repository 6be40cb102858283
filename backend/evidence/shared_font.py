"""The CJK font parsed once per export and lent to each of its documents.

fpdf2's `add_font` parses the font for every document, and an export makes five: the cmap of
~34,600 characters, the names, widths and outlines of ~49,500 glyphs, about 0.3 s a document,
most of the documents' cost. SharedFont parses them once. fpdf2 subsets the fontTools object
in place when it writes a PDF (and closes it), so each document gets its own object: the font
file opened as fpdf2 opens it, with copies of the parsed tables put in (glyphs copied only when
the subsetter reads them), so nothing one document's subsetting changes reaches the next. The
PDFs come out byte for byte as with `add_font` (tests/unit/test_evidence_shared_font.py guards
that against upgrades of fpdf2 and fontTools).
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fontTools import ttLib
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# The tables whose parsing costs; copying them is far cheaper. The others are small and are
# read from the file, as fpdf2 reads them.
COPIED_TABLES = ("cmap", "glyf", "hmtx", "loca", "post")


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
        font = self._parsed.ttfont
        self._tables = {tag: font[tag] for tag in COPIED_TABLES if tag in font}
        for subtable in font["cmap"].tables:
            subtable.ensureDecompiled()  # a lazy subtable would read the closed file later
        self._glyph_order = font.getGlyphOrder()
        self._parsed.close()
        self._parsed.ttfont = None

    def add_to(self, pdf: FPDF) -> None:
        parsed = self._parsed
        if parsed.fontkey in pdf.fonts:
            raise ValueError(f"{pdf!r} already has the font {parsed.fontkey}")
        font = copy.copy(parsed)  # shares the read-only cmap, glyph ids and descriptor
        font.i = len(pdf.fonts) + 1
        font.ttfont = ttLib.TTFont(parsed.ttffile, recalcTimestamp=False,
                                   fontNumber=parsed.collection_font_number, lazy=True)
        font.ttfont.setGlyphOrder(list(self._glyph_order))
        for tag, table in self._tables.items():
            font.ttfont.tables[tag] = _copy_table(tag, table)
        font.cw = copy.copy(parsed.cw)  # a defaultdict: looking up a missing character adds it
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[parsed.fontkey] = font


def _copy_table(tag: str, table: Any) -> Any:
    """A copy the subsetter may change at will: its lists and dicts copied, and for the cmap
    its subtables, for glyf its glyphs (writing a glyph unpacks it in place)."""
    new = _shallow(table)
    if tag == "cmap":
        new.tables = [_shallow(subtable) for subtable in table.tables]
    elif tag == "glyf":
        new.glyphs = _GlyphsCopiedOnRead(table.glyphs)
    return new


class _GlyphsCopiedOnRead(dict):  # type: ignore[type-arg]
    """The glyphs by name, each copied the first time it is read and the copy kept. The
    subsetter reads only the glyphs it keeps (a few hundred of ~49,500), so the rest are never
    copied; whatever it reads, it changes only this document's copies."""

    def __init__(self, shared: dict[str, Glyph]) -> None:
        super().__init__(shared)
        self._copied: set[str] = set()

    def __getitem__(self, name: str) -> Glyph:
        glyph = super().__getitem__(name)
        if name not in self._copied:
            glyph = _copy_glyph(glyph)
            self[name] = glyph
        return glyph

    def __setitem__(self, name: str, glyph: Glyph) -> None:
        super().__setitem__(name, glyph)
        self._copied.add(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def values(self) -> Any:
        self._copy_all()
        return super().values()

    def items(self) -> Any:
        self._copy_all()
        return super().items()

    def pop(self, name: str, *default: Any) -> Any:
        if name in self:
            self[name]  # noqa: B018 - copies it first
        return super().pop(name, *default)

    def _copy_all(self) -> None:
        for name in list(self.keys()):
            self[name]  # noqa: B018


def _shallow(obj: Any) -> Any:
    new = copy.copy(obj)
    for name, value in vars(new).items():
        if isinstance(value, (dict, list)):
            setattr(new, name, copy.copy(value))
    return new


def _copy_glyph(glyph: Glyph) -> Glyph:
    new = Glyph.__new__(Glyph)  # not copy.copy: Glyph's __getattr__ unpacks the glyph
    new.__dict__.update(glyph.__dict__)
    return new
