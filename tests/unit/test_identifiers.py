"""Unified social credit codes (GB 32100-2015) and legacy registration numbers."""

from __future__ import annotations

import dataclasses
import random

import pytest

from backend.directory.identifiers import (
    CREDIT_CODE_CHARSET,
    CREDIT_CODE_WEIGHTS,
    IdentifierProblem,
    credit_code_check_char,
    generate_credit_code,
    generate_registration_number,
    is_valid_credit_code,
    is_valid_registration_number,
    org_code_check_char,
    registration_number_check_digit,
    validate_credit_code,
    validate_registration_number,
)

WORKED_EXAMPLE = "91350100M000100Y43"  # REFERENCE.md §1


def codes_of(problems: list[IdentifierProblem]) -> list[str]:
    return [p.code for p in problems]


def with_check_chars(first16: str, org_check: str | None = None) -> str:
    """Complete 16 characters with the right (or a forced) org check and credit check."""
    first17 = first16 + (org_check or org_code_check_char(first16[8:16]))
    return first17 + credit_code_check_char(first17)


_rng = random.Random(20270101)
GENERATED = [
    generate_credit_code(_rng, division=d, entity_type=t, legacy=legacy)
    for d in ("370902", "370911", "370982")
    for t in ("1", "2", "3")
    for legacy in (False, True)
]


# ----------------------------------------------------------------- credit code


def test_the_weights_are_powers_of_three_modulo_31() -> None:
    assert CREDIT_CODE_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


def test_the_charset_has_31_characters_and_none_of_i_o_z_s_v() -> None:
    assert len(CREDIT_CODE_CHARSET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_CHARSET)


def test_the_worked_example_has_weighted_sum_1640_and_check_character_3() -> None:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(WORKED_EXAMPLE[:17], CREDIT_CODE_WEIGHTS))
    assert total == 1640
    assert credit_code_check_char(WORKED_EXAMPLE[:17]) == "3"


def test_the_worked_example_org_code_check_is_4_by_hand() -> None:
    # M=22, Y=34 under GB 11714: 22*3 + 1*5 + 34*2 = 139; 139 mod 11 = 7; 11 - 7 = 4.
    assert org_code_check_char("M000100Y") == "4"


@pytest.mark.parametrize(("body", "expected"), [
    ("00000006", "X"),  # sum 6*2 = 12; 12 mod 11 = 1; 11 - 1 = 10 -> X
    ("00000000", "0"),  # sum 0; 11 - 0 = 11 -> 0
    ("12345678", "8"),  # 3+14+27+40+25+48+28+16 = 201; 201 mod 11 = 3; 11 - 3 = 8
])
def test_org_code_check_follows_gb_11714_including_x_and_zero(body: str, expected: str) -> None:
    assert org_code_check_char(body) == expected


@pytest.mark.parametrize(("first17", "expected"), [
    # 1640 + 2*17 (position 8: 0 -> 2) = 1674 = 54*31; (31 - 0) mod 31 = 0 -> "0"
    ("91350102M000100Y4", "0"),
    # 1640 + 8*16 (position 7: 0 -> 8) = 1768 = 57*31 + 1; 31 - 1 = 30 -> "Y"
    ("91350180M000100Y4", "Y"),
])
def test_check_characters_at_both_ends_of_the_charset_are_computed_by_hand(first17: str, expected: str) -> None:
    assert credit_code_check_char(first17) == expected
    assert is_valid_credit_code(first17 + expected)


@pytest.mark.parametrize("code", [WORKED_EXAMPLE, *GENERATED])
def test_valid_codes_have_no_problems(code: str) -> None:
    assert validate_credit_code(code) == []
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("wrong_last", sorted(set(CREDIT_CODE_CHARSET) - {"3"}))
def test_a_wrong_check_character_is_reported_at_position_18(wrong_last: str) -> None:
    problems = validate_credit_code(WORKED_EXAMPLE[:17] + wrong_last)
    assert codes_of(problems) == ["credit_code.check_digit"]
    assert problems[0].position == 18
    assert "3" in problems[0].message


