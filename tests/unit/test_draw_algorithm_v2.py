"""Unit tests for backend.draws.verify: the ssgk-draw/2 algorithm (new draws) and its verifier.

Version 2 ranks entities by one SHA-256 over a seed-prefixed message and samples team members
uniformly from the lowest load level (docs/draw-algorithm.md §12). These tests mirror the
version 1 ones (tests/unit/test_draw_algorithm.py) and check that the two versions cannot be
passed off as each other.
"""

from __future__ import annotations

import copy
import hashlib
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from backend.draws import verify as v
from tests.unit.test_draw_algorithm import (CHI2_19_DOF_999, ECOLOGY, HEALTH, MARKET, SECRET, VERIFY_PY,
                                            write)
from tests.unit.test_draw_algorithm import make_inputs as v1_inputs

ROOT = Path(__file__).resolve().parents[2]
V1, V2 = v.ALGORITHM_V1, v.ALGORITHM_V2
# chi-square critical value, 18 degrees of freedom, p = 0.999 (tables: 42.312)
CHI2_18_DOF_999 = 42.312


def make_inputs(**overrides) -> dict:
    inputs = v1_inputs(**overrides)
    inputs["algorithm"] = overrides.get("algorithm", V2)
    return inputs


def with_params(**changes) -> dict:
    inputs = make_inputs()
    inputs["params"].update(changes)
    return inputs


def seed_for(randomness: str, population: dict) -> bytes:
    digests = {k: v.stratum_digest(ids) for k, ids in population.items()}
    return v.derive_seed(SECRET, randomness, v.population_digest(digests), V2)


# ---------------------------------------------------------------- determinism and sensitivity
def test_new_draws_use_version_2():
    assert v.ALGORITHM == V2
    assert v.build_record(make_inputs())["algorithm"] == V2
    inputs = make_inputs()
    del inputs["algorithm"]
    assert v.build_announcement(inputs)["algorithm"] == V2


def test_the_same_inputs_always_give_the_same_selection_and_teams_in_version_2():
    assert v.compute_draw(make_inputs()) == v.compute_draw(make_inputs())


def test_version_2_draws_differently_from_version_1_with_the_same_inputs():
    a, b = v.compute_draw(make_inputs()), v.compute_draw(make_inputs(algorithm=V1))
    assert a["population_digest"] == b["population_digest"]
    assert a["seed"] != b["seed"]  # the seed is derived under the version's own label
    assert a["selected"] != b["selected"]


def test_changing_one_byte_of_the_public_randomness_changes_the_version_2_selection():
    changed = make_inputs(public_randomness={"value": "2024001: 3 8 6", "source": "福彩3D"})
    a, b = v.compute_draw(make_inputs()), v.compute_draw(changed)
    assert a["seed"] != b["seed"]
    assert a["selected"]["A"] != b["selected"]["A"]
    assert a["selected"]["B"] != b["selected"]["B"]
    assert a["teams"] != b["teams"]


def test_adding_one_entity_to_the_population_changes_the_version_2_selection():
    grown = make_inputs()
    grown["population"]["B"].append("B99")
    a, b = v.compute_draw(make_inputs()), v.compute_draw(grown)
    assert a["population_digest"] != b["population_digest"]
    assert a["seed"] != b["seed"]
    assert a["selected"]["B"] != b["selected"]["B"]


def test_the_version_2_rank_is_one_sha256_of_seed_label_stratum_and_id():
    seed = bytes(range(32))
    want = hashlib.sha256(seed + "entity\x00层A\x009137090233445566X".encode()).digest()
    assert v._rank2(seed, "entity", "层A", "9137090233445566X") == want
    assert list(v._ranks2(seed, "entity", "层A", ["9137090233445566X"])) == [want]


def test_the_version_2_selection_is_recorded_in_rank_order():
    for n in range(5):
        drawn = v.compute_draw(make_inputs(public_randomness={"value": f"order-{n}", "source": "test"}))
        seed = bytes.fromhex(drawn["seed"])
        for key, chosen in drawn["selected"].items():
            keys = [v._rank2(seed, "entity", key, i) for i in chosen]
            assert keys == sorted(keys)


@pytest.mark.parametrize("quota", [0, 1, 7, 100, 101])
def test_the_fast_version_2_selection_equals_the_first_places_of_the_full_ranking(quota):
    ids = make_inputs()["population"]["A"]
    seed = seed_for("fast-path", make_inputs()["population"])
    full = sorted(ids, key=lambda i: (v._rank2(seed, "entity", "A", i), i.encode()))
    assert v.select_stratum(seed, "A", ids, quota, V2) == v.rank_entities(seed, "A", ids, V2)[:quota] == full[:quota]


