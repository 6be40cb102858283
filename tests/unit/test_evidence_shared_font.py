"""SharedFont: the documents' font parsed once per export gives the same PDFs as add_font."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from fpdf import FPDF

from backend.evidence import documents
from backend.evidence.pdf import FAMILY, FONT_FILE, shared_font
from backend.evidence.shared_font import SharedFont
from tests.support.evidence_packages import CASE_NUMBER, T0, facts, make_png_signature

ROWS = [documents.ItemRow(n, "photo", "image/jpeg", 2_000_000 + n, T0 + timedelta(minutes=n), (36.1801, 117.0912),
                          "张明", f"data/media/{n:064x}.jpg", f"{n:064x}", f"{n + 7:064x}") for n in range(1, 40)]
DATA = documents.DocumentData(CASE_NUMBER, facts(), T0 + timedelta(days=4), ROWS,
                              [documents.SignatureImage("王芳", "ab" * 32, make_png_signature(3))])


def test_every_document_is_byte_for_byte_the_same_with_the_shared_font() -> None:
    font = shared_font()
    for _ in range(2):  # lent twice over: nothing one document does to the font leaks into the next
        for name, make in documents.DOCUMENTS:
            assert make(replace(DATA, font=font)) == make(DATA), name


def test_what_one_document_does_to_the_font_does_not_reach_the_next() -> None:
    font = SharedFont(FAMILY, FONT_FILE)

    def render(text: str, lend: bool) -> bytes:
        pdf = FPDF()
        if lend:
            font.add_to(pdf)
        else:
            pdf.add_font(FAMILY, "", str(FONT_FILE))
        pdf.set_creation_date(T0)
        pdf.add_page()
        pdf.set_font(FAMILY, size=12)
        pdf.cell(text=text)
        return bytes(pdf.output())

    # A character the font lacks (Extension B); glyphs made of components (most of this font's
    # hanzi, and accented letters), which writing a PDF unpacks in place; then plain text.
    for text in ("\U0002a6a5 不在字库", "Àé½ 案号 泰市监", "案号 2026", "Àé½ 案号 泰市监"):
        assert render(text, lend=True) == render(text, lend=False), text


def test_a_font_can_be_lent_to_a_document_only_once() -> None:
    font, pdf = shared_font(), FPDF()
    font.add_to(pdf)
    with pytest.raises(ValueError, match="already has"):
        font.add_to(pdf)


def test_a_documents_glyphs_are_its_own_copies_however_they_are_read() -> None:
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    from backend.evidence.shared_font import _GlyphsCopiedOnRead

    shared = {"a": Glyph(b""), "b": Glyph(b"")}
    glyphs = _GlyphsCopiedOnRead(shared)
    assert glyphs["a"] is glyphs["a"] is not shared["a"]
    assert glyphs.get("b") is not shared["b"] and glyphs.get("c") is None
    assert not {id(g) for g in glyphs.values()} & {id(g) for g in shared.values()}
