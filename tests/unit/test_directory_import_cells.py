"""Cell values of import files: formula cells, dates, numbers, labels, and CSV-safe output."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from backend.directory import standard
from backend.directory.importing import cells
from backend.directory.importing.entities import LOCAL_ID
from backend.directory.importing.inspectors import CERTIFICATE
from backend.directory.schemas import _LOCAL_ID, InspectorCreateSchema


@pytest.mark.parametrize("cell", ["=1+1", "+86 538", "-2+3", "@SUM(A1)", "\t=1+1", "\r=cmd|' /C calc'!A0",
                                  "=HYPERLINK(\"http://x\",\"y\")"])
def test_a_formula_like_cell_in_a_code_field_is_refused_not_evaluated(cell):
    with pytest.raises(cells.CellError) as caught:
        cells.code(cell)
    assert caught.value.code == "import.formula"


def test_a_formula_like_cell_in_free_text_is_kept_as_literal_text():
    assert cells.free_text("=1+1", 200) == "=1+1"
    assert cells.free_text("  @某某小吃部 ", 200) == "@某某小吃部"


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("泰安", "泰安"), ("", ""), (None, ""), (12, "12"),
])
def test_csv_safe_quotes_exactly_the_cells_a_spreadsheet_would_evaluate(value, written):
    assert cells.csv_safe(value) == written


def test_text_past_the_column_length_is_an_error():
    with pytest.raises(cells.CellError) as caught:
        cells.free_text("名" * 201, 200)
    assert caught.value.code == "import.too_long"


@pytest.mark.parametrize("written", ["2024-01-31", "2024/1/31", "2024.1.31", "2024年1月31日", "20240131",
                                     datetime(2024, 1, 31), date(2024, 1, 31)])
def test_dates_are_read_as_excel_and_people_write_them(written):
    assert cells.day(written) == date(2024, 1, 31)


@pytest.mark.parametrize("written", ["2024-02-30", "31/01/2024", "soon", "45322"])
def test_a_cell_that_is_not_a_date_is_an_error(written):
    with pytest.raises(cells.CellError) as caught:
        cells.day(written)
    assert caught.value.code == "import.invalid_date"


def test_a_negative_number_is_a_number_not_a_formula():
    assert cells.number("-12.5", -180, 180) == -12.5
    with pytest.raises(cells.CellError) as caught:
        cells.number("=12", -180, 180)
    assert caught.value.code == "import.formula"


def test_a_number_outside_its_range_is_an_error():
    with pytest.raises(cells.CellError) as caught:
        cells.number("91", -90, 90)
    assert caught.value.code == "import.out_of_range"


def test_xlsx_numbers_keep_their_digits():
    assert cells.code(370902000000012) == "370902000000012"
    assert cells.code(370902.0) == "370902"


def test_an_enumerated_cell_takes_the_code_the_label_or_a_part_of_the_label():
    lookup = cells.label_lookup(standard.REGISTRATION_STATUS_LABELS)
    assert [cells.enum(v, lookup) for v in ("operating", "存续（在营）", "存续", "在营", "OPERATING")] == ["operating"] * 5
    assert cells.enum("倒闭", lookup) == "倒闭"  # left for the rules to report with their own code


def test_multi_valued_cells_split_on_every_documented_separator():
    cell = "market_regulation；ecology,health，culture_tourism、transport;ecology"
    assert cells.values_list(cell, standard.LIST_SEPARATORS) == [
        "market_regulation", "ecology", "health", "culture_tourism", "transport"]


def test_the_importers_identifier_patterns_are_the_apis():
    assert LOCAL_ID.pattern.strip("^$") == _LOCAL_ID.regex.pattern.strip("^$")
    certificate = InspectorCreateSchema().fields["certificate_number"].validators[0]
    assert CERTIFICATE.pattern.strip("^$") == certificate.regex.pattern.strip("^$")


def _outcome(parse, cell):
    try:
        return ("value", parse(cell))
    except cells.CellError as exc:
        return ("error", exc.code)


@pytest.mark.parametrize("cell", [" 36.5 ", "117.123456", "-12.5", "", "  ", None, "nan", "inf", "200", "-200",
                                  "1e400", "abc", "=1+1", "+36", "36,5", 36.5, 12, True])
def test_the_importers_inline_coordinate_reading_agrees_with_cells_number(cell):
    from backend.directory.importing.entities import _coordinate

    assert _outcome(_coordinate(-180, 180), cell) == _outcome(lambda c: cells.number(c, -180, 180), cell)