def test_every_entity_in_a_stratum_is_equally_likely_to_be_drawn_in_version_2():
    population = {"S": [f"E{n:02d}" for n in range(20)]}
    draws, quota = 4000, 5
    counts = Counter()
    for n in range(draws):
        counts.update(v.select_stratum(seed_for(f"witness-{n}", population), "S", population["S"], quota, V2))
    expected = draws * quota / 20
    chi2 = sum((counts[e] - expected) ** 2 / expected for e in population["S"])
    assert sum(counts.values()) == draws * quota
    assert chi2 < CHI2_19_DOF_999


def test_hamilton_allocation_breaks_remainder_ties_by_the_version_2_alloc_hash():
    seed = b"\x01" * 32
    quotas = v.hamilton_allocate(10, {"A": 1, "B": 1, "C": 1}, seed, V2)
    winner = min("ABC", key=lambda k: hashlib.sha256(seed + b"alloc\x00" + k.encode()).digest())
    assert quotas == {k: 4 if k == winner else 3 for k in "ABC"}


# ---------------------------------------------------------------- teams
def _team_inputs(inspectors: int, recused: list[str]) -> tuple[list, dict, dict]:
    people = v.normalise_inspectors([{"id": f"P{n:02d}", "department": MARKET} for n in range(inspectors)])
    params = {"team_size": 2, "staffing": {}, "workload_cap": None}
    return people, {"T1": recused} if recused else {}, params


def test_every_inspector_of_the_lowest_load_level_is_equally_likely_to_join_a_team():
    people, recusals, params = _team_inputs(20, [])
    counts = Counter()
    for n in range(4000):
        counts.update(v.form_teams(hashlib.sha256(b"team-%d" % n).digest(), {"S": ["T1"]}, people, recusals,
                                   params, V2)["T1"])
    expected = 4000 * 2 / 20
    assert sum((counts[i["id"]] - expected) ** 2 / expected for i in people) < CHI2_19_DOF_999


def test_a_recused_inspector_is_skipped_without_favouring_anyone_else():
    people, recusals, params = _team_inputs(20, ["P07"])
    counts = Counter()
    for n in range(4000):
        counts.update(v.form_teams(hashlib.sha256(b"recused-%d" % n).digest(), {"S": ["T1"]}, people, recusals,
                                   params, V2)["T1"])
    assert "P07" not in counts
    expected = 4000 * 2 / 19
    assert sum((counts[i["id"]] - expected) ** 2 / expected for i in people if i["id"] != "P07") < CHI2_18_DOF_999


def test_no_version_2_team_has_fewer_than_two_members_or_a_recused_inspector():
    drawn = v.compute_draw(make_inputs())
    recusals = {target: [team[0]] for target, team in drawn["teams"].items()}
    redrawn = v.compute_draw(make_inputs(recusals=recusals))
    for target, team in redrawn["teams"].items():
        assert len(team) >= 2 and len(set(team)) == len(team)
        assert recusals[target][0] not in team


def test_ineligible_inspectors_are_never_assigned_in_version_2():
    inputs = make_inputs()
    for insp in inputs["inspectors"][:6]:
        insp["eligible"] = False
    teams = v.compute_draw(inputs)["teams"]
    assert not {i["id"] for i in inputs["inspectors"][:6]} & {m for t in teams.values() for m in t}


def test_version_2_joint_teams_include_each_required_department_first():
    drawn = v.compute_draw(with_params(team_size=3, staffing=[MARKET, ECOLOGY]))
    depts = {i["id"]: i["department"] for i in make_inputs()["inspectors"]}
    for team in drawn["teams"].values():
        assert len(team) == 3
        assert [depts[m] for m in team[:2]] == sorted([MARKET, ECOLOGY], key=str.encode)  # departments in key order


def test_a_department_needing_two_members_gets_two_in_version_2():
    drawn = v.compute_draw(with_params(team_size=3, staffing={HEALTH: 2}))
    depts = {i["id"]: i["department"] for i in make_inputs()["inspectors"]}
    assert all(sum(depts[m] == HEALTH for m in team) >= 2 for team in drawn["teams"].values())


def test_version_2_prefers_inspectors_with_fewer_assignments_and_respects_the_cap():
    loads = Counter(m for team in v.compute_draw(make_inputs())["teams"].values() for m in team)
    assert sum(loads.values()) == 2 * 9 and max(loads.values()) - min(loads.values()) <= 1
    capped = Counter(m for team in v.compute_draw(with_params(workload_cap=2))["teams"].values() for m in team)
    assert max(capped.values()) <= 2
    with pytest.raises(v.TeamFormationError):  # 9 teams x 2 = 18 seats > 12 inspectors x 1
        v.compute_draw(with_params(workload_cap=1))


