"""Reading an import file as a stream of rows: CSV (UTF-8 or GB18030) or XLSX (first sheet).

What a file is comes from its bytes, not its name. A ZIP that holds `xl/workbook.xml` is read as
XLSX; text is read as CSV; anything else (a PDF, an old .xls, UTF-16 text, binary data) is
refused. Every file-level problem raises `FileRejected` with a stable code and, where it
applies, the line or row.

CSV encodings: a UTF-8 BOM means UTF-8; otherwise the encoding is decided at the first block of
lines that is not plain ASCII: strict UTF-8 if it decodes, else GB18030 (what Excel writes on
Chinese Windows). A later block that does not decode in that encoding is a file-level error
naming its line. The file is read in 1 MiB blocks cut at line ends (0x0A never occurs inside a
UTF-8 or GB18030 character), so memory stays flat whatever the file's size.
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

_BLOCK = 1 << 20
_MAX_LINE = 16 << 20  # a "line" this long is not a directory row
_MAX_SHARED_STRINGS = 512 << 20  # openpyxl keeps an XLSX's shared-string table in memory
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRejected(Exception):
    """The file as a whole cannot be imported; `code` is stable, `line` is 1-based where known."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


@dataclass
class Source:
    format: str  # csv | xlsx
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number as a spreadsheet shows it, cells); blank rows skipped
    size: int
    sheet_rows: int | None = None  # XLSX: data rows per the sheet's dimension, when it has one
    _file: BinaryIO | None = field(default=None, repr=False)
    _reader: Any = field(default=None, repr=False)

    @property
    def encoding(self) -> str | None:
        """CSV: utf-8 or gb18030 once a character outside ASCII was read, else ascii; XLSX: None."""
        if self.format != "csv":
            return None
        return getattr(self._reader, "encoding", None) or "ascii"

    def estimate_rows(self) -> int | None:
        """Data rows in the whole file, estimated from what was read so far (CSV: its line ends)."""
        if self.format != "csv":
            return self.sheet_rows
        lines: _Lines = self._reader
        if not lines.bytes_read:
            return None
        return max(round(lines.newlines * self.size / lines.bytes_read) - 1, 0)

    @property
    def bytes_read(self) -> int | None:
        """How far into the file reading has got (CSV); None when unknown (XLSX)."""
        return getattr(self._reader, "bytes_read", None)

    def close(self) -> None:
        if self._reader is not None and hasattr(self._reader, "close"):
            self._reader.close()
        if self._file is not None:
            self._file.close()


def open_source(path: Path) -> Source:
    """Open an import file; raises FileRejected for a file that is not a readable CSV or XLSX."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected("import.empty_file", "the file is empty")
    f = path.open("rb")
    try:
        head = f.read(8)
        f.seek(0)
        _refuse_known_non_spreadsheets(head)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            source = _open_xlsx(f, size)
        else:
            source = _open_csv(f, size)
    except BaseException:
        f.close()
        raise
    return source


def _refuse_known_non_spreadsheets(head: bytes) -> None:
    if head.startswith(b"%PDF-"):
        raise FileRejected("import.not_a_spreadsheet", "a PDF document, not a CSV or XLSX spreadsheet")
    if head.startswith(_OLE2):
        raise FileRejected("import.unsupported_format",
                           "an old-format Excel workbook (.xls) or other OLE file: save it as .xlsx or as CSV")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected("import.unsupported_format",
                           "UTF-16 text (Excel's 'Unicode text'): save it as 'CSV UTF-8' or as .xlsx")


# ------------------------------------------------------------------ CSV


class _Lines:
    """The file's text, block by block of whole lines, decoded strictly."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.bytes_read = 0
        self.newlines = 0
        self.encoding: str | None = None
        self._lines_before = 0

    def blocks(self) -> Iterator[str]:
        pending = b""
        first = True
        while True:
            block = self.f.read(_BLOCK)
            self.bytes_read += len(block)
            self.newlines += block.count(b"\n")
            if first:
                first = False
                if block.startswith(codecs.BOM_UTF8):
                    block, self.encoding = block[3:], "utf-8"
            data = pending + block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    if len(data) > _MAX_LINE:
                        raise FileRejected("import.not_a_spreadsheet",
                                           f"line {self._lines_before + 1} is longer than {_MAX_LINE >> 20} MiB: "
                                           "not a CSV file", self._lines_before + 1)
                    pending = data
                    continue
                data, pending = data[:cut], data[cut:]
            elif not data:
                return
            if b"\x00" in data:
                line = self._lines_before + data.count(b"\n", 0, data.index(b"\x00")) + 1
                raise FileRejected("import.not_a_spreadsheet",
                                   f"line {line} holds binary data (NUL bytes): not a CSV text file", line)
            yield self._decode(data)
            self._lines_before += data.count(b"\n")
            if not block:
                return

    def _line_at(self, data: bytes, offset: int) -> int:
        return self._lines_before + data.count(b"\n", 0, offset) + 1

    def _decode(self, data: bytes) -> str:
        if self.encoding is None:
            if data.isascii():
                return data.decode("ascii")
            failures = []
            for encoding in ("utf-8", "gb18030"):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError as exc:
                    failures.append(exc.start)
                    continue
                self.encoding = encoding
                return text
            line = self._line_at(data, max(failures))
            if self._lines_before == 0 and line == 1:
                raise FileRejected("import.not_a_spreadsheet",
                                   "not a CSV (UTF-8 or GB18030 text) or XLSX file", 1)
            raise FileRejected("import.encoding", f"line {line}: the text is neither UTF-8 nor GB18030; "
                                                  "save the file as 'CSV UTF-8'", line)
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            line = self._line_at(data, exc.start)
            raise FileRejected("import.encoding",
                               f"line {line}: bytes that are not valid {self.encoding.upper()} text (the file "
                               "mixes encodings or is damaged); save it again as 'CSV UTF-8'", line) from None

    def lines(self) -> Iterator[str]:
        # chained in C: no Python frame per line
        return itertools.chain.from_iterable(map(functools.partial(io.StringIO, newline=""), self.blocks()))