def test_every_single_character_substitution_of_the_worked_example_is_rejected() -> None:
    accepted = [
        variant
        for i in range(18)
        for c in CREDIT_CODE_CHARSET
        if c != WORKED_EXAMPLE[i]
        and is_valid_credit_code(variant := WORKED_EXAMPLE[:i] + c + WORKED_EXAMPLE[i + 1:])
    ]
    assert accepted == []


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [1, 9, 18])
def test_forbidden_letters_are_reported_with_their_position(letter: str, position: int) -> None:
    code = WORKED_EXAMPLE[: position - 1] + letter + WORKED_EXAMPLE[position:]
    problems = validate_credit_code(code)
    charset = [p for p in problems if p.code == "credit_code.charset"]
    assert len(charset) == 1
    assert charset[0].position == position
    assert letter in charset[0].message
    assert "credit_code.check_digit" not in codes_of(problems)


@pytest.mark.parametrize("code", [WORKED_EXAMPLE[:17], WORKED_EXAMPLE + "0", ""])
def test_a_code_of_the_wrong_length_is_reported_as_such(code: str) -> None:
    problems = validate_credit_code(code)
    assert "credit_code.length" in codes_of(problems)
    assert "credit_code.check_digit" not in codes_of(problems)
    assert not is_valid_credit_code(code)


def test_lower_case_is_reported_rather_than_silently_accepted() -> None:
    problems = validate_credit_code(WORKED_EXAMPLE.lower())
    assert codes_of(problems) == ["credit_code.lowercase"]
    assert problems[0].position == 9
    assert not is_valid_credit_code(WORKED_EXAMPLE.lower())


def test_a_lower_case_forbidden_letter_is_a_charset_problem() -> None:
    problems = validate_credit_code(WORKED_EXAMPLE[:8] + "o" + WORKED_EXAMPLE[9:])
    assert "credit_code.charset" in codes_of(problems)
    assert "credit_code.lowercase" not in codes_of(problems)


def test_spaces_and_full_width_characters_are_not_stripped_or_folded() -> None:
    assert "credit_code.charset" in codes_of(validate_credit_code(" " + WORKED_EXAMPLE[1:]))
    assert "credit_code.charset" in codes_of(validate_credit_code("９" + WORKED_EXAMPLE[1:]))


@pytest.mark.parametrize("wrong", ["0", "5", "X"])
def test_a_wrong_org_code_check_is_reported_even_when_position_18_matches(wrong: str) -> None:
    code = with_check_chars(WORKED_EXAMPLE[:16], org_check=wrong)
    assert codes_of(validate_credit_code(code)) == ["credit_code.org_code_check"]


def test_a_letter_in_the_division_code_is_reported() -> None:
    code = with_check_chars("9135A100M000100Y")
    problems = validate_credit_code(code)
    assert codes_of(problems) == ["credit_code.division"]
    assert problems[0].position == 3


def test_problems_carry_english_and_chinese_messages() -> None:
    for code in ["", WORKED_EXAMPLE.lower(), WORKED_EXAMPLE[:17] + "4", "I" + WORKED_EXAMPLE[1:]]:
        for problem in validate_credit_code(code):
            assert problem.message.isascii() and problem.message
            assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message_zh)


def test_identifier_problems_are_immutable() -> None:
    problem = validate_credit_code("")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("bad", ["", "9135010", WORKED_EXAMPLE, "91350100M000100I4"])
def test_the_check_char_function_refuses_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError):
        credit_code_check_char(bad)


def test_generated_codes_carry_the_requested_authority_type_and_division() -> None:
    code = generate_credit_code(random.Random(1), division="370921", authority="9", entity_type="3")
    assert code[:8] == "93370921"
    assert is_valid_credit_code(code)


def test_generation_is_reproducible_for_a_seed() -> None:
    first = [generate_credit_code(random.Random(5), division="370900") for _ in range(3)]
    again = [generate_credit_code(random.Random(5), division="370900") for _ in range(3)]
    assert first == again


@pytest.mark.parametrize("division", ["L37090A", "37090", "3709000", "37O900"])
def test_generation_refuses_a_division_that_is_not_six_digits(division: str) -> None:
    with pytest.raises(ValueError):
        generate_credit_code(random.Random(1), division=division)


# --------------------------------------------------------- registration number


