"""Unit tests for backend.draws.encoding: the population encoded stratum by stratum while it is read
is byte for byte the announcement's canonical population, and its gzip inflates to it."""
from __future__ import annotations

import gzip
import random

import pytest

from backend.draws import storage
from backend.draws import verify as v
from backend.draws.encoding import PopulationEncoder


@pytest.fixture
def population() -> dict[str, list[str]]:
    rng = random.Random(11)
    codes = sorted({f"91{rng.randrange(10 ** 15):015d}X" for _ in range(30_000)})
    rng.shuffle(codes)
    odd = ['L:站点"甲"', "L:back\\slash", "L:ünï", "L:\u00e9t\u00e9"]  # escaped in JSON, or not ASCII
    return {"A": sorted(codes[:9_000] + odd), "B": sorted(codes[9_000:29_000]), "C": [], "D": sorted(codes[29_000:])}


def reference(population: dict[str, list[str]]) -> tuple[dict, bytes]:
    announcement = v.build_announcement({"task_no": "T-1", "params": {"strata": {k: {"rule": "count", "count": 0}
                                                                                  for k in population}},
                                         "population": population, "public_randomness": {"source": "x"}},
                                        presorted=True)
    return announcement, v.canonical_parts(announcement)[1]


def encoded(encoder: PopulationEncoder, population: dict[str, list[str]]) -> tuple[dict, bytes, bytes]:
    announcement = v.build_announcement({"task_no": "T-1", "params": {"strata": {k: {"rule": "count", "count": 0}
                                                                                  for k in population}},
                                         "population": population, "public_randomness": {"source": "x"}},
                                        presorted=True, digests=encoder.digests(population))
    middle, packed = encoder.finish(population, announcement["population"]["digest"])
    return announcement, middle, packed


@pytest.mark.parametrize("arrival", [["A", "B", "C", "D"], ["D", "B", "A"], []], ids=["in order", "out of order", "none"])
def test_strata_encoded_as_they_arrive_give_the_canonical_population_and_its_gzip(population, arrival) -> None:
    encoder = PopulationEncoder(list(population))
    for key in arrival:
        encoder.add(key, population[key])
    announcement, middle, packed = encoded(encoder, population)
    expected_announcement, expected = reference(population)
    assert announcement == expected_announcement
    assert middle == expected and len(middle) > 500_000
    assert gzip.decompress(packed) == middle
    assert b"".join(storage.unpack_chunks(packed)) == middle  # (the streaming reader of exports)


def test_a_stratum_that_grew_or_was_replaced_after_it_was_encoded_is_encoded_again(population) -> None:
    encoder = PopulationEncoder(list(population))
    for key in population:
        encoder.add(key, population[key])
    population["D"].append("L:zz-late")  # rows of a stratum thought complete
    population["B"] = list(population["B"])  # a stratum sorted again (a new list)
    assert set(encoder.digests(population)) == {"A", "C"}
    _, middle, packed = encoded(encoder, population)
    assert middle == reference(population)[1] and gzip.decompress(packed) == middle
