"""The draw's inputs without a database: who is eligible, whether the teams can be staffed, the
sampling rules a task gets from its items, and the frame that maps record ids to directory rows."""
from __future__ import annotations

import gzip
import random
from array import array
from datetime import date
from types import SimpleNamespace

import pytest

from backend.directory.availability import Period
from backend.draws import storage
from backend.draws.params import strata_rules
from backend.draws.staffing import available_throughout, check_capacity
from backend.errors import ValidationFailed

MARCH = (date(2027, 3, 1), date(2027, 3, 31))
VALID = (date(2024, 1, 1), date(2029, 12, 31))


@pytest.mark.parametrize(("periods", "valid", "expected"), [
    ([Period(1, "active", date(2024, 1, 1))], VALID, True),
    ([Period(1, "active", date(2024, 1, 1))], (date(2024, 1, 1), date(2027, 3, 30)), False),
    ([Period(1, "active", date(2024, 1, 1))], (date(2027, 3, 2), date(2029, 1, 1)), False),
    ([Period(1, "active", date(2024, 1, 1)), Period(2, "on_leave", date(2027, 3, 10), date(2027, 3, 12))], VALID,
     False),
    ([Period(1, "active", date(2024, 1, 1)), Period(2, "on_leave", date(2027, 2, 1), date(2027, 2, 28))], VALID, True),
    ([Period(1, "active", date(2024, 1, 1)), Period(2, "retired", date(2027, 3, 31))], VALID, False),
    ([Period(1, "active", date(2024, 1, 1)), Period(2, "retired", date(2027, 4, 1))], VALID, True),
    ([Period(1, "on_leave", date(2024, 1, 1)), Period(2, "active", date(2027, 3, 1))], VALID, True),
    ([Period(1, "active", date(2027, 3, 2))], VALID, False),
], ids=["active", "certificate-ends-inside", "certificate-starts-inside", "leave-inside", "leave-before",
        "retires-on-last-day", "retires-after", "returns-on-first-day", "starts-after-first-day"])
def test_an_inspector_is_eligible_only_when_active_with_a_valid_certificate_every_day(periods, valid, expected):
    assert available_throughout(periods, *valid, *MARCH) is expected


def inspectors(**per_department: tuple[int, int]) -> list[dict]:
    """department -> (eligible, ineligible)"""
    out = []
    for dept, (ok, not_ok) in per_department.items():
        out += [{"id": f"{dept}{n}", "department": dept, "eligible": n < ok} for n in range(ok + not_ok)]
    return out


def test_enough_eligible_inspectors_pass_the_capacity_check():
    check_capacity(inspectors(mr=(3, 5), eco=(1, 0)), {"mr": 1, "eco": 1}, 2, None, 50)
    check_capacity(inspectors(mr=(0, 9)), {"mr": 1}, 2, None, 0)  # nothing to staff


@pytest.mark.parametrize(("staff", "staffing", "team_size", "cap", "targets", "says"), [
    (inspectors(mr=(1, 4)), {"mr": 1}, 2, None, 3, "1 eligible inspector(s) for 3 team(s) of 2"),
    (inspectors(mr=(4, 0), eco=(0, 2)), {"mr": 1, "eco": 1}, 2, None, 3, "eco: 0 eligible"),
    (inspectors(mr=(4, 0)), {"mr": 2}, 2, 1, 3, "4 eligible inspector(s) for 3 team(s) of 2"),
    (inspectors(mr=(6, 0), eco=(2, 0)), {"mr": 1, "eco": 1}, 2, 2, 5,
     "eco: 2 eligible inspector(s), each team needs 1"),
], ids=["too-few-people", "department-missing", "cap-too-low", "department-cap-too-low"])
def test_too_few_eligible_inspectors_is_a_422_naming_the_shortfall(staff, staffing, team_size, cap, targets, says):
    with pytest.raises(ValidationFailed) as exc:
        check_capacity(staff, staffing, team_size, cap, targets)
    assert exc.value.code == "draw.too_few_inspectors" and says in exc.value.message


def rule(risk_class: str, num: int, den: int, full: bool = False) -> dict:
    return {"risk_class": risk_class, "ratio": {"numerator": num, "denominator": den}, "frequency_per_year": 1,
            "full_coverage": full}


def fake_task(items: list[list[dict]], strata: dict | None = None) -> SimpleNamespace:
    rows = [SimpleNamespace(item=SimpleNamespace(current=SimpleNamespace(sampling_rules=r))) for r in items]
    return SimpleNamespace(items=rows, sampling={"strata": strata or {}})


def test_the_items_give_each_stratum_the_largest_ratio_and_full_coverage_wins():
    task = fake_task([[rule("A", 1, 50), rule("B", 1, 20), rule("D", 1, 10)],
                      [rule("A", 3, 100), rule("B", 1, 25), rule("D", 1, 1, full=True)]])
    assert strata_rules(task, ["A", "B", "D", "U"]) == {
        "A": {"rule": "ratio", "num": 3, "den": 100, "cap": False},  # 3% beats 2%
        "B": {"rule": "ratio", "num": 1, "den": 20, "cap": False},  # 5% beats 4%
        "D": {"rule": "full"},
        "U": {"rule": "ratio", "num": 1, "den": 20, "cap": False},  # unclassified follows B
    }


def test_a_tasks_own_rule_replaces_the_items_and_a_stratum_without_any_rule_is_refused():
    task = fake_task([[rule("A", 1, 50)]], strata={"A": {"rule": "count", "count": 7}})
    assert strata_rules(task, ["A"]) == {"A": {"rule": "count", "count": 7, "cap": False}}
    with pytest.raises(ValidationFailed) as exc:
        strata_rules(task, ["A", "C"])
    assert exc.value.code == "draw.no_sampling_rule" and "C" in exc.value.message


def test_the_frame_maps_each_strata_place_back_to_its_directory_id():
    frame = {"B": array("q", [7, 3]), "A": array("q", [10, 2, 99]), "U": array("q")}
    decoded = storage.decode_frame(storage.encode_frame(frame), {"A": 3, "B": 2, "U": 0})
    assert {k: list(v) for k, v in decoded.items()} == {"A": [10, 2, 99], "B": [7, 3], "U": []}


def test_stored_population_bytes_come_back_in_chunks_exactly():
    rng = random.Random(5)
    data = ("".join(f'"9137{rng.randrange(10**14):014d}",' for n in range(200_000))).encode()
    packed = gzip.compress(data, compresslevel=storage.LEVEL, mtime=0)  # (any gzip: the reader's test)
    assert len(packed) < len(data) // 2
    chunks = list(storage.unpack_chunks(packed))
    assert len(chunks) > 1 and b"".join(chunks) == data == storage.unpack(packed)