def test_mod_11_10_matches_a_hand_worked_example() -> None:
    # Digits 3 7 0 9 0 2 0 0 0 0 0 0 0 1, starting with p = 10.
    # s = (p + d) mod 10 (0 -> 10), then p = 2s mod 11:
    #   3: s=3 p=6 | 7: s=3 p=6 | 0: s=6 p=1 | 9: s=10 p=9 | 0: s=9 p=7
    #   2: s=9 p=7 | 0: s=7 p=3 | 0: s=3 p=6 | 0: s=6 p=1 | 0: s=1 p=2
    #   0: s=2 p=4 | 0: s=4 p=8 | 0: s=8 p=5 | 1: s=6 p=1
    # check = (11 - 1) mod 10 = 0
    assert registration_number_check_digit("37090200000001") == "0"


def test_mod_11_10_matches_a_second_hand_worked_example_with_a_nonzero_digit() -> None:
    # 3: s=3 p=6 | 7: s=3 p=6 | 0: s=6 p=1 | 9: s=10 p=9 | 8: s=7 p=3 | 2: s=5 p=10
    # 0: s=10 p=9 | 0: s=9 p=7 | 0: s=7 p=3 | 1: s=4 p=8 | 2: s=10 p=9 | 3: s=2 p=4
    # 4: s=8 p=5 | 5: s=10 p=9; check = (11 - 9) mod 10 = 2
    assert registration_number_check_digit("37098200012345") == "2"


def _iso7064_verifies(number: str) -> bool:
    """ISO 7064 verification form: run all 15 digits; the final s must be 1."""
    p = 10
    for ch in number:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return s == 1


_reg_rng = random.Random(99)
GENERATED_NUMBERS = [generate_registration_number(_reg_rng, d) for d in ("370902", "370983") for _ in range(5)]


@pytest.mark.parametrize("number", ["370902000000010", "370982000123452", *GENERATED_NUMBERS])
def test_valid_registration_numbers_have_no_problems(number: str) -> None:
    assert validate_registration_number(number) == []
    assert is_valid_registration_number(number)
    assert _iso7064_verifies(number)


def test_generated_registration_numbers_start_with_the_division() -> None:
    assert all(n[:6] in ("370902", "370983") for n in GENERATED_NUMBERS)


@pytest.mark.parametrize("number", ["370902000000011", "370902000000019", "370982000123450"])
def test_a_wrong_registration_check_digit_is_reported(number: str) -> None:
    problems = validate_registration_number(number)
    assert codes_of(problems) == ["registration_number.check_digit"]
    assert problems[0].position == 15


def test_every_single_digit_substitution_in_a_registration_number_is_rejected() -> None:
    base = "370982000123452"
    accepted = [
        v for i in range(15) for d in "0123456789"
        if d != base[i] and is_valid_registration_number(v := base[:i] + d + base[i + 1:])
    ]
    assert accepted == []


@pytest.mark.parametrize(("number", "expected"), [
    ("37090200000001", "registration_number.length"),
    ("3709020000000100", "registration_number.length"),
    ("", "registration_number.length"),
    ("37090200000001A", "registration_number.charset"),
    ("37090200000001X", "registration_number.charset"),
])
def test_malformed_registration_numbers_are_reported(number: str, expected: str) -> None:
    problems = validate_registration_number(number)
    assert expected in codes_of(problems)
    assert "registration_number.check_digit" not in codes_of(problems)


def _checked_the_long_way(code: str) -> bool:
    """Validity from the definition: shape, then both check characters by the public functions."""
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARSET for c in code):
        return False
    if not (code[2:8].isascii() and code[2:8].isdigit()):
        return False
    return code[16] == org_code_check_char(code[8:16]) and code[17] == credit_code_check_char(code[:17])


def test_the_fast_verdict_on_credit_codes_agrees_with_the_definition_on_valid_and_damaged_codes():
    rng = random.Random(32100)
    noise = CREDIT_CODE_CHARSET + "IOSVZabcxy -＝١٢"
    valid = 0
    for _ in range(20_000):
        code = generate_credit_code(rng, division=rng.choice(["370902", "110101", "440305"]))
        roll = rng.random()
        if roll < 0.4:
            at = rng.randrange(18)
            code = code[:at] + rng.choice(noise) + code[at + 1:]
        elif roll < 0.45:
            code = code[:rng.randrange(18)]
        elif roll < 0.5:
            code = code.lower()
        ok = _checked_the_long_way(code)
        valid += ok
        assert is_valid_credit_code(code) == ok, code
        assert (validate_credit_code(code) == []) == ok, code
    assert 10_000 < valid < 19_000  # both verdicts were exercised
