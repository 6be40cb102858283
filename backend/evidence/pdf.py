"""Page layout shared by the package's documents: A4, a CJK font embedded as a subset.

The font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0), shipped in backend/evidence/fonts/
as Debian packages it (docs/adr/0012-fpdf2-for-chinese-pdfs.md). fpdf2 embeds only the
glyphs a document uses, so a document costs tens of kilobytes, not the font's 5 MB. An export
parses the font once and lends it to its five documents (`shared_font()`).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from backend.evidence.shared_font import SharedFont

FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FAMILY = "wqy-microhei"
BODY_PT = 11
LINE_MM = 6.5


def shared_font() -> SharedFont:
    """The documents' font, parsed once, for the documents of one export."""
    return SharedFont(FAMILY, FONT_FILE, collection_font_number=0)


class CaseDocument(FPDF):
    """One document of a case: a title, a case-number line, numbered pages."""

    def __init__(self, title: str, case_number: str, made_at: datetime, *, landscape: bool = False,
                 font: SharedFont | None = None) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.doc_title = title
        self.case_number = case_number
        if font is None:
            self.add_font(FAMILY, "", str(FONT_FILE), collection_font_number=0)
        else:
            font.add_to(self)  # the same bytes, without parsing the font again
        self.set_lang("zh-CN")
        self.set_title(title)
        self.set_subject(f"案号 {case_number}")
        self.set_creator("ssgk-inspection evidence package")
        self.set_creation_date(made_at)  # the same input gives the same bytes
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.add_page()
        self.set_font(FAMILY, size=18)
        self.cell(0, 12, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=BODY_PT)
        self.cell(0, LINE_MM, f"案号：{case_number}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, f"{self.doc_title}　{self.case_number}　第 {self.page_no()} 页 共 {{nb}} 页", align="C")

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font(FAMILY, size=13)
        self.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
        self.set_font(FAMILY, size=BODY_PT)

    def paragraph(self, text: str, *, indent: bool = True) -> None:
        for line in (text or "（无）").splitlines() or [""]:
            self.multi_cell(0, LINE_MM, ("　　" if indent else "") + line, new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT, wrapmode=WrapMode.CHAR, align="L")

    def fields(self, rows: Sequence[tuple[str, str]], label_mm: float = 46) -> None:
        """Label/value pairs in a borderless two-column table."""
        with self.table(col_widths=(label_mm, self.epw - label_mm), first_row_as_headings=False,
                        borders_layout="NONE", text_align="LEFT", wrapmode=WrapMode.CHAR,
                        line_height=LINE_MM) as table:
            for label, value in rows:
                row = table.row()
                row.cell(f"{label}：")
                row.cell(value or "—")

    def grid(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
             size: float = 9) -> None:
        """A bordered table whose heading row repeats on every page."""
        self.set_font(FAMILY, size=size)
        with self.table(col_widths=tuple(widths), text_align="LEFT", wrapmode=WrapMode.CHAR,
                        headings_style=FontFace(fill_color=(225, 225, 225)), line_height=size * 0.5,
                        padding=1) as table:
            table.row(list(headings))
            for values in rows:
                table.row(list(values))
        self.set_font(FAMILY, size=BODY_PT)

    def long_grid(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
                  size: float = 7) -> None:
        """A bordered table drawn line by line, for hundreds of rows (fpdf2's table() lays out each
        cell's text with its full engine, ~20 ms a row). Cells wrap at characters; a row that would
        cross the page's end starts a new page under repeated headings."""
        line = size * 0.45
        self.set_font(FAMILY, size=size)

        def draw(cells: Sequence[str], fill: bool) -> None:
            wrapped = [self._wrap(text, w - 2) for text, w in zip(cells, widths)]
            height = max(len(lines) for lines in wrapped) * line + 2
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                draw(headings, True)
            x, y = self.l_margin, self.get_y()
            for lines, w in zip(wrapped, widths):
                self.rect(x, y, w, height, style="DF" if fill else "D")
                for n, text in enumerate(lines):
                    self.text(x + 1, y + 1 + line * (n + 0.8), text)
                x += w
            self.set_y(y + height)

        self.set_fill_color(225, 225, 225)
        draw(headings, True)
        for values in rows:
            draw(values, False)
        self.set_font(FAMILY, size=BODY_PT)

    def _wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            while self.get_string_width(paragraph) > width:
                cut = len(paragraph) - 1
                while cut > 1 and self.get_string_width(paragraph[:cut]) > width:
                    cut -= 1
                lines.append(paragraph[:cut])
                paragraph = paragraph[cut:]
            lines.append(paragraph)
        return lines

    def signature_lines(self, labels: Sequence[str]) -> None:
        self.ln(4)
        for label in labels:
            self.cell(0, LINE_MM * 1.6, f"{label}：________________　　日期：____年__月__日",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def render(self) -> bytes:
        return bytes(self.output())