def test_version_2_team_errors_name_the_target_and_the_department():
    inputs = make_inputs(inspectors=[{"id": "P1", "department": MARKET}, {"id": "P2", "department": MARKET}],
                         recusals={"D2": ["P2"]})
    with pytest.raises(v.TeamFormationError) as exc:
        v.compute_draw(inputs)
    assert exc.value.target == "D2"
    with pytest.raises(v.TeamFormationError) as exc:
        v.compute_draw(with_params(staffing=["交通运输局"]))
    assert "交通运输局" in exc.value.reason


def _reference_teams(seed, selected, inspectors, recusals, params):
    """§12 read literally: rebuild every level from the loads for every member, hash by hash."""
    load, teams, cap = {i["id"]: 0 for i in inspectors}, {}, params["workload_cap"]
    for target in v.draw_order(selected):
        recused, team = set(recusals.get(target, ())), []

        def draw(group):
            counter, slot = 0, len(team)
            pool = [i["id"] for i in inspectors if i["eligible"] and (group is None or i["department"] == group)
                    and (cap is None or load[i["id"]] < cap)]
            for level in sorted({load[i] for i in pool}):
                candidates = sorted((i for i in pool if load[i] == level), key=str.encode)
                if all(c in recused or c in team for c in candidates):
                    continue
                while True:
                    message = seed + b"team\x00" + target.encode() + b"\x00" + slot.to_bytes(4, "big") \
                        + counter.to_bytes(4, "big")
                    counter += 1
                    u, n = int.from_bytes(hashlib.sha256(message).digest()[:8], "big"), len(candidates)
                    if u >= 2**64 - 2**64 % n:
                        continue
                    if candidates[u % n] not in recused and candidates[u % n] not in team:
                        return candidates[u % n]
            return None

        groups = [d for d, need in params["staffing"].items() for _ in range(need)]
        groups += [None] * (params["team_size"] - len(groups))
        for group in groups:
            member = draw(group)
            if member is None:
                return None
            team.append(member)
        teams[target] = team
        for member in team:
            load[member] += 1
    return teams


@pytest.mark.parametrize("case", range(150))
def test_version_2_team_formation_equals_the_specification_read_literally(case):
    rng = random.Random(case)
    departments = [MARKET, ECOLOGY, HEALTH][:rng.randint(1, 3)]
    inspectors = v.normalise_inspectors([{"id": f"P{n:02d}", "department": rng.choice(departments),
                                          "eligible": rng.random() > 0.15} for n in range(rng.randint(4, 16))])
    targets = [f"T{n:02d}" for n in range(rng.randint(1, 12))]
    recusals = v.normalise_recusals({t: rng.sample([i["id"] for i in inspectors], rng.randint(0, 3))
                                     for t in targets if rng.random() < 0.4})
    team_size = rng.randint(2, 3)
    staffing = {d: 1 for d in rng.sample(departments, min(len(departments), rng.randint(0, team_size)))}
    params = {"team_size": team_size, "staffing": dict(sorted(staffing.items(), key=lambda kv: kv[0].encode())),
              "workload_cap": rng.choice([None, 2, 3, 5])}
    seed = bytes(rng.randrange(256) for _ in range(32))
    expected = _reference_teams(seed, {"S": targets}, inspectors, recusals, params)
    if expected is None:
        with pytest.raises(v.TeamFormationError):
            v.form_teams(seed, {"S": targets}, inspectors, recusals, params, V2)
    else:
        assert v.form_teams(seed, {"S": targets}, inspectors, recusals, params, V2) == expected


# ---------------------------------------------------------------- verifier
@pytest.fixture
def record() -> dict:
    return v.build_record(make_inputs())


# Acceptance, a swapped id or member and a changed parameter: the verifier tests of
# test_draw_algorithm.py run on records of both versions.


def test_a_version_2_record_relabelled_as_version_1_is_rejected(record):
    record["algorithm"] = V1
    assert v.verify_record(record).mismatch.kind == "commitment"
    # even with the commitment recomputed under version 1, the seed and the selection are version 2's
    record["server_commitment"] = v.commitment_hex(SECRET, v.announcement_digest(v.announcement_of(record)), V1)
    assert v.verify_record(record).mismatch.kind == "seed"


def test_a_version_1_record_relabelled_as_version_2_is_rejected():
    record = v.build_record(make_inputs(algorithm=V1))
    assert v.verify_record(record).ok
    record["algorithm"] = V2
    assert v.verify_record(record).mismatch.kind == "commitment"
    record["server_commitment"] = v.commitment_hex(SECRET, v.announcement_digest(v.announcement_of(record)), V2)
    assert v.verify_record(record).mismatch.kind == "seed"
    record["seed"] = v.compute_draw(record | {"population": {k: s["ids"] for k, s in
                                                             record["population"]["strata"].items()}})["seed"]
    assert v.verify_record(record).mismatch.kind == "selection"


