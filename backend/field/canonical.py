"""The canonical JSON of a check record, over which its digest is computed: RFC 8785 (JCS).

This is what the app computes in JavaScript (pwa/src/record/canonical.js): keys sorted by UTF-16
code units, no whitespace, strings as `JSON.stringify` writes them, and every number as an IEEE
754 double written as ECMAScript's Number::toString writes it (`1` not `1.0`, `1e+21`, `1e-7`,
`0.000001`, `-0` as `0`). So the server's digest of a record does not depend on how Python would
print the numbers it parsed. NaN, Infinity, lone surrogates and integers beyond a double's range
have no canonical form (ValueError).

Not the audit log's canonical form (backend/audit/canonical.py), which is Python's json.dumps and
must stay as it is: every audit hash depends on it.
"""
from __future__ import annotations

import json
import math
from typing import Any


def canonical_json(value: Any) -> bytes:
    """UTF-8 bytes of the JCS serialization of `value` (None, bool, int, float, str, list, dict)."""
    return _write(value).encode("utf-8")  # a lone surrogate fails here: UnicodeEncodeError is a ValueError


def _write(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        try:
            return es_number(float(value))  # a JavaScript number is a double: 2**53 + 1 is 2**53
        except OverflowError:
            raise ValueError("integer out of the range of a double") from None
    if isinstance(value, float):
        return es_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_write(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("object keys must be strings")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))  # UTF-16 code unit order
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _write(value[k]) for k in keys) + "}"
    raise TypeError(f"no canonical JSON for {type(value).__name__}")


def es_number(x: float) -> str:
    """A double as ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20) writes it, which JCS adopts."""
    if not math.isfinite(x):
        raise ValueError("NaN and Infinity have no JSON form")
    if x == 0:
        return "0"  # and -0
    if x < 0:
        return "-" + es_number(-x)
    # repr() gives the shortest digits that round-trip, the closest such (as ECMAScript asks).
    mantissa, _, exponent = repr(x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    stripped = digits.rstrip("0")
    # x = int(stripped) * 10 ** (n - k), k digits, in ECMAScript's terms
    k = len(stripped)
    n = int(exponent or 0) - len(fraction) + (len(digits) - k) + k
    s = stripped
    if k <= n <= 21:
        return s + "0" * (n - k)
    if 0 < n <= 21:
        return s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + s
    e = n - 1
    return (s[0] + ("." + s[1:] if k > 1 else "")) + "e" + ("+" if e >= 0 else "-") + str(abs(e))
