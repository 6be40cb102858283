"""Deterministic, fictional demo data: market entities and inspectors in Tai'an.

Same arguments, same output: every draw comes from one seeded `random.Random`, so
demos, screenshots and tests can be reproduced. Nothing here names a real person
or company; see `wordlists` for how names are built.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from backend.demo.wordlists import (
    DIVISION_PROFILES,
    GIVEN_CHARS,
    INDUSTRIES,
    INDUSTRY_PROFILES,
    STREET_DIRECTIONS,
    STREET_SUFFIXES,
    STREET_WORDS,
    SURNAMES,
    TAIAN_BOUNDS,
    TAIAN_DIVISIONS,
    TRADE_FIRST,
    TRADE_SECOND,
    DivisionProfile,
    IndustryProfile,
)
from backend.directory.identifiers import generate_credit_code

__all__ = [
    "DEMO_REFERENCE_DATE", "INDUSTRIES", "TAIAN_BOUNDS", "TAIAN_DIVISIONS",
    "generate_entities", "generate_inspectors",
]

T = TypeVar("T")

# "Today" of the demo world: fixed, so expiry and registration dates do not drift.
DEMO_REFERENCE_DATE = date(2027, 1, 1)
# Unified credit codes replaced registration numbers from this date (GB 32100 rollout);
# older enterprises kept their numeric organization code inside the new code, while
# individual businesses, which had none, got a newly issued "MA..." one.
_CREDIT_CODE_ERA = date(2015, 10, 1)

# (value, weight) tables; weights are plausible for a prefecture, not statistics.
# About 220,000 of Tai'an's ~700,000 entities are enterprises (REFERENCE §2).
_ENTITY_TYPES = (("enterprise", 31), ("individual_business", 66), ("cooperative", 3))
_TYPE_DIGIT = {"enterprise": "1", "individual_business": "2", "cooperative": "3"}
_FIRST_REGISTRATION = {  # cooperatives exist since the 2007 cooperatives law
    "enterprise": date(1995, 1, 1),
    "individual_business": date(2003, 1, 1),
    "cooperative": date(2007, 7, 1),
}
_STATUSES = (("operating", 90), ("in_liquidation", 2), ("closed", 2), ("deregistered", 3),
             ("revoked", 1.5), ("cancelled", 0.5), ("moved_out", 1))
_RISK_CLASSES = (("A", 14), ("B", 62), ("C", 16), ("D", 6), ("E", 2))

_STAFF_CATEGORIES = (("enforcement_civil_servant", 45), ("certified_staff", 25),
                     ("routine_supervision", 20), ("county_enforcement_team", 10))
_INSPECTOR_STATUSES = (("active", 90), ("on_leave", 4), ("seconded", 4), ("retired", 2))
SPECIALTIES = ("food", "special_equipment", "product_quality", "environment", "health",
               "safety", "publicity_information", "culture_tourism")
_MARKET_WORDS = ("market", "samr", "amr", "scjg")
# A department's own field, matched on words in its code; other fields are added at random.
_DEPARTMENT_SPECIALTIES = (
    (_MARKET_WORDS, ("food", "special_equipment", "product_quality", "publicity_information")),
    (("ecolog", "environment"), ("environment",)),
    (("health",), ("health",)),
    (("emergency", "safety"), ("safety",)),
    (("culture", "tourism", "mount_tai"), ("culture_tourism",)),
)
_MARKET_WEIGHT = 16  # market regulation runs most checks, so it has most inspectors
_EXPIRED_SHARE = 0.07
_CERTIFICATE_YEARS = 5


def _weighted(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    values, weights = zip(*table)
    return rng.choices(values, weights=weights)[0]


def _date_between(rng: random.Random, start: date, end: date, *, recent_bias: bool = False) -> date:
    span = (end - start).days
    # A triangular draw peaking at `end` mimics the steady growth in registrations.
    offset = rng.triangular(0, span, span) if recent_bias else rng.uniform(0, span)
    return start + timedelta(days=int(offset))


def _unique(make: Any, seen: set[str], attempts: int = 200) -> str:
    for _ in range(attempts):
        value = make()
        if value not in seen:
            seen.add(value)
            return value
    raise RuntimeError("ran out of unique values; widen the word lists")


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "某" + rng.choice(GIVEN_CHARS)


def _trade_name(rng: random.Random, extra: bool) -> str:
    name = rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
    # A third character only once two-character names run out (large n).
    return name + rng.choice(TRADE_FIRST) if extra else name


def _address(rng: random.Random, profile: DivisionProfile) -> str:
    street = rng.choice(STREET_WORDS) + rng.choice(STREET_DIRECTIONS) + rng.choice(STREET_SUFFIXES)
    return f"{profile.address_prefix}{street}{rng.randint(1, 399)}号"


def _entity_name(rng: random.Random, entity_type: str, industry: IndustryProfile,
                 profile: DivisionProfile, extra: bool) -> str:
    trade = _trade_name(rng, extra)
    if entity_type == "individual_business":
        return f"{profile.short_name}{trade}{rng.choice(industry.shop_words)}"
    if entity_type == "cooperative":
        return f"{profile.name_prefix}{trade}{rng.choice(industry.cooperative_words)}专业合作社"
    return f"{profile.name_prefix}{trade}{rng.choice(industry.company_words)}有限公司"


def _industries_for(entity_type: str) -> list[tuple[IndustryProfile, float]]:
    if entity_type == "cooperative":
        return [(p, p.weight) for p in INDUSTRY_PROFILES if p.cooperative_words]
    if entity_type == "individual_business":
        return [(p, p.weight) for p in INDUSTRY_PROFILES if p.shop_words]
    return [(p, p.weight) for p in INDUSTRY_PROFILES]


def _coordinates(rng: random.Random, profile: DivisionProfile) -> tuple[float, float]:
    b = TAIAN_BOUNDS
    lat = profile.lat + rng.triangular(-profile.spread, profile.spread, 0)
    lon = profile.lon + rng.triangular(-profile.spread, profile.spread, 0)
    lat = min(max(lat, b["lat_min"]), b["lat_max"])
    lon = min(max(lon, b["lon_min"]), b["lon_max"])
    return round(lat, 6), round(lon, 6)


def generate_entities(n: int, seed: int = 2027) -> Iterator[dict[str, Any]]:
    """Yield `n` fictional market entities spread over Tai'an's divisions."""
    rng = random.Random(seed)
    divisions = [(code, p.weight) for code, p in DIVISION_PROFILES.items()]
    industries = {t: _industries_for(t) for t, _ in _ENTITY_TYPES}
    names: set[str] = set()
    codes: set[str] = set()
    for _ in range(n):
        division_code = _weighted(rng, divisions)
        profile = DIVISION_PROFILES[division_code]
        entity_type = _weighted(rng, _ENTITY_TYPES)
        industry = _weighted(rng, industries[entity_type])
        registered_on = _date_between(rng, _FIRST_REGISTRATION[entity_type],
                                      DEMO_REFERENCE_DATE - timedelta(days=1), recent_bias=True)
        credit_code = _unique(lambda: generate_credit_code(
            rng, division=profile.registration_code, entity_type=_TYPE_DIGIT[entity_type],
            legacy=entity_type != "individual_business" and registered_on < _CREDIT_CODE_ERA),
            codes)
        try:
            name = _unique(lambda: _entity_name(rng, entity_type, industry, profile, False), names, 50)
        except RuntimeError:  # two-character trade names exhausted for this pattern
            name = _unique(lambda: _entity_name(rng, entity_type, industry, profile, True), names)
        registered_address = _address(rng, profile)
        business_address = registered_address if rng.random() < 0.8 else _address(rng, profile)
        latitude, longitude = _coordinates(rng, profile)
        yield {
            "credit_code": credit_code,
            "name": name,
            "entity_type": entity_type,
            "legal_representative": _person_name(rng),
            "registered_address": registered_address,
            "business_address": business_address,
            "division_code": division_code,
            "industry_code": industry.code,
            "industry_name": industry.name_zh,
            "registration_status": _weighted(rng, _STATUSES),
            "risk_class": _weighted(rng, _RISK_CLASSES),
            "latitude": latitude,
            "longitude": longitude,
            "registered_on": registered_on,
        }


def _is_market_regulation(code: str) -> bool:
    return any(word in code.lower() for word in _MARKET_WORDS)


def _own_specialties(department: str) -> tuple[str, ...]:
    for words, fields in _DEPARTMENT_SPECIALTIES:
        if any(word in department.lower() for word in words):
            return fields
    return ()


def _inspector_name(rng: random.Random, seen: set[str]) -> str:
    name = _person_name(rng)
    # Colliding names get a second given character, as real namesakes would differ.
    while name in seen:
        name += rng.choice(GIVEN_CHARS)
        if len(name) > 5:
            name = _person_name(rng)
    seen.add(name)
    return name


def _specialties(rng: random.Random, department: str) -> list[str]:
    own = _own_specialties(department)
    chosen = set(rng.sample(own, k=min(len(own), rng.randint(1, 2)))) if own else set()
    chosen.update(rng.sample(SPECIALTIES, k=rng.randint(0 if chosen else 1, 2)))
    return [s for s in SPECIALTIES if s in chosen]  # stable order for display and tests


def _certificate_dates(rng: random.Random) -> tuple[date, date]:
    if rng.random() < _EXPIRED_SHARE:  # lapsed certificates, to exercise the check
        start = _date_between(rng, date(2017, 1, 1), date(2021, 6, 30))
    else:
        start = _date_between(rng, date(2022, 1, 1), date(2026, 12, 1))
    day = min(start.day, 28) if start.month == 2 else start.day  # 29 February
    until = date(start.year + _CERTIFICATE_YEARS, start.month, day) - timedelta(days=1)
    return start, until


def generate_inspectors(n: int, departments: list[str], seed: int = 2027) -> Iterator[dict[str, Any]]:
    """Yield `n` fictional inspectors spread over the given department codes.

    A department whose code mentions market regulation ("market", "samr", ...)
    gets most inspectors; if none does, the first department listed is taken as
    the lead. Certificate numbers are "3709" + 4-digit department index (1-based,
    list order) + 6-digit serial within the department.
    """
    if not departments:
        raise ValueError("at least one department is needed")
    rng = random.Random(seed)
    lead = [i for i, d in enumerate(departments) if _is_market_regulation(d)] or [0]
    weights = [(i, _MARKET_WEIGHT if i in lead else 1) for i in range(len(departments))]
    serials = [0] * len(departments)
    names: set[str] = set()
    for _ in range(n):
        index = _weighted(rng, weights)
        department = departments[index]
        serials[index] += 1
        valid_from, valid_until = _certificate_dates(rng)
        yield {
            "name": _inspector_name(rng, names),
            "department": department,
            "certificate_number": f"3709{index + 1:04d}{serials[index]:06d}",
            "certificate_valid_from": valid_from,
            "certificate_valid_until": valid_until,
            "staff_category": _weighted(rng, _STAFF_CATEGORIES),
            "specialties": _specialties(rng, department),
            "status": _weighted(rng, _INSPECTOR_STATUSES),
        }
