"""Check and generate Chinese market-entity identifiers.

* Unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters,
  which embeds a 9-character organization code (组织机构代码, GB 11714).
* Legacy 15-digit registration number (注册号, rule GS 15-2006), whose last digit
  is an ISO 7064 MOD 11,10 check digit.

Validation never normalises silently: lower case, spaces or look-alike letters are
reported, so that the directory stores exactly what the registry issued.
Standard library only, so that import scripts and the PWA build can reuse it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from operator import mul

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 3^(i-1) mod 31 for positions 1-17 (GB 32100-2015, 4.3).
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_CODE_LENGTH = 18
REGISTRATION_NUMBER_LENGTH = 15

_CHAR_VALUE = {c: i for i, c in enumerate(CREDIT_CODE_CHARSET)}
_DIGITS = "0123456789"
# GB 11714 values letters A=10 ... Z=35, unlike GB 32100 where a letter's value is
# its index in the 31-character set; both appear in one code, so keep them apart.
_ORG_ALPHABET = _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FORBIDDEN_LETTERS = "IOZSV"
# The shape of a well-formed code (18 characters of the set, positions 3-8 ASCII digits): such a
# code is valid exactly when its two check characters are right (validate_credit_code's fast path).
_CREDIT_CODE_SHAPE = re.compile(f"[{CREDIT_CODE_CHARSET}]{{2}}[0-9]{{6}}[{CREDIT_CODE_CHARSET}]{{10}}")
_ORG_VALUE = {c: i for i, c in enumerate(_ORG_ALPHABET)}


@dataclass(frozen=True)
class IdentifierProblem:
    """One reason an identifier is invalid; `code` is stable for API clients."""

    code: str
    message: str
    message_zh: str
    position: int | None = None  # 1-based character position, when one applies


# --------------------------------------------------------------------- checks


def credit_code_check_char(first17: str) -> str:
    """Check character (position 18) for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _CHAR_VALUE for c in first17):
        raise ValueError("expected 17 characters from the GB 32100 character set")
    total = sum(_CHAR_VALUE[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character (9th) of a GB 11714 organization code body of 8 characters."""
    if len(first8) != 8 or any(c not in _ORG_ALPHABET for c in first8):
        raise ValueError("expected 8 digits or upper-case letters")
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def registration_number_check_digit(first14: str) -> str:
    """ISO 7064 MOD 11,10 check digit for the first 14 digits of a registration number."""
    if len(first14) != 14 or any(c not in _DIGITS for c in first14):
        raise ValueError("expected 14 digits")
    p = 10
    for ch in first14:
        s = (p + int(ch)) % 10
        if s == 0:
            s = 10
        p = (2 * s) % 11
    # The check digit c is the one that makes the running sum (p + c) mod 10 equal 1.
    return str((11 - p) % 10)


# ----------------------------------------------------------------- validation


def validate_credit_code(code: str) -> list[IdentifierProblem]:
    """All problems with a unified social credit code; empty list when valid."""
    if _CREDIT_CODE_SHAPE.fullmatch(code) is not None and _check_chars_right(code):
        return []  # the common case, decided without building anything (a bulk import checks millions)
    problems: list[IdentifierProblem] = []
    if len(code) != CREDIT_CODE_LENGTH:
        problems.append(IdentifierProblem(
            "credit_code.length",
            f"A unified social credit code has 18 characters, got {len(code)}.",
            f"统一社会信用代码应为18位，实际为{len(code)}位。",
        ))

    lower_positions: list[int] = []
    for pos, ch in enumerate(code, start=1):
        if ch in _CHAR_VALUE:
            continue
        if ch.upper() in _CHAR_VALUE:
            lower_positions.append(pos)
        else:
            problems.append(_charset_problem(ch, pos))
    if lower_positions:
        where = ", ".join(str(p) for p in lower_positions)
        problems.append(IdentifierProblem(
            "credit_code.lowercase",
            f"Letters must be upper case (position {where}).",
            f"字母须为大写（第{where}位）。",
            lower_positions[0],
        ))

    # Lower case is already reported; checking the upper-cased form as well tells
    # the user whether fixing the case is all that is needed.
    upper = code.upper()
    division = code[2:8]
    if len(division) == 6 and not (division.isascii() and division.isdigit()):
        problems.append(IdentifierProblem(
            "credit_code.division",
            "Positions 3-8 must be the six-digit GB/T 2260 division code.",
            "第3至8位应为6位数字的行政区划码。",
            3,
        ))
    if any(p.code in ("credit_code.length", "credit_code.charset") for p in problems):
        return problems  # check values are meaningless on malformed input

    org_body, org_check = upper[8:16], upper[16]
    expected_org = org_code_check_char(org_body)
    if org_check != expected_org:
        problems.append(IdentifierProblem(
            "credit_code.org_code_check",
            f"Embedded organization code check character should be {expected_org}, "
            f"found {org_check} (position 17).",
            f"组织机构代码校验码（第17位）应为{expected_org}，实际为{org_check}。",
            17,
        ))
    expected = credit_code_check_char(upper[:17])
    if upper[17] != expected:
        problems.append(IdentifierProblem(
            "credit_code.check_digit",
            f"Check character should be {expected}, found {upper[17]} (position 18).",
            f"校验码（第18位）应为{expected}，实际为{upper[17]}。",
            18,
        ))
    return problems


def _check_chars_right(code: str) -> bool:
    """Both check characters of a code of the right shape, as the two *_check_char functions compute them."""
    org = 11 - sum(map(mul, map(_ORG_VALUE.__getitem__, code[8:16]), ORG_CODE_WEIGHTS)) % 11
    if code[16] != ("X" if org == 10 else "0" if org == 11 else _DIGITS[org]):
        return False
    total = sum(map(mul, map(_CHAR_VALUE.__getitem__, code[:17]), CREDIT_CODE_WEIGHTS))
    return code[17] == CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def _charset_problem(ch: str, pos: int) -> IdentifierProblem:
    if ch.upper() in _FORBIDDEN_LETTERS:
        why, why_zh = f"the letter {ch.upper()} is not used", f"不使用字母{ch.upper()}"
    else:
        why, why_zh = f"character {ch!r} is not allowed", f"不允许字符“{ch}”"
    return IdentifierProblem(
        "credit_code.charset",
        f"Position {pos}: {why} (allowed: {CREDIT_CODE_CHARSET}).",
        f"第{pos}位：{why_zh}（允许的字符为{CREDIT_CODE_CHARSET}）。",
        pos,
    )


def is_valid_credit_code(code: str) -> bool:
    return not validate_credit_code(code)


def validate_registration_number(number: str) -> list[IdentifierProblem]:
    """All problems with a 15-digit registration number; empty list when valid."""
    problems: list[IdentifierProblem] = []
    if len(number) != REGISTRATION_NUMBER_LENGTH:
        problems.append(IdentifierProblem(
            "registration_number.length",
            f"A registration number has 15 digits, got {len(number)} characters.",
            f"注册号应为15位，实际为{len(number)}位。",
        ))
    for pos, ch in enumerate(number, start=1):
        if ch not in _DIGITS:
            problems.append(IdentifierProblem(
                "registration_number.charset",
                f"Position {pos}: {ch!r} is not a digit.",
                f"第{pos}位“{ch}”不是数字。",
                pos,
            ))
    if problems:
        return problems
    expected = registration_number_check_digit(number[:14])
    if number[14] != expected:
        problems.append(IdentifierProblem(
            "registration_number.check_digit",
            f"Check digit should be {expected}, found {number[14]} (position 15).",
            f"校验位（第15位）应为{expected}，实际为{number[14]}。",
            15,
        ))
    return problems


def is_valid_registration_number(number: str) -> bool:
    return not validate_registration_number(number)


# ----------------------------------------------------------------- generation


def generate_org_code(rng: random.Random, *, legacy: bool = False) -> str:
    """A random 9-character organization code with a correct check character.

    Codes issued with credit codes since 2015 typically start with "MA"; older
    ones are 8 digits. Letters come from the credit-code set so the result can be
    embedded in a credit code.
    """
    if legacy:
        body = "".join(rng.choice(_DIGITS) for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(6))
    return body + org_code_check_char(body)


def generate_credit_code(
    rng: random.Random,
    *,
    division: str,
    authority: str = "9",
    entity_type: str = "1",
    legacy: bool = False,
) -> str:
    """A random valid credit code registered under `division` (six GB/T 2260 digits)."""
    if len(division) != 6 or not division.isdigit() or not division.isascii():
        raise ValueError(f"division must be six digits, got {division!r}")
    for name, value in (("authority", authority), ("entity_type", entity_type)):
        if len(value) != 1 or value not in _CHAR_VALUE:
            raise ValueError(f"{name} must be one character of {CREDIT_CODE_CHARSET}")
    first17 = authority + entity_type + division + generate_org_code(rng, legacy=legacy)
    return first17 + credit_code_check_char(first17)


def generate_registration_number(rng: random.Random, division: str) -> str:
    """A random valid 15-digit registration number under `division`.

    Digit 7 is kept in 0-3, the range GS 15-2006 gives domestic entities.
    """
    if len(division) != 6 or not division.isdigit() or not division.isascii():
        raise ValueError(f"division must be six digits, got {division!r}")
    first14 = division + str(rng.randrange(4)) + "".join(rng.choice(_DIGITS) for _ in range(7))
    return first14 + registration_number_check_digit(first14)
