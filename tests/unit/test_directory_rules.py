"""The target directory's data standard as pure checks (shared by the API and the bulk importer)."""
from __future__ import annotations

import hashlib
import random
from datetime import date

import pytest

from backend.directory.confirmations import population_digest
from backend.directory.identifiers import generate_credit_code
from backend.directory.reference import References
from backend.directory.rules import check_entity, check_inspector, error_code

REFS = References(
    divisions={"370902": "370902", "370911": "370911", "370903": "370911"},
    industries={"H6210": "正餐服务", "C26": "化学原料和化学制品制造业"},
    risk_scheme="shandong", risk_classes=frozenset("ABCDE"),
    departments={"market_regulation": 13, "ecology": 5}, specialties=frozenset({"food", "environment"}),
)
CODE = generate_credit_code(random.Random(1), division="370902")


def row(**overrides):
    values = {"credit_code": CODE, "registration_number": None, "local_id": None, "name": "测试有限公司",
              "entity_type": "enterprise", "division_code": "370902", "industry_code": "H6210",
              "registration_status": "operating", "risk_class": "C", "latitude": None, "longitude": None,
              "supervising_departments": ["market_regulation"]}
    values.update(overrides)
    return values


def test_a_row_meeting_the_standard_has_no_errors_and_gets_the_active_scheme():
    values, errors = check_entity(row(), REFS)
    assert errors == {}
    assert values["risk_scheme"] == "shandong"


def test_a_legacy_division_code_is_mapped_to_the_current_one():
    values, errors = check_entity(row(division_code="370903"), REFS)
    assert errors == {} and values["division_code"] == "370911"


def test_identifier_problems_keep_their_codes_and_positions():
    _, errors = check_entity(row(credit_code=CODE[:17] + ("0" if CODE[17] != "0" else "1")), REFS)
    assert [(p["code"], p["position"]) for p in errors["credit_code"]] == [("credit_code.check_digit", 18)]
    assert error_code(errors) == "entity.invalid_credit_code"


def test_several_kinds_of_error_share_a_general_code():
    _, errors = check_entity(row(industry_code="X1", division_code="999999"), REFS)
    assert error_code(errors) == "entity.invalid"


def test_only_the_fields_being_written_are_checked_besides_whole_record_rules():
    # An old class of an inactive scheme does not block an edit that leaves it alone ...
    _, errors = check_entity(row(risk_class="Z"), REFS, fields={"name"})
    assert errors == {}
    # ... but losing every identifier does, whatever field was written.
    _, errors = check_entity(row(credit_code=None), REFS, fields={"name"})
    assert errors["credit_code"][0]["code"] == "entity.identifier_required"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"entity_type": "llc"}, "entity_type"),
    ({"registration_status": "sleeping"}, "registration_status"),
    ({"latitude": 36.2}, "latitude"),
    ({"supervising_departments": []}, "supervising_departments"),
])
def test_other_rules_of_the_standard(overrides, field):
    _, errors = check_entity(row(**overrides), REFS)
    assert list(errors) == [field]


def test_an_individual_business_may_have_no_identifier():
    _, errors = check_entity(row(credit_code=None, entity_type="individual_business"), REFS)
    assert errors == {}


def test_an_inspector_row_is_checked_against_the_reference_lists():
    values, errors = check_inspector({"name": "张某", "department": "ecology", "jurisdiction": "370903",
                                      "certificate_number": "1234", "certificate_valid_from": date(2025, 1, 1),
                                      "certificate_valid_until": date(2024, 1, 1), "staff_category": "x",
                                      "specialties": ["environment", "food", "food"], "user_id": None}, REFS)
    assert values["jurisdiction"] == "370911" and values["specialties"] == ["environment", "food"]
    assert set(errors) == {"certificate_valid_until", "staff_category"}


def test_the_population_digest_orders_ids_as_decimal_strings():
    # "10<TAB>1" sorts before "2<TAB>3": ids compare as strings, bytewise (docs/draw-algorithm.md §2).
    expected = hashlib.sha256(b"10\t1\n2\t3\n").hexdigest()
    assert population_digest([(2, 3), (10, 1)]) == expected
    assert population_digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