def _open_csv(f: BinaryIO, size: int) -> Source:
    lines = _Lines(f)
    reader = csv.reader(lines.lines(), strict=True)
    records = _csv_records(reader)
    first = next(records, None)
    if first is None:
        raise FileRejected("import.empty_file", "the file has no rows")
    number, header = first
    if number != 1 or not any(c.strip() for c in header):
        raise FileRejected("import.no_header", "row 1 must be the header (the column names)", 1)
    return Source("csv", header, records, size, _file=f, _reader=lines)


def _csv_records(reader: Any) -> Iterator[tuple[int, list[Any]]]:
    number = 0
    try:
        for cells in reader:
            number += 1
            if cells and any(cells):
                yield number, cells
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "the file ends inside a quoted cell (is it truncated?)"
        raise FileRejected("import.damaged", f"row {number + 1}: not readable as CSV: {reason}", number + 1) from None


# ------------------------------------------------------------------ XLSX


class _Workbook:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook

    def close(self) -> None:
        self.workbook.close()


def _open_xlsx(f: BinaryIO, size: int) -> Source:
    try:
        archive = zipfile.ZipFile(f)
        names = {i.filename: i for i in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRejected("import.damaged", f"the XLSX file is damaged or truncated ({exc})") from None
    if "xl/workbook.xml" not in names:
        raise FileRejected("import.not_a_spreadsheet", "a ZIP archive, but not an XLSX workbook")
    strings = names.get("xl/sharedStrings.xml")
    if strings is not None and strings.file_size > _MAX_SHARED_STRINGS:
        raise FileRejected("import.too_large", "the workbook's text table is too large to read; save it as CSV")
    f.seek(0)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style and extension notices about the workbook
            workbook = openpyxl.load_workbook(f, read_only=True, data_only=False, keep_links=False)
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = list(_next_row(rows, 1) or ())
            estimate = (sheet.max_row - 1) if sheet.max_row else None
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - anything the parser raises on untrusted input means "damaged"
        raise FileRejected("import.damaged", f"the XLSX workbook cannot be read ({type(exc).__name__})") from None
    if not any(c not in (None, "") for c in header):
        raise FileRejected("import.no_header" if header else "import.empty_file",
                           "row 1 must be the header (the column names)" if header else "the sheet has no rows", 1)
    return Source("xlsx", [("" if c is None else str(c)) for c in header], _xlsx_rows(rows), size,
                  sheet_rows=estimate, _file=f, _reader=_Workbook(workbook))


def _next_row(rows: Iterator[tuple[Any, ...]], number: int) -> tuple[Any, ...] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return next(rows, None)
    except Exception as exc:  # noqa: BLE001 - see _open_xlsx
        raise FileRejected("import.damaged", f"row {number}: the XLSX workbook is damaged or truncated "
                                             f"({type(exc).__name__})", number) from None


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
    number = 1
    while True:
        number += 1
        cells = _next_row(rows, number)
        if cells is None:
            return
        if any(c is not None and c != "" for c in cells):
            yield number, list(cells)
