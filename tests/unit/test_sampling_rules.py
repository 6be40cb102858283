"""Sampling arithmetic per risk class: integer fractions, rounding up, and the rules a set follows."""
from __future__ import annotations

import pytest

from backend.catalog.sampling import SamplingRule, checks_per_year, percent_text, rule_problems, sample_size
from tests.support.catalog_data import sampling_rules


def rule(num: int, den: int, *, frequency: int = 1, full: bool = False) -> SamplingRule:
    return SamplingRule("B", num, den, frequency, full)


@pytest.mark.parametrize(("population", "num", "den", "expected"), [
    (1000, 1, 50, 20),  # 2% exactly
    (1001, 1, 50, 21),  # a fraction of an entity rounds up
    (49, 1, 50, 1),  # even class A is never skipped while it has entities
    (0, 1, 50, 0),
    (220_000, 3, 100, 6600),  # the publicity check's 3% of Tai'an's enterprises
])
def test_the_sample_is_the_ratio_of_the_class_rounded_up(population: int, num: int, den: int, expected: int) -> None:
    assert sample_size(population, rule(num, den)) == expected


def test_huge_populations_are_computed_exactly_without_floats() -> None:
    population = 10**18 + 1
    assert sample_size(population, rule(1, 3)) == (10**18 + 1 + 2) // 3


def test_full_coverage_takes_every_entity_of_the_class() -> None:
    assert sample_size(37, rule(1, 1, full=True)) == 37


def test_a_negative_population_is_an_error() -> None:
    with pytest.raises(ValueError):
        sample_size(-1, rule(1, 50))


def test_checks_per_year_multiply_the_sample_by_the_frequency() -> None:
    assert checks_per_year(1000, rule(1, 20, frequency=2)) == 100


@pytest.mark.parametrize(("num", "den", "text"), [(1, 50, "2%"), (1, 8, "12.5%"), (1, 3, "33.33%"), (1, 1, "100%"),
                                                  (1, 100_000, "0%")])
def test_ratios_are_shown_as_percentages(num: int, den: int, text: str) -> None:
    assert percent_text(rule(num, den)) == text


def test_a_complete_monotonic_set_has_no_problems() -> None:
    assert list(rule_problems("key", sampling_rules())) == []


def test_every_risk_class_needs_a_rule() -> None:
    rules = [r for r in sampling_rules() if r["risk_class"] != "C"]
    assert list(rule_problems("general", rules)) == [("", "every risk class needs a rule; missing C")]


def test_a_class_may_have_only_one_rule() -> None:
    rules = sampling_rules() + [sampling_rules()[0]]
    assert [where for where, _ in rule_problems("general", rules)] == ["/5/risk_class"]


def test_a_key_item_must_cover_classes_d_and_e_fully() -> None:
    rules = sampling_rules(D=(1, 2))
    found = list(rule_problems("key", rules))
    assert [where for where, _ in found] == ["/3/full_coverage"]


def test_a_general_item_may_sample_class_d() -> None:
    assert list(rule_problems("general", sampling_rules(D=(1, 2)))) == []


def test_a_higher_risk_class_cannot_have_a_lower_ratio() -> None:
    found = list(rule_problems("general", sampling_rules(C=(1, 100))))
    assert [where for where, _ in found] == ["/2/ratio"]


def test_a_higher_risk_class_cannot_be_checked_less_often() -> None:
    rules = sampling_rules()
    rules[1]["frequency_per_year"] = 3
    assert [where for where, _ in rule_problems("general", rules)] == ["/2/frequency_per_year"]


def test_a_ratio_above_one_is_refused() -> None:
    rules = sampling_rules(E=(3, 2))
    assert "/4/ratio" in [where for where, _ in rule_problems("general", rules)]


def test_full_coverage_with_a_partial_ratio_is_refused() -> None:
    rules = sampling_rules()
    rules[2]["full_coverage"] = True
    assert ("/2/ratio", "full coverage means a ratio of 1 (numerator equal to denominator)") in \
        list(rule_problems("general", rules))


def test_the_rules_follow_the_scheme_they_are_given() -> None:
    national = ("A", "B", "C", "D")
    four = [r for r in sampling_rules() if r["risk_class"] != "E"]
    assert list(rule_problems("key", four, national)) == []
    assert list(rule_problems("key", four)) == [("", "every risk class needs a rule; missing E")]


def test_under_a_four_class_scheme_a_key_item_must_still_cover_class_d() -> None:
    rules = [r for r in sampling_rules(D=(1, 2)) if r["risk_class"] != "E"]
    assert [w for w, _ in rule_problems("key", rules, ("A", "B", "C", "D"))] == ["/3/full_coverage"]
