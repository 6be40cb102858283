"""Synthetic demo data: reproducible, valid, fictional and spread over Tai'an."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from backend.demo.synthetic import (
    DEMO_REFERENCE_DATE,
    INDUSTRIES,
    TAIAN_BOUNDS,
    TAIAN_DIVISIONS,
    generate_entities,
    generate_inspectors,
)
from backend.directory.identifiers import is_valid_credit_code

DEPARTMENTS = ["ndrc", "ecology", "health", "market_regulation", "culture_tourism", "emergency"]
EXPECTED_DIVISIONS = {"370900", "370902", "370911", "370921", "370923", "370982", "370983",
                      "L37090A", "L37090B"}
TYPE_DIGIT = {"enterprise": "1", "individual_business": "2", "cooperative": "3"}
STATUSES = {"operating", "in_liquidation", "closed", "deregistered", "revoked", "cancelled", "moved_out"}


@pytest.fixture(scope="module")
def entities() -> list[dict[str, Any]]:
    return list(generate_entities(2000))


@pytest.fixture(scope="module")
def inspectors() -> list[dict[str, Any]]:
    return list(generate_inspectors(400, DEPARTMENTS))


# ------------------------------------------------------------------ reference


def test_the_division_table_lists_the_city_its_six_counties_and_two_local_zones() -> None:
    assert {d["code"] for d in TAIAN_DIVISIONS} == EXPECTED_DIVISIONS
    kinds = {d["code"]: d["kind"] for d in TAIAN_DIVISIONS}
    assert kinds["370900"] == "city"
    assert kinds["370911"] == "district"
    assert kinds["370982"] == "county_city"
    assert kinds["L37090A"] == kinds["L37090B"] == "zone"
    assert {d["name_zh"] for d in TAIAN_DIVISIONS} >= {"泰安市", "岱岳区", "泰安高新技术产业开发区", "泰山景区"}


def test_industry_codes_look_like_gbt_4754_sections_with_divisions_or_classes() -> None:
    codes = [i["code"] for i in INDUSTRIES]
    assert len(codes) == len(set(codes)) >= 20
    assert all(re.fullmatch(r"[A-T]\d{2}(\d{2})?", c) for c in codes)
    names = {i["code"]: i["name_zh"] for i in INDUSTRIES}
    assert names["H6210"] == "正餐服务"
    assert names["C26"] == "化学原料和化学制品制造业"


# ------------------------------------------------------------------- entities


def test_the_same_seed_gives_the_same_entities() -> None:
    assert list(generate_entities(300, seed=7)) == list(generate_entities(300, seed=7))


def test_a_different_seed_gives_different_entities() -> None:
    assert list(generate_entities(50, seed=7)) != list(generate_entities(50, seed=8))


def test_a_prefix_of_a_run_equals_a_shorter_run() -> None:
    assert list(generate_entities(2000))[:100] == list(generate_entities(100))


def test_every_generated_credit_code_is_valid_and_unique(entities: list[dict[str, Any]]) -> None:
    codes = [e["credit_code"] for e in entities]
    assert [c for c in codes if not is_valid_credit_code(c)] == []
    assert len(set(codes)) == len(codes)


def test_credit_codes_match_the_entity_type_and_registering_division(entities: list[dict[str, Any]]) -> None:
    for e in entities:
        code = e["credit_code"]
        assert code[0] == "9"
        assert code[1] == TYPE_DIGIT[e["entity_type"]]
        expected = e["division_code"] if e["division_code"].isdigit() else "370900"
        assert code[2:8] == expected


def test_org_codes_are_numeric_before_the_2015_reform_and_ma_after(entities: list[dict[str, Any]]) -> None:
    for e in entities:
        org_body = e["credit_code"][8:16]
        if e["entity_type"] != "individual_business" and e["registered_on"].isoformat() < "2015-10-01":
            assert org_body.isdigit()
        else:
            assert org_body.startswith("MA")


def test_entity_names_are_unique(entities: list[dict[str, Any]]) -> None:
    names = [e["name"] for e in entities]
    assert len(set(names)) == len(names)


def test_names_follow_the_pattern_for_their_entity_type(entities: list[dict[str, Any]]) -> None:
    for e in entities:
        if e["entity_type"] == "enterprise":
            assert e["name"].endswith("有限公司")
        elif e["entity_type"] == "cooperative":
            assert e["name"].endswith("专业合作社")
        else:
            assert not e["name"].endswith(("有限公司", "专业合作社"))


def test_legal_representatives_use_the_anonymised_mou_pattern(entities: list[dict[str, Any]]) -> None:
    assert all(re.fullmatch(r"[\u4e00-\u9fff]某[\u4e00-\u9fff]", e["legal_representative"]) for e in entities)


def test_all_divisions_are_covered_in_two_thousand_entities(entities: list[dict[str, Any]]) -> None:
    assert {e["division_code"] for e in entities} == EXPECTED_DIVISIONS


def test_addresses_lie_in_the_entitys_division(entities: list[dict[str, Any]]) -> None:
    names = {d["code"]: d["name_zh"] for d in TAIAN_DIVISIONS}
    for e in entities:
        assert e["registered_address"].startswith("泰安市")
        assert e["registered_address"].endswith("号")
        if e["division_code"] in ("370902", "370911", "370921", "370923", "370982", "370983"):
            assert names[e["division_code"]] in e["registered_address"]
            assert names[e["division_code"]] in e["business_address"]


def test_all_five_risk_classes_occur_and_b_is_the_most_common(entities: list[dict[str, Any]]) -> None:
    counts = Counter(e["risk_class"] for e in entities)
    assert set(counts) == set("ABCDE")
    assert counts.most_common(1)[0][0] == "B"
    assert counts["E"] < counts["D"] < counts["A"]


def test_most_entities_are_operating_and_every_status_is_known(entities: list[dict[str, Any]]) -> None:
    counts = Counter(e["registration_status"] for e in entities)
    assert set(counts) == STATUSES
    assert counts["operating"] > 0.8 * len(entities)


def test_individual_businesses_outnumber_enterprises_and_cooperatives_are_few(
        entities: list[dict[str, Any]]) -> None:
    counts = Counter(e["entity_type"] for e in entities)
    assert counts["individual_business"] > counts["enterprise"] > counts["cooperative"] > 0


def test_coordinates_lie_within_taian(entities: list[dict[str, Any]]) -> None:
    b = TAIAN_BOUNDS
    outside = [e for e in entities
               if not (b["lat_min"] <= e["latitude"] <= b["lat_max"]
                       and b["lon_min"] <= e["longitude"] <= b["lon_max"])]
    assert outside == []


def test_registration_dates_are_before_the_demo_date(entities: list[dict[str, Any]]) -> None:
    assert all(e["registered_on"] < DEMO_REFERENCE_DATE for e in entities)
    assert min(e["registered_on"] for e in entities).year < 2015  # some legacy entities


def test_industries_of_entities_come_from_the_industry_table(entities: list[dict[str, Any]]) -> None:
    table = {i["code"]: i["name_zh"] for i in INDUSTRIES}
    assert all(table[e["industry_code"]] == e["industry_name"] for e in entities)


# ----------------------------------------------------------------- inspectors


def test_the_same_seed_gives_the_same_inspectors() -> None:
    assert list(generate_inspectors(100, DEPARTMENTS, seed=3)) == list(generate_inspectors(100, DEPARTMENTS, seed=3))


def test_inspector_names_are_unique_and_synthetic(inspectors: list[dict[str, Any]]) -> None:
    names = [i["name"] for i in inspectors]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]某[\u4e00-\u9fff]{1,3}", n) for n in names)


def test_certificate_numbers_are_unique_and_encode_the_department(inspectors: list[dict[str, Any]]) -> None:
    numbers = [i["certificate_number"] for i in inspectors]
    assert len(set(numbers)) == len(numbers)
    for i in inspectors:
        assert re.fullmatch(r"3709\d{10}", i["certificate_number"])
        assert int(i["certificate_number"][4:8]) == DEPARTMENTS.index(i["department"]) + 1


def test_market_regulation_has_the_most_inspectors(inspectors: list[dict[str, Any]]) -> None:
    counts = Counter(i["department"] for i in inspectors)
    assert counts.most_common(1)[0][0] == "market_regulation"


def test_without_a_market_regulation_code_the_first_department_leads() -> None:
    counts = Counter(i["department"] for i in generate_inspectors(200, ["a", "b", "c"]))
    assert counts.most_common(1)[0][0] == "a"


def test_a_few_certificates_have_expired_and_validity_follows_issue(inspectors: list[dict[str, Any]]) -> None:
    expired = [i for i in inspectors if i["certificate_valid_until"] < DEMO_REFERENCE_DATE]
    assert 0 < len(expired) < 0.2 * len(inspectors)
    assert all(i["certificate_valid_from"] < i["certificate_valid_until"] for i in inspectors)


def test_inspector_categories_statuses_and_specialties_are_known(inspectors: list[dict[str, Any]]) -> None:
    specialties = {"food", "special_equipment", "product_quality", "environment", "health",
                   "safety", "publicity_information", "culture_tourism"}
    assert {i["staff_category"] for i in inspectors} == {
        "enforcement_civil_servant", "certified_staff", "routine_supervision", "county_enforcement_team"}
    statuses = Counter(i["status"] for i in inspectors)
    assert set(statuses) == {"active", "on_leave", "seconded", "retired"}
    assert statuses.most_common(1)[0][0] == "active"
    assert all(i["specialties"] and set(i["specialties"]) <= specialties for i in inspectors)


def test_a_departments_own_field_is_among_its_inspectors_specialties(inspectors: list[dict[str, Any]]) -> None:
    for i in inspectors:
        if i["department"] == "ecology":
            assert "environment" in i["specialties"]


def test_inspectors_need_at_least_one_department() -> None:
    with pytest.raises(ValueError):
        list(generate_inspectors(1, []))
