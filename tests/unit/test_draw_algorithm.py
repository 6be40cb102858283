"""Unit tests for backend.draws.verify: the ssgk-draw/1 algorithm, and the verifier on records of both versions.

New draws use ssgk-draw/2 (tests/unit/test_draw_algorithm_v2.py); these tests pin version 1,
whose records must keep verifying, by naming it in the inputs and in every low-level call.

The selection code must stay integer-only and deterministic; the verifier must accept
exactly the records compute_draw produces and name the first thing that was changed.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import hmac
import json
import math
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from backend.draws import verify as v

ROOT = Path(__file__).resolve().parents[2]
VERIFY_PY = ROOT / "backend" / "draws" / "verify.py"
SECRET = "5a" * 32
V1 = v.ALGORITHM_V1
# docs/draw-algorithm.md §11 quotes these two values
WORKED_ANNOUNCEMENT_DIGEST = "727c5fdf0fe81efcfd9e2ba78780fe065864465fb8b2a17df8d5d646b0629cae"
WORKED_COMMITMENT = "cf2bdc05c925f3a8cfbaaa51c2189b2d3a5273acdbb0a7ba8ba60088cceb24d6"
# chi-square critical value, 19 degrees of freedom, p = 0.999 (tables: 43.820)
CHI2_19_DOF_999 = 43.820
MARKET, ECOLOGY, HEALTH = "市场监管局", "生态环境局", "卫生健康委"


def make_inputs(**overrides) -> dict:
    inputs = {
        "algorithm": V1,
        "task_no": "SSGK-2024-0001",
        "params": {"strata": {"A": {"rule": "ratio", "num": 3, "den": 100},
                              "B": {"rule": "count", "count": 3},
                              "D": {"rule": "full"}},
                   "team_size": 2, "staffing": {}, "workload_cap": None},
        "population": {"A": [f"A{n:03d}" for n in range(101)],
                       "B": [f"B{n:02d}" for n in range(12)],
                       "D": ["D1", "D2"]},
        "inspectors": [{"id": f"P{n:02d}", "department": (MARKET, ECOLOGY, HEALTH)[n % 3]} for n in range(12)],
        "recusals": {},
        "server_secret": SECRET,
        "public_randomness": {"value": "2024001: 3 8 5", "source": "福彩3D 第2024001期开奖号码"},
    }
    inputs.update(overrides)
    return inputs


def with_params(**changes) -> dict:
    inputs = make_inputs()
    inputs["params"].update(changes)
    return inputs


def seed_for(randomness: str, population: dict) -> bytes:
    digests = {k: v.stratum_digest(ids) for k, ids in population.items()}
    return v.derive_seed(SECRET, randomness, v.population_digest(digests), V1)


# ---------------------------------------------------------------- determinism and sensitivity
def test_the_same_inputs_always_give_the_same_selection_and_teams():
    assert v.compute_draw(make_inputs()) == v.compute_draw(make_inputs())


def test_the_order_in_which_ids_are_supplied_does_not_matter():
    shuffled = make_inputs()
    shuffled["population"]["A"] = list(reversed(shuffled["population"]["A"]))
    shuffled["inspectors"] = list(reversed(shuffled["inspectors"]))
    assert v.compute_draw(shuffled) == v.compute_draw(make_inputs())


def test_changing_one_byte_of_the_public_randomness_changes_the_selection():
    changed = make_inputs(public_randomness={"value": "2024001: 3 8 6", "source": "福彩3D"})
    a, b = v.compute_draw(make_inputs()), v.compute_draw(changed)
    assert a["seed"] != b["seed"]
    assert a["selected"]["A"] != b["selected"]["A"]
    assert a["selected"]["B"] != b["selected"]["B"]


def test_the_public_randomness_is_nfc_normalised_and_trimmed():
    spaced = make_inputs(public_randomness={"value": "\u3000 2024001: 3 8 5\n", "source": "x"})
    assert v.compute_draw(spaced)["seed"] == v.compute_draw(make_inputs())["seed"]
    assert v.normalise_randomness("e\u0301") == "\u00e9"
    # exactly the Unicode White_Space set is trimmed: U+001F (str.isspace() is true) is kept
    assert v.normalise_randomness("\x1f385\u00a0") == "\x1f385"
    with pytest.raises(v.InvalidDrawInput):
        v.normalise_randomness(" \u3000\t")


def test_adding_one_entity_to_the_population_changes_the_selection():
    grown = make_inputs()
    grown["population"]["B"].append("B99")
    a, b = v.compute_draw(make_inputs()), v.compute_draw(grown)
    assert a["population_digest"] != b["population_digest"]
    assert a["seed"] != b["seed"]
    assert a["selected"]["B"] != b["selected"]["B"]


def test_every_entity_in_a_stratum_is_equally_likely_to_be_drawn():
    population = {"S": [f"E{n:02d}" for n in range(20)]}
    draws, quota = 4000, 5
    counts = Counter()
    for n in range(draws):
        counts.update(v.select_stratum(seed_for(f"witness-{n}", population), "S", population["S"], quota, V1))
    expected = draws * quota / 20
    chi2 = sum((counts[e] - expected) ** 2 / expected for e in population["S"])
    assert sum(counts.values()) == draws * quota
    assert chi2 < CHI2_19_DOF_999


def test_the_selection_is_recorded_in_rank_order_not_id_order():
    in_id_order = 0
    for n in range(5):
        inputs = make_inputs(public_randomness={"value": f"order-{n}", "source": "test"})
        drawn = v.compute_draw(inputs)
        seed = bytes.fromhex(drawn["seed"])
        for key, chosen in drawn["selected"].items():
            keys = [v._rank(seed, "entity", key, i) for i in chosen]
            assert keys == sorted(keys)
            in_id_order += chosen == sorted(chosen)
    assert in_id_order < 15  # rank order is not id order, so some selections are unsorted


# ---------------------------------------------------------------- quotas
def test_a_ratio_quota_rounds_up_with_integer_arithmetic():
    assert v.ratio_quota(101, 3, 100) == 4
    assert v.ratio_quota(100, 3, 100) == 3
    assert v.ratio_quota(0, 3, 100) == 0
    huge = 10**17 + 1  # floats lose the +1 here: math.ceil(huge * 1 / 10**17) == 1
    assert math.ceil(huge * 1 / 10**17) == 1
    assert v.ratio_quota(huge, 1, 10**17) == 2
    assert v.compute_draw(make_inputs())["quotas"] == {"A": 4, "B": 3, "D": 2}


def test_hamilton_allocation_gives_leftover_seats_to_the_largest_remainders():
    # exact shares 3.15, 2.45, 1.40: floors 3, 2, 1 and the one leftover seat goes to B
    for n in range(8):  # whatever the seed, the remainder decides before the tie-break
        assert v.hamilton_allocate(7, {"A": 45, "B": 35, "C": 20}, bytes([n]) * 32, V1) == {"A": 3, "B": 3, "C": 1}
    assert v.hamilton_allocate(10, {"A": 50, "B": 30, "C": 20}, b"\x00" * 32, V1) == {"A": 5, "B": 3, "C": 2}


def test_hamilton_allocation_breaks_remainder_ties_by_the_alloc_hmac():
    seed = b"\x01" * 32
    quotas = v.hamilton_allocate(10, {"A": 1, "B": 1, "C": 1}, seed, V1)
    winner = min("ABC", key=lambda k: v._rank(seed, "alloc", k))
    assert sum(quotas.values()) == 10
    assert quotas == {k: 4 if k == winner else 3 for k in "ABC"}


def test_a_shared_total_is_allocated_across_strata_in_proportion_to_their_size():
    inputs = with_params(strata={"A": {"rule": "share"}, "B": {"rule": "share"}, "D": {"rule": "full"}},
                         share={"total": 10})
    quotas = v.compute_draw(inputs)["quotas"]
    assert quotas["D"] == 2 and quotas["A"] + quotas["B"] == 10
    assert quotas == {"A": 9, "B": 1, "D": 2}  # 10*101//113 = 8 r106, 10*12//113 = 1 r7


def test_a_quota_larger_than_the_population_raises():
    inputs = with_params(strata={"A": {"rule": "count", "count": 5}, "B": {"rule": "count", "count": 13},
                                 "D": {"rule": "full"}})
    with pytest.raises(v.QuotaExceedsPopulation) as exc:
        v.compute_draw(inputs)
    assert (exc.value.stratum, exc.value.quota, exc.value.population) == ("B", 13, 12)


def test_a_capped_quota_takes_the_whole_stratum_instead_of_raising():
    inputs = with_params(strata={"A": {"rule": "ratio", "num": 3, "den": 2, "cap": True},
                                 "B": {"rule": "count", "count": 13, "cap": True}, "D": {"rule": "full"}})
    assert v.compute_draw(inputs)["quotas"] == {"A": 101, "B": 12, "D": 2}


def test_the_selection_code_contains_no_floating_point():
    tree = ast.parse(VERIFY_PY.read_text(encoding="utf-8"))
    divisions = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.BinOp, ast.AugAssign))
                 and isinstance(n.op, (ast.Div, ast.Pow))]
    floats = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    calls = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in ("float", "round", "math")]
    assert (divisions, floats, calls) == ([], [], [])


def test_non_integer_parameters_are_rejected():
    for bad in (5.0, True, "5", -1):
        inputs = with_params(strata={"A": {"rule": "count", "count": bad}, "B": {"rule": "full"}, "D": {"rule": "full"}})
        with pytest.raises(v.InvalidDrawInput):
            v.compute_draw(inputs)


# ---------------------------------------------------------------- teams
def test_no_team_has_fewer_than_two_members_or_a_recused_inspector():
    drawn = v.compute_draw(make_inputs())
    recusals = {target: [team[0]] for target, team in drawn["teams"].items()}
    redrawn = v.compute_draw(make_inputs(recusals=recusals))
    for target, team in redrawn["teams"].items():
        assert len(team) >= 2 and len(set(team)) == len(team)
        assert recusals[target][0] not in team
    with pytest.raises(v.InvalidDrawInput):
        v.compute_draw(with_params(team_size=1))


def test_ineligible_inspectors_are_never_assigned():
    inputs = make_inputs()
    for insp in inputs["inspectors"][:6]:
        insp["eligible"] = False
    teams = v.compute_draw(inputs)["teams"]
    assert not {i["id"] for i in inputs["inspectors"][:6]} & {m for t in teams.values() for m in t}


def test_joint_teams_include_each_required_department():
    drawn = v.compute_draw(with_params(team_size=3, staffing=[MARKET, ECOLOGY]))
    depts = {i["id"]: i["department"] for i in make_inputs()["inspectors"]}
    for team in drawn["teams"].values():
        assert len(team) == 3
        assert {depts[m] for m in team[:2]} == {MARKET, ECOLOGY}  # required slots are filled first


def test_a_department_needing_two_members_gets_two():
    drawn = v.compute_draw(with_params(team_size=3, staffing={HEALTH: 2}))
    depts = {i["id"]: i["department"] for i in make_inputs()["inspectors"]}
    assert all(sum(depts[m] == HEALTH for m in team) >= 2 for team in drawn["teams"].values())


def test_inspectors_with_fewer_assignments_are_preferred():
    loads = Counter(m for team in v.compute_draw(make_inputs())["teams"].values() for m in team)
    assert sum(loads.values()) == 2 * 9 and max(loads.values()) - min(loads.values()) <= 1
    assert len(loads) == 12


def test_the_workload_cap_is_respected():
    loads = Counter(m for team in v.compute_draw(with_params(workload_cap=2))["teams"].values() for m in team)
    assert max(loads.values()) <= 2
    with pytest.raises(v.TeamFormationError):  # 9 teams x 2 = 18 seats > 12 inspectors x 1
        v.compute_draw(with_params(workload_cap=1))


def test_too_few_inspectors_raises_naming_the_target():
    inputs = make_inputs(inspectors=[{"id": "P1", "department": MARKET}, {"id": "P2", "department": MARKET}],
                         recusals={"D2": ["P2"]})
    with pytest.raises(v.TeamFormationError) as exc:
        v.compute_draw(inputs)
    assert exc.value.target == "D2" and "D2" in str(exc.value)


def test_a_missing_department_raises_naming_the_target():
    with pytest.raises(v.TeamFormationError) as exc:
        v.compute_draw(with_params(staffing=["交通运输局"]))
    first_target = v.draw_order(v.compute_draw(make_inputs())["selected"])[0]
    assert exc.value.target == first_target and "交通运输局" in exc.value.reason


# ---------------------------------------------------------------- verifier
@pytest.fixture(params=[V1, v.ALGORITHM_V2])
def record(request: pytest.FixtureRequest) -> dict:
    """A server-built record of each algorithm version: every verifier test runs on both."""
    return v.build_record(make_inputs(algorithm=request.param))


def test_the_verifier_accepts_a_record_produced_by_compute_draw(record):
    report = v.verify_record(record)
    assert report.ok and report.mismatch is None
    assert "RESULT: all checks passed" in report.render()
    announced = v.build_announcement(make_inputs(algorithm=record["algorithm"]))
    digest = hashlib.sha256(v.canonical_json(announced)).digest()
    label = f"{record['algorithm']}|commit\n".encode()
    assert record["server_commitment"] == hashlib.sha256(label + bytes.fromhex(SECRET)
                                                         + digest).hexdigest()


def test_the_verifier_rejects_a_swapped_selected_identifier(record):
    chosen = record["result"]["selected"]["A"]
    outsider = next(i for i in record["population"]["strata"]["A"]["ids"] if i not in chosen)
    original, chosen[2] = chosen[2], outsider
    m = v.verify_record(record).mismatch
    assert (m.kind, m.stratum, m.position, m.expected, m.found) == ("selection", "A", 2, original, outsider)


def test_the_verifier_rejects_a_swapped_team_member(record):
    target = v.draw_order(record["result"]["selected"])[1]
    team = record["result"]["teams"][target]
    outsider = next(i["id"] for i in record["inspectors"] if i["id"] not in team)
    team[1] = outsider
    m = v.verify_record(record).mismatch
    assert (m.kind, m.target, m.position, m.found) == ("team", target, 1, outsider)


def test_the_verifier_rejects_a_changed_parameter_because_the_commitment_binds_it(record):
    record["params"]["strata"]["B"]["count"] = 4
    assert v.verify_record(record).mismatch.kind == "commitment"


@pytest.mark.parametrize("change", [
    lambda r: r["params"].update(team_size=3),
    lambda r: r["inspectors"][0].update(eligible=False),
    lambda r: r["recusals"].update({"D1": ["P00"]}),
    lambda r: r["public_randomness"].update(source="another lottery"),
    lambda r: r.update(task_no="SSGK-2024-0002"),
    lambda r: r.update(context={"note": "added afterwards"}),
], ids=["team_size", "inspector", "recusal", "source", "task_no", "context"])
def test_anything_announced_that_is_changed_afterwards_breaks_the_commitment(record, change):
    change(record)
    m = v.verify_record(record).mismatch
    assert m.kind == "commitment" and "server_commitment" in m.en


def test_a_changed_parameter_with_a_recomputed_commitment_fails_on_the_quota(record):
    """Only the holder of the secret could recompute the commitment; the verifier still catches the result."""
    record["params"]["strata"]["B"]["count"] = 4
    record["server_commitment"] = v.commitment_hex(SECRET, v.announcement_digest(v.announcement_of(record)), record["algorithm"])
    m = v.verify_record(record).mismatch
    assert (m.kind, m.stratum, m.expected, m.found) == ("quota", "B", 4, 3)


def test_a_changed_team_size_with_a_recomputed_commitment_fails_on_the_team_length(record):
    record["params"]["team_size"] = 3
    record["server_commitment"] = v.commitment_hex(SECRET, v.announcement_digest(v.announcement_of(record)), record["algorithm"])
    m = v.verify_record(record).mismatch
    assert m.kind == "parameters" and m.expected == 3 and m.found == 2


def test_the_verifier_rejects_a_wrong_secret_as_a_commitment_mismatch(record):
    record["server_secret"] = "6b" * 32
    assert v.verify_record(record).mismatch.kind == "commitment"


def test_the_verifier_rejects_a_tampered_population(record):
    record["population"]["strata"]["B"]["ids"].remove("B05")
    m = v.verify_record(record).mismatch
    assert (m.kind, m.stratum) == ("population_digest", "B")


def _remove_b05_and_fix_digests(record: dict) -> None:
    strata = record["population"]["strata"]
    strata["B"]["ids"].remove("B05")
    strata["B"].update(count=11, digest=v.stratum_digest(strata["B"]["ids"]).hex())
    record["population"]["digest"] = v.population_digest(
        {k: bytes.fromhex(s["digest"]) for k, s in strata.items()}).hex()


def test_a_tampered_population_with_recomputed_digests_fails_on_the_commitment(record):
    _remove_b05_and_fix_digests(record)
    assert v.verify_record(record).mismatch.kind == "commitment"


def test_a_tampered_population_with_a_recomputed_commitment_fails_on_the_seed(record):
    _remove_b05_and_fix_digests(record)
    record["server_commitment"] = v.commitment_hex(SECRET, v.announcement_digest(v.announcement_of(record)), record["algorithm"])
    assert v.verify_record(record).mismatch.kind == "seed"


def test_the_verifier_compares_the_record_with_the_prior_announcement(record):
    announcement = v.build_announcement(make_inputs(algorithm=record["algorithm"]))
    assert "server_secret" not in announcement and "value" not in announcement["public_randomness"]
    assert "server_commitment" not in announcement
    assert v.verify_record(record, announcement).ok
    announcement["params"]["strata"]["B"]["count"] = 2
    m = v.verify_record(record, announcement).mismatch
    assert m.kind == "announcement" and m.en.startswith("params")


def test_the_verifier_compares_the_record_with_the_commitment_published_before(record):
    assert v.verify_record(record, commitment=record["server_commitment"].upper()).ok
    m = v.verify_record(record, commitment="0" * 64).mismatch
    assert m.kind == "commitment" and m.found == record["server_commitment"]


def test_the_verifier_reports_a_malformed_record_instead_of_crashing(record):
    broken_population = copy.deepcopy(record)
    broken_population["population"]["strata"]["A"]["ids"][0] = "\ud800"
    for broken in ({}, {"algorithm": "ssgk-draw/1"}, dict(record, result=None), dict(record, params={"x": 1}),
                   broken_population, dict(record, server_secret="zz")):
        report = v.verify_record(broken)
        assert not report.ok and report.mismatch.kind in ("record", "commitment", "parameters")


# ---------------------------------------------------------------- documented example
def test_the_documented_worked_example_reproduces():
    """docs/draw-algorithm.md §11 quotes these values; keep them in step."""
    inspectors = [{"id": f"I0{n}", "department": MARKET if n <= 3 else ECOLOGY} for n in range(1, 7)]
    inspectors[5]["eligible"] = False
    inputs = make_inputs(
        params={"strata": {"A": {"rule": "ratio", "num": 1, "den": 3}, "C": {"rule": "count", "count": 2},
                           "D": {"rule": "full"}},
                "team_size": 2, "staffing": [MARKET, ECOLOGY], "workload_cap": 3},
        population={"A": [f"A0{n}" for n in range(1, 7)], "C": [f"C0{n}" for n in range(1, 5)],
                    "D": ["D01", "D02"]},
        inspectors=inspectors, recusals={"C03": ["I01"]}, server_secret=bytes(range(32)).hex(),
        public_randomness={"value": " 3 8 5 ", "source": "福彩3D 2024001期开奖号码"})
    record = v.build_record(inputs)
    announcement = v.build_announcement(inputs)
    assert v.announcement_digest(announcement).hex() == WORKED_ANNOUNCEMENT_DIGEST
    assert record["server_commitment"] == WORKED_COMMITMENT
    assert record["population"]["digest"] == "a1d6d459416a1e2fa6656fca131890b576c990ab71cbe47e87a2b71d1a712cff"
    assert record["seed"] == "002638bc3405ee629c361123cf81e3a2c3270b628966ba0113125224b0f80169"
    assert record["result"]["selected"] == {"A": ["A03", "A06"], "C": ["C01", "C02"], "D": ["D01", "D02"]}
    assert record["result"]["teams"] == {"A03": ["I05", "I02"], "A06": ["I03", "I04"], "C01": ["I01", "I04"],
                                         "C02": ["I03", "I05"], "D01": ["I02", "I04"], "D02": ["I01", "I05"]}


# ---------------------------------------------------------------- command line
def run_cli(args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_the_cli_exits_0_1_and_2(record, tmp_path):
    good = write(tmp_path / "good.json", record)
    bad_record = copy.deepcopy(record)
    bad_record["result"]["selected"]["B"].reverse()
    bad = write(tmp_path / "bad.json", bad_record)
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    module = ["-m", "backend.draws.verify"]
    ok = run_cli([*module, str(good)], ROOT)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "seed OK" in ok.stdout and "all checks passed" in ok.stdout
    failed = run_cli([*module, str(bad)], ROOT)
    assert failed.returncode == 1 and "MISMATCH (selection)" in failed.stdout and "stratum B position 1" in failed.stdout
    assert run_cli([*module, str(junk)], ROOT).returncode == 2
    assert run_cli([*module, str(tmp_path / "missing.json")], ROOT).returncode == 2


def test_the_cli_rejects_json_with_duplicate_keys(record, tmp_path):
    text = json.dumps(record).replace('"seed":', '"seed": "00", "seed":', 1)
    (tmp_path / "dup.json").write_text(text, encoding="utf-8")
    assert run_cli(["-m", "backend.draws.verify", str(tmp_path / "dup.json")], ROOT).returncode == 2


def test_verify_py_runs_alone_outside_the_repository(record, tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY_PY, alone / "verify.py")
    good = write(alone / "record.json", record)
    announcement = write(alone / "announcement.json", v.build_announcement(make_inputs(algorithm=record["algorithm"])))
    result = run_cli(["-I", "verify.py", good.name, "--announcement", announcement.name], alone)
    assert result.returncode == 0, result.stdout + result.stderr
    record["result"]["teams"]["D1"].reverse()
    assert run_cli(["-I", "verify.py", write(alone / "bad.json", record).name], alone).returncode == 1


def test_the_documentation_quotes_the_worked_example_values():
    text = (ROOT / "docs" / "draw-algorithm.md").read_text(encoding="utf-8")
    for value in (WORKED_ANNOUNCEMENT_DIGEST, WORKED_COMMITMENT,
                  "002638bc3405ee629c361123cf81e3a2c3270b628966ba0113125224b0f80169"):
        assert value in text


# ---------------------------------------------------------------- canonical JSON and fast paths
@pytest.mark.parametrize("ids", [["A1", "B2"], ["带\"引号", "back\\slash", "ctl\x01", "é"], []],
                         ids=["plain", "escaped", "empty"])
def test_the_canonical_parts_join_to_exactly_the_canonical_json(ids):
    announcement = v.build_announcement(make_inputs(context={"名称": "联合抽查", "n": 3}))
    announcement["population"]["strata"]["A"].update(ids=ids, count=len(ids))
    head, population, tail = v.canonical_parts(announcement)
    assert head + population + tail == v.canonical_json(announcement)
    assert v.announcement_digest(announcement) == hashlib.sha256(v.canonical_json(announcement)).digest()


def test_canonical_json_sorts_keys_by_code_point_and_keeps_non_ascii_raw():
    assert v.canonical_json({"b": 1, "a": [True, None], "é": "中\n"}) == '{"a":[true,null],"b":1,"é":"中\\n"}'.encode()
    with pytest.raises(ValueError):
        v.canonical_json({"x": float("nan")})


@pytest.mark.parametrize("quota", [0, 1, 7, 100, 101])
def test_the_fast_selection_equals_the_first_places_of_the_full_ranking(quota):
    ids = make_inputs()["population"]["A"]
    seed = seed_for("fast-path", make_inputs()["population"])
    assert v.select_stratum(seed, "A", ids, quota, V1) == v.rank_entities(seed, "A", ids, V1)[:quota]


def test_the_keyed_ranker_equals_the_one_shot_hmac():
    seed = bytes(range(32))
    assert v._ranker(seed, "inspector", "A03")("I05") == v._rank(seed, "inspector", "A03", "I05")
    assert v._rank(seed, "entity", "A", "A01") == hmac.new(seed, b"entity\x00A\x00A01", hashlib.sha256).digest()


@pytest.mark.parametrize("key_length", [0, 1, 32, 63, 64, 65, 200])
def test_the_spelled_out_hmac_of_the_ranker_equals_the_standard_library_hmac_for_any_key_length(key_length):
    rng = random.Random(key_length)
    seed = bytes(rng.randrange(256) for _ in range(key_length))
    rank = v._ranker(seed, "entity", "层A")
    for last in ("", "9137090233445566X", "L:本地-0001", "x" * 300):
        want = hmac.new(seed, "entity\x00层A\x00".encode() + last.encode(), hashlib.sha256).digest()
        assert rank(last) == want


def test_ids_that_are_not_valid_utf8_or_repeat_are_rejected():
    for population in ({"A": ["ok", "\ud800"]}, {"A": ["x", "x"]}, {"A": ["x"], "B": ["x"]}, {"A": ["a\tb"]}):
        with pytest.raises(v.InvalidDrawInput):
            v.normalise_population(population)


# ---------------------------------------------------------------- the public, redacted record
def test_the_public_record_hides_strata_inspectors_and_recusals_but_verifies_commitment_and_seed(record):
    public = v.redact_record(record, "ab" * 32, targets=["D2", "A010"])
    text = json.dumps(public)
    assert '"strata"' not in text and '"inspectors"' not in text and '"recusals"' not in text
    assert public["result"]["targets"] == ["A010", "D2"] and public["population"]["count"] == 115
    report = v.verify_record(public, commitment=record["server_commitment"])
    assert report.ok, report.render()
    assert "full record" in report.render()


@pytest.mark.parametrize(("field", "value", "kind"), [
    ("server_secret", "6b" * 32, "commitment"), ("announcement_digest", "00" * 32, "commitment"),
    ("seed", "00" * 32, "seed"), ("server_secret", "nothex", "record")])
def test_the_public_record_fails_when_its_commitment_or_seed_do_not_hold(record, field, value, kind):
    public = dict(v.redact_record(record, "ab" * 32), **{field: value})
    assert v.verify_record(public).mismatch.kind == kind


def test_a_changed_public_randomness_fails_the_public_record_on_the_seed(record):
    public = v.redact_record(record, "ab" * 32)
    public["public_randomness"] = dict(public["public_randomness"], value="2024001: 3 8 6")
    assert v.verify_record(public).mismatch.kind == "seed"


def test_the_cli_refuses_floating_point_numbers(record, tmp_path):
    text = json.dumps(record).replace('"team_size": 2', '"team_size": 2.0', 1)
    (tmp_path / "float.json").write_text(text, encoding="utf-8")
    assert run_cli(["-m", "backend.draws.verify", str(tmp_path / "float.json")], ROOT).returncode == 2


def _reference_teams(seed, selected, inspectors, recusals, params):
    """The team rule exactly as docs/draw-algorithm.md §8 states it: sort the whole pool, two passes."""
    load, teams = {i["id"]: 0 for i in inspectors}, {}
    for target in v.draw_order(selected):
        cap = params["workload_cap"]
        pool = [i for i in inspectors if i["eligible"] and i["id"] not in set(recusals.get(target, ()))
                and (cap is None or load[i["id"]] < cap)]
        pool.sort(key=lambda i: (load[i["id"]], v._rank(seed, "inspector", target, i["id"]), i["id"].encode()))
        need, team = dict(params["staffing"]), []
        for insp in pool:
            if need.get(insp["department"], 0) > 0:
                team.append(insp["id"])
                need[insp["department"]] -= 1
        for insp in pool:
            if len(team) < params["team_size"] and insp["id"] not in team:
                team.append(insp["id"])
        if any(need.values()) or len(team) < params["team_size"]:
            return None
        teams[target] = team
        for member in team:
            load[member] += 1
    return teams


@pytest.mark.parametrize("case", range(150))
def test_team_formation_ranking_only_the_lowest_loads_equals_sorting_the_whole_pool(case):
    rng = random.Random(case)
    departments = [MARKET, ECOLOGY, HEALTH][:rng.randint(1, 3)]
    inspectors = v.normalise_inspectors([{"id": f"P{n:02d}", "department": rng.choice(departments),
                                          "eligible": rng.random() > 0.15} for n in range(rng.randint(4, 16))])
    targets = [f"T{n:02d}" for n in range(rng.randint(1, 12))]
    recusals = v.normalise_recusals({t: rng.sample([i["id"] for i in inspectors], rng.randint(0, 3))
                                     for t in targets if rng.random() < 0.4})
    team_size = rng.randint(2, 3)
    staffing = {d: 1 for d in rng.sample(departments, min(len(departments), rng.randint(0, team_size)))}
    params = {"team_size": team_size, "staffing": staffing, "workload_cap": rng.choice([None, 2, 3, 5])}
    seed = bytes(rng.randrange(256) for _ in range(32))
    expected = _reference_teams(seed, {"S": targets}, inspectors, recusals, params)
    if expected is None:
        with pytest.raises(v.TeamFormationError):
            v.form_teams(seed, {"S": targets}, inspectors, recusals, params, V1)
    else:
        assert v.form_teams(seed, {"S": targets}, inspectors, recusals, params, V1) == expected


@pytest.mark.parametrize("values", [[], ["A01"], ["A01", "B02", "L:x-1"], ['say "hi"', "ok"], ["a\\b"], ["tab\there", "z"],
                                    ["泰安", "𝔘nicode", "end"]])
def test_the_fast_encoding_of_an_id_list_is_its_canonical_json(values):
    assert v._canonical_names(values) == v.canonical_json(values)
