"""Unit tests for backend.draws.ranking: the reveal's ranks on two cores give exactly the
verifier's selection, whether the helper process helps, fails, cannot start, is too slow, read
another population, or its bound catches too few ids."""
from __future__ import annotations

import gzip
import random

import pytest

from backend.draws import ranking
from backend.draws import verify as v

V2 = v.ALGORITHM_V2
SEED = bytes(range(32))


@pytest.fixture
def population() -> dict:
    rng = random.Random(7)
    ids = sorted({f"91{rng.randrange(10 ** 15):015d}X" for _ in range(9_000)})
    rng.shuffle(ids)
    return {"A": sorted(ids[:4_000]), "B": sorted(ids[4_000:7_000]), "C": sorted(ids[7_000:8_000]),
            "D": sorted(ids[8_000:])}


# A with a bound (4 x 37 < 4,000), B a whole-stratum quota (no bound), C none drawn, D with a bound.
QUOTAS = {"A": 37, "B": 2_000, "C": 0, "D": 5}


def stored(population: dict) -> bytes:
    """The population as a commitment stores it: its canonical JSON, gzipped."""
    announcement = v.build_announcement({"task_no": "T-1", "params": {"strata": {k: {"rule": "count", "count": 0}
                                                                                  for k in population}},
                                         "population": population, "public_randomness": {"source": "x"}})
    return gzip.compress(v.canonical_parts(announcement)[1])


def helped_selection(population: dict, quotas: dict, algorithm: str = V2, gz: bytes | None = None) -> dict:
    with ranking.Helper(stored(population) if gz is None else gz, sum(map(len, population.values()))) as helper:
        return helper.select_strata(SEED, population, quotas, algorithm)


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every population is large enough for a helper; the list collects what each helper gave."""
    monkeypatch.setattr(ranking, "HELPED", 1)
    results = []
    original = ranking.Helper._result

    def recorded(self, *args):
        results.append(original(self, *args))
        return results[-1]

    monkeypatch.setattr(ranking.Helper, "_result", recorded)
    return results


def test_the_helper_ranks_half_of_each_bounded_stratum_and_the_selection_is_the_verifiers(
        population: dict, helped: list) -> None:
    assert helped_selection(population, QUOTAS) == v.select_strata(SEED, population, QUOTAS, V2)
    (found,) = helped
    assert found is not None and len(found) == 2  # A and D: the strata with a bound
    assert set(found[0]) <= set(population["A"][2_000:]) and set(found[1]) <= set(population["D"][500:])


def test_a_helper_that_fails_leaves_its_halves_to_this_process(
        population: dict, helped: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "_HELPER", "raise SystemExit(3)")
    assert helped_selection(population, QUOTAS) == v.select_strata(SEED, population, QUOTAS, V2)
    assert helped == [None]


def test_a_helper_that_cannot_start_leaves_its_halves_to_this_process(
        population: dict, helped: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking.sys, "executable", "/nonexistent/python")
    assert helped_selection(population, QUOTAS) == v.select_strata(SEED, population, QUOTAS, V2)
    assert helped == []  # (no process: nothing to wait for)


def test_a_helper_slower_than_its_limit_is_stopped_and_its_halves_done_here(
        population: dict, helped: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "_HELPER", "import time; time.sleep(30)")
    monkeypatch.setattr(ranking, "HELPER_SECONDS", 0.5)
    assert helped_selection(population, QUOTAS) == v.select_strata(SEED, population, QUOTAS, V2)
    assert helped == [None]


def test_a_helper_that_read_another_population_is_not_trusted(population: dict, helped: list) -> None:
    other = {**population, "A": population["A"][1:]}  # one id fewer: its halves start elsewhere
    assert helped_selection(population, QUOTAS, gz=stored(other)) == v.select_strata(SEED, population, QUOTAS, V2)
    assert helped == [None]


def test_a_bound_that_catches_too_few_ids_falls_back_to_the_verifiers_own_loop(
        population: dict, helped: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v, "first_rank_bound", lambda quota, count, want=None: (1 << 256) // count)  # ~1 id under it
    expected = {k: v.rank_entities(SEED, k, ids, V2)[:QUOTAS[k]] for k, ids in population.items()}
    assert helped_selection(population, QUOTAS) == expected
    assert helped and helped[0] is not None


def test_a_helper_given_no_job_ends_with_the_reveal(population: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "HELPED", 1)
    with ranking.Helper(stored(population), 9_000) as helper:
        process = helper._process
        assert process is not None and process.poll() is None
    assert process.poll() is not None and helper._process is None


def test_small_populations_and_version_1_draws_are_ranked_here_alone(population: dict,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args, **kwargs):
        raise AssertionError("no helper process expected")

    monkeypatch.setattr(ranking.subprocess, "Popen", no_process)
    assert helped_selection(population, QUOTAS) == v.select_strata(SEED, population, QUOTAS, V2)
    monkeypatch.undo()
    monkeypatch.setattr(ranking, "HELPED", 1)
    v1 = v.ALGORITHM_V1
    assert helped_selection(population, QUOTAS, v1) == v.select_strata(SEED, population, QUOTAS, v1)


def test_a_stratum_too_small_for_a_rank_bound_below_the_top_is_ranked_here(population: dict, helped: list) -> None:
    small = {"A": population["A"][:50]}  # quota 10: the first bound would be over 2^256 (every id under it)
    assert helped_selection(small, {"A": 10}) == v.select_strata(SEED, small, {"A": 10}, V2)
    assert helped == []  # (no stratum for the helper: its job was never sent)