def test_an_unknown_algorithm_is_rejected_as_malformed(record):
    for label in ("ssgk-draw/3", None, 2):
        m = v.verify_record(dict(record, algorithm=label)).mismatch
        assert m.kind == "record"
    with pytest.raises(v.InvalidDrawInput):
        v.compute_draw(make_inputs(algorithm="ssgk-draw/3"))


def test_the_public_version_2_record_verifies_its_commitment_and_seed(record):
    public = v.redact_record(record, "ab" * 32)
    assert public["algorithm"] == V2
    assert v.verify_record(public, commitment=record["server_commitment"]).ok
    assert v.verify_record(dict(public, algorithm=V1)).mismatch.kind == "commitment"
    assert v.verify_record(dict(public, seed="00" * 32)).mismatch.kind == "seed"


def test_verify_py_alone_checks_version_1_and_version_2_records(record, tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY_PY, alone / "verify.py")
    run = lambda name: subprocess.run([sys.executable, "-I", "verify.py", name], cwd=alone,  # noqa: E731
                                      capture_output=True, text=True, encoding="utf-8", timeout=60)
    for name, data in (("v2.json", record), ("v1.json", v.build_record(make_inputs(algorithm=V1)))):
        result = run(write(alone / name, data).name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"({data['algorithm']})" in result.stdout
    bad = copy.deepcopy(record)
    bad["result"]["teams"]["D1"].reverse()
    assert run(write(alone / "bad.json", bad).name).returncode == 1


# ---------------------------------------------------------------- documented example
V2_WORKED = {"announcement_digest": "3c694483e8e3b97869e09cdaa636221143ad287b00dfe5ad79a9234184a3f28d",
             "server_commitment": "81cd3347afa236bb243febf01a078021be353bf4f07c395204fd484079a7e243",
             "seed": "afb03492b8086960872e2dc7396950d4d9bd0add2e8d9503e15ce131d5d71fd9"}


def test_the_documented_version_2_worked_example_reproduces():
    """docs/draw-algorithm.md §13 quotes these values; keep them in step."""
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
    assert v.announcement_digest(v.build_announcement(inputs)).hex() == V2_WORKED["announcement_digest"]
    assert (record["server_commitment"], record["seed"]) == (V2_WORKED["server_commitment"], V2_WORKED["seed"])
    assert record["result"]["selected"] == {"A": ["A03", "A05"], "C": ["C01", "C04"], "D": ["D01", "D02"]}
    assert record["result"]["teams"] == {"A03": ["I01", "I05"], "A05": ["I03", "I04"], "C01": ["I02", "I05"],
                                         "C04": ["I03", "I04"], "D01": ["I02", "I04"], "D02": ["I01", "I05"]}
    text = (ROOT / "docs" / "draw-algorithm.md").read_text(encoding="utf-8")
    assert all(value in text for value in V2_WORKED.values())


# ---------------------------------------------------------------- fast paths of the server
def test_a_presorted_population_gives_the_same_announcement_and_still_has_its_names_checked():
    inputs = make_inputs()
    inputs["population"] = {k: sorted(ids) for k, ids in inputs["population"].items()}
    assert v.build_announcement(inputs, presorted=True) == v.build_announcement(inputs)
    inputs["population"]["B"][3] = "B\t03"
    with pytest.raises(v.InvalidDrawInput):
        v.build_announcement(inputs, presorted=True)


def test_the_bounded_selection_equals_the_full_ranking_even_when_the_bound_must_grow():
    ids = [f"E{n:05d}" for n in range(5000)]
    seed = hashlib.sha256(b"bound").digest()
    full = v.rank_entities(seed, "S", ids, V2)
    for quota in (1, 17, 400, 1249):
        assert v.select_stratum(seed, "S", ids, quota, V2) == full[:quota]
    below = v._below_bound(seed, "S", ids, 50, want=1)  # a bound far too low is doubled until 50 are under it
    assert 50 <= len(below) < 200 and set(full[:50]) <= set(below)


def test_the_chunked_ranks_equal_one_sha256_per_id_across_chunk_boundaries():
    seed = hashlib.sha256(b"chunks").digest()
    ids = [f"E{n:05d}" for n in range(2 * v._RANK_CHUNK + 3)] + ["L:本地-1"]
    assert list(v._ranks2(seed, "entity", "层A", ids)) == [v._rank2(seed, "entity", "层A", i) for i in ids]
    assert list(v._ranks2(seed, "entity", "层A", [])) == []
