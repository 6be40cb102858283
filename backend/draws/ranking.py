"""The reveal's entity ranks on two cores: a helper process hashes half of each large stratum.

Ranking is the heaviest step of a reveal: one SHA-256 per eligible entity, about 0.5 s for a
million, and all of it holds the GIL. A helper Python process, started afresh (no fork of a
threaded server) and loading nothing but the standalone verifier, filters the second half of
each large stratum with the first bound of `verify._below_bound` while this process filters the
first halves. Only the few ids below the bounds come back, and the selection among them is the
verifier's own, so the result is exactly `verify.select_strata`'s. Whenever the helper cannot
help (it does not start, fails, or is too slow) this process does its halves too; a stratum with
too few ids below its bound (a many-sigma accident) goes through the verifier's own loop.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from backend.draws import verify as v

HELPED = 300_000  # from this many ids to rank on, a helper (about 50 ms to start) saves time
HELPER_SECONDS = 60  # a helper slower than this is stopped, and its halves done here

_HELPER = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("ssgk_verify", sys.argv[1])
v = importlib.util.module_from_spec(spec)
sys.modules["ssgk_verify"] = v
spec.loader.exec_module(v)
head, _, body = sys.stdin.buffer.read().partition(b"\\n")
job, ids, at = json.loads(head), body.decode("utf-8").split("\\n"), 0
seed, found = bytes.fromhex(job["seed"]), []
for stratum, bound, count in job["strata"]:
    found.append(v.ids_below(seed, stratum, ids[at:at + count], bound))
    at += count
sys.stdout.buffer.write(json.dumps(found).encode())
"""


def select_strata(seed: bytes, population: dict, quotas: dict, algorithm: str = v.ALGORITHM) -> dict:
    """verify.select_strata(seed, population, quotas, algorithm), with a helper when there are many ids."""
    bounded = [k for k in population if v.ranks_below_a_bound(quotas[k], len(population[k]), algorithm)]
    if sum(len(population[k]) for k in bounded) < HELPED:
        return v.select_strata(seed, population, quotas, algorithm)
    bounds = {k: v.first_rank_bound(quotas[k], len(population[k])) for k in bounded}
    halves = {k: len(population[k]) // 2 for k in bounded}
    helper = _Helper(seed, [(k, bounds[k], population[k][halves[k]:]) for k in bounded])
    mine = {k: v.ids_below(seed, k, population[k][:halves[k]], bounds[k]) for k in bounded}
    theirs = helper.result() or [v.ids_below(seed, k, population[k][halves[k]:], bounds[k]) for k in bounded]
    selected = {}
    for k, their_part in zip(bounded, theirs):
        below = mine[k] + their_part
        selected[k] = (v.smallest_ranked(seed, k, below, quotas[k], algorithm) if len(below) >= quotas[k]
                       else v.select_stratum(seed, k, population[k], quotas[k], algorithm))
    return {k: selected[k] if k in selected else v.select_stratum(seed, k, population[k], quotas[k], algorithm)
            for k in population}


class _Helper:
    """[verify.ids_below(seed, stratum, ids, bound) for each part] in another process; result()
    is None if it failed.

    Its input and output are unnamed temporary files, not pipes: a pipe holds 64 KB, and a thread
    feeding it would wait for the GIL while this process hashes (measured: the helper then took
    twice as long)."""

    def __init__(self, seed: bytes, parts: list[tuple[str, int, list]]) -> None:
        self._process: subprocess.Popen | None = None
        self._parts = len(parts)
        self._output = tempfile.TemporaryFile()
        job = json.dumps({"seed": seed.hex(), "strata": [[k, bound, len(ids)] for k, bound, ids in parts]})
        with tempfile.TemporaryFile() as given:
            given.write(job.encode() + b"\n")
            for _, _, ids in parts:  # (ids never hold LF: verify._name)
                given.write("\n".join(ids).encode("utf-8") + b"\n")
            given.seek(0)
            try:
                self._process = subprocess.Popen([sys.executable, "-I", "-c", _HELPER, v.__file__],
                                                 stdin=given, stdout=self._output, stderr=subprocess.DEVNULL)
            except OSError:
                self._output.close()

    def result(self) -> list[list[str]] | None:
        if self._process is None:
            return None
        with self._output:
            try:
                failed = self._process.wait(timeout=HELPER_SECONDS) != 0
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                return None
            if failed:
                return None
            self._output.seek(0)
            found = json.loads(self._output.read())
        return found if isinstance(found, list) and len(found) == self._parts else None
