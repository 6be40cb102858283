"""Sampling rules per credit risk class: exact integer arithmetic, and the rules a set must follow.

A rule gives, for one risk class (A lowest risk … E highest, Shandong's five classes), the
share of that class's entities to draw as an integer fraction, how many times a year, and
whether every entity of the class is covered. No floats anywhere: 2% is 1/50, and sizes
round up, so no class with entities is ever left undrawn (REFERENCE §3: not even class A is
exempt).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# Shandong's five classes, lowest risk first; the rules follow whichever scheme is active (callers pass it).
RISK_CLASSES = ("A", "B", "C", "D", "E")
# Key items (重点检查事项) cover every entity from the fourth class up (REFERENCE §3: "D (and E) … all key
# items"): D and E in Shandong's A–E scheme, D in the national A–D scheme.
KEY_FULL_COVERAGE_FROM_RANK = 4


@dataclass(frozen=True)
class SamplingRule:
    risk_class: str
    numerator: int
    denominator: int
    frequency_per_year: int
    full_coverage: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SamplingRule":
        return cls(data["risk_class"], data["ratio"]["numerator"], data["ratio"]["denominator"],
                   data["frequency_per_year"], bool(data.get("full_coverage", False)))

    @property
    def ratio(self) -> Fraction:
        return Fraction(1) if self.full_coverage else Fraction(self.numerator, self.denominator)


def sample_size(population: int, rule: SamplingRule) -> int:
    """Entities to draw from a class of `population` in one round: the ratio, rounded up."""
    if population < 0:
        raise ValueError("population cannot be negative")
    if rule.full_coverage:
        return population
    return -(-population * rule.numerator // rule.denominator)


def checks_per_year(population: int, rule: SamplingRule) -> int:
    """Target-checks a year for the class: one round's sample times the frequency."""
    return sample_size(population, rule) * rule.frequency_per_year


def percent_text(rule: SamplingRule) -> str:
    """The ratio as people write it: '2%', '12.5%', '33.33%' (rounded to two places)."""
    value = rule.ratio * 100
    if value.denominator == 1:
        return f"{value.numerator}%"
    hundredths = round(value * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".") + "%"


def rule_problems(kind: str, rules: Sequence[Mapping[str, Any]],
                  classes: Sequence[str] = RISK_CLASSES) -> Iterator[tuple[str, str]]:
    """(JSON Pointer under the rules list, message) for each way the set breaks the rules.

    `classes` are the active risk scheme's classes, lowest risk first: one rule each, no others."""
    by_class: dict[str, tuple[int, SamplingRule]] = {}
    for i, raw in enumerate(rules):
        rule = SamplingRule.from_dict(raw)
        if rule.risk_class not in classes:
            yield f"/{i}/risk_class", (f"risk class {rule.risk_class} is not in the active scheme "
                                       f"({', '.join(classes)})")
            continue
        if rule.risk_class in by_class:
            yield f"/{i}/risk_class", f"risk class {rule.risk_class} has more than one rule"
            continue
        by_class[rule.risk_class] = (i, rule)
        if rule.numerator > rule.denominator:
            yield f"/{i}/ratio", "the ratio cannot exceed 1 (numerator above denominator)"
        if rule.full_coverage and rule.numerator != rule.denominator:
            yield f"/{i}/ratio", "full coverage means a ratio of 1 (numerator equal to denominator)"
    missing = [c for c in classes if c not in by_class]
    if missing:
        yield "", f"every risk class needs a rule; missing {', '.join(missing)}"
        return
    if kind == "key":
        for c in classes[KEY_FULL_COVERAGE_FROM_RANK - 1:]:
            i, rule = by_class[c]
            if not rule.full_coverage:
                yield f"/{i}/full_coverage", f"a key item must cover every class {c} entity (full_coverage)"
    for lower, higher in zip(classes, classes[1:]):
        (_, lo), (j, hi) = by_class[lower], by_class[higher]
        if hi.ratio < lo.ratio:
            yield f"/{j}/ratio", f"class {higher} (higher risk) has a lower ratio than class {lower}"
        if hi.frequency_per_year < lo.frequency_per_year:
            yield f"/{j}/frequency_per_year", f"class {higher} (higher risk) is checked less often than class {lower}"


def ordered(rules: Sequence[Mapping[str, Any]], classes: Sequence[str] = RISK_CLASSES) -> list[dict[str, Any]]:
    """Rules sorted lowest risk first, in the stored shape, with full_coverage spelled out."""
    rows = [{"risk_class": r["risk_class"],
             "ratio": {"numerator": r["ratio"]["numerator"], "denominator": r["ratio"]["denominator"]},
             "frequency_per_year": r["frequency_per_year"], "full_coverage": bool(r.get("full_coverage", False))}
            for r in rules]
    return sorted(rows, key=lambda r: classes.index(r["risk_class"]))
