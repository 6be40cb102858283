"""The check record's canonical JSON is RFC 8785 (JCS): numbers as JavaScript writes them."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import struct
import subprocess

import pytest

from backend.field.canonical import canonical_json, es_number
from backend.field.validation import digest_of


@pytest.mark.parametrize(("value", "text"), [
    (1.0, "1"), (12.0, "12"), (-3.0, "-3"), (0.5, "0.5"),
    (1e21, "1e+21"), (1e20, "100000000000000000000"), (123456789012345680000.0, "123456789012345680000"),
    (1e-7, "1e-7"), (1e-6, "0.000001"), (1.5e-7, "1.5e-7"), (0.0001, "0.0001"), (-0.00001234, "-0.00001234"),
    (-0.0, "0"), (0.0, "0"),
    (0.1 + 0.2, "0.30000000000000004"), (0.1 * 3, "0.30000000000000004"), (1.1 + 2.2, "3.3000000000000003"),
    (1e16, "10000000000000000"), (2.0 ** 53, "9007199254740992"),
    (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (36.190123, "36.190123"), (8.5, "8.5"), (123456.789, "123456.789"),
])
def test_a_number_is_written_as_javascript_writes_it(value: float, text: str) -> None:
    assert es_number(value) == text
    assert canonical_json(value) == text.encode()


@pytest.mark.parametrize(("value", "text"), [
    (12, "12"), (0, "0"), (-7, "-7"),
    (2 ** 53, "9007199254740992"), (2 ** 53 + 1, "9007199254740992"),  # a double cannot hold 2**53 + 1
    (10 ** 21, "1e+21"), (123456789012345678901234567890, "1.2345678901234568e+29"),
    (-(10 ** 22), "-1e+22"),
])
def test_integers_are_doubles_as_in_javascript(value: int, text: str) -> None:
    assert canonical_json(value) == text.encode()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10 ** 400, "\ud800", {"\udfff": 1}])
def test_what_has_no_canonical_form_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        canonical_json(value)


def test_the_rfc_8785_example_is_written_byte_for_byte() -> None:
    parsed = json.loads('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
                        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
                        ' "literals": [null, true, false]}')
    assert canonical_json(parsed) == ('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,'
                                      '1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}').encode()


def test_keys_are_sorted_by_utf16_code_units_as_in_rfc_8785() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001F600", "\u0080", "\u00f6"]
    written = canonical_json({k: i for i, k in enumerate(keys)}).decode()
    assert [k for k, _ in json.loads(written, object_pairs_hook=list)] == [
        "\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001F600", "\ufb33"]  # the emoji's surrogates sort before U+FB33


def test_the_same_record_parsed_from_other_spellings_of_its_numbers_has_one_digest() -> None:
    spellings = ['{"gps": [{"lat": 36.0, "accuracy_m": 1e1}], "answers": {"q": 1.0E-7}, "digest": "x"}',
                 '{"gps": [{"lat": 36, "accuracy_m": 10}], "answers": {"q": 0.0000001}, "digest": "y"}',
                 '{"answers":{"q":1e-7},"gps":[{"accuracy_m":10.000,"lat":3.6e1}]}']
    digests = {digest_of(json.loads(text)) for text in spellings}
    assert digests == {hashlib.sha256(b'{"answers":{"q":1e-7},"gps":[{"accuracy_m":10,"lat":36}]}').hexdigest()}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_random_doubles_are_written_exactly_as_node_writes_them() -> None:
    rng = random.Random(8785)
    values = [struct.unpack("<d", rng.randbytes(8))[0] for _ in range(5000)]
    values = [v for v in values if v == v and abs(v) != float("inf")]
    values += [rng.uniform(-180, 180) for _ in range(1000)] + [rng.randrange(-(2 ** 60), 2 ** 60) for _ in range(500)]
    script = ("const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(v.map((x) => JSON.stringify(x))));")
    node = subprocess.run(["node", "-e", script], input=json.dumps(values), capture_output=True, text=True,
                          check=True, timeout=60)
    assert [canonical_json(v).decode() for v in values] == json.loads(node.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_apps_canonical_json_writes_the_same_bytes_for_random_records() -> None:
    from pathlib import Path

    module = Path(__file__).resolve().parents[2] / "pwa" / "src" / "record" / "canonical.js"
    rng = random.Random(2026)

    def value(depth: int) -> object:
        pick = rng.randrange(9 if depth < 3 else 6)
        if pick == 0:
            return rng.choice([None, True, False])
        if pick == 1:
            return rng.randrange(-(2 ** 53), 2 ** 53)
        if pick == 2:
            return struct.unpack("<d", rng.randbytes(8))[0] if rng.random() < 0.5 else rng.uniform(-1e-5, 1e-5)
        if pick == 3:
            return round(rng.uniform(-180, 180), rng.randrange(8))
        if pick in (4, 5):
            return "".join(chr(rng.choice([rng.randrange(0x20), rng.randrange(0x20, 0x7f), rng.randrange(0x4e00, 0x9fff),
                                           rng.randrange(0xe000, 0x10000), rng.randrange(0x10000, 0x1ffff)]))
                           for _ in range(rng.randrange(6)))
        if pick in (6, 7):
            return {str(value(9)) + str(n): value(depth + 1) for n in range(rng.randrange(5))}
        return [value(depth + 1) for _ in range(rng.randrange(5))]

    records = [v for v in (value(0) for _ in range(400)) if not (isinstance(v, float) and v != v)]
    records = [r for r in records if "inf" not in json.dumps(r).lower() and "nan" not in json.dumps(r).lower()]
    script = (f"import {{ canonicalJson }} from {json.dumps(module.as_uri())};"
              "const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(v.map(canonicalJson)));")
    script = script.replace("require('fs')", "(await import('node:fs'))")
    node = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(records), capture_output=True,
                          text=True, check=True, timeout=60)
    assert [canonical_json(r).decode() for r in records] == json.loads(node.stdout)
