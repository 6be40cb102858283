"""The reveal's entity ranks on two cores: a helper process hashes half of each large stratum.

Ranking is the heaviest step of a reveal: one SHA-256 per eligible entity, about 0.5 s for a
million, and all of it holds the GIL. A helper Python process, started afresh (no fork of a
threaded server) and loading nothing but the standalone verifier, is started as the reveal
begins: while this process loads and checks the stored announcement, the helper inflates and
parses the same stored population on its own. When the seed is known, the helper filters the
second half of each large stratum with the first bound of `verify._below_bound` while this
process filters the first halves. Only the few ids below the bounds come back, and the
selection among them is the verifier's own, so the result is exactly `verify.select_strata`'s.
Whenever the helper cannot help (it does not start, fails, is too slow, or read a population
other than this process's) this process does its halves too; a stratum with too few ids below
its bound (a many-sigma accident) goes through the verifier's own loop.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

from backend.draws import verify as v

HELPED = 300_000  # from this many ids to rank on, a helper (about 50 ms to start) saves time
HELPER_SECONDS = 60  # a helper slower than this is stopped, and its halves done here

# argv: the verifier's file, the job pipe's descriptor; stdin: the stored (gzipped) population.
# The job, one JSON line: the seed and [stratum, bound, first index of its half] per stratum.
_HELPER = """
import importlib.util, json, os, sys, zlib
spec = importlib.util.spec_from_file_location("ssgk_verify", sys.argv[1])
v = importlib.util.module_from_spec(spec)
sys.modules["ssgk_verify"] = v
spec.loader.exec_module(v)
strata = json.loads(zlib.decompress(sys.stdin.buffer.read(), 31))["strata"]
with os.fdopen(int(sys.argv[2]), "rb") as jobs:
    line = jobs.readline()
if line:
    job = json.loads(line)
    seed, found = bytes.fromhex(job["seed"]), []
    for stratum, bound, start in job["strata"]:
        ids = strata[stratum]["ids"][start:]
        found.append([len(ids), ids[0], v.ids_below(seed, stratum, ids, bound)])
    sys.stdout.buffer.write(json.dumps(found).encode())
"""


class Helper:
    """The helper process of one reveal: `with Helper(stored_population_gz, eligible) as helper:`,
    then `helper.select_strata(...)` in place of verify.select_strata. Below HELPED eligible
    entities no process is started.

    Its population and output are unnamed temporary files; the job goes through a pipe, which
    the helper waits on once its population is parsed (closed without a job, it just ends)."""

    def __init__(self, population_gz: bytes, eligible: int) -> None:
        self._process: subprocess.Popen | None = None
        self._jobs: Any = None
        self._output: Any = None
        if eligible < HELPED:
            return
        self._output = tempfile.TemporaryFile()
        read_end, write_end = os.pipe()
        try:
            with tempfile.TemporaryFile() as given:
                given.write(population_gz)
                given.seek(0)
                self._process = subprocess.Popen(
                    [sys.executable, "-I", "-c", _HELPER, v.__file__, str(read_end)], stdin=given,
                    stdout=self._output, stderr=subprocess.DEVNULL, pass_fds=(read_end,))
        except OSError:
            os.close(write_end)
            self.close()
        else:
            self._jobs = os.fdopen(write_end, "wb")
        finally:
            os.close(read_end)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def select_strata(self, seed: bytes, population: dict, quotas: dict, algorithm: str = v.ALGORITHM) -> dict:
        """verify.select_strata(seed, population, quotas, algorithm), with the helper's halves."""
        bounded = [k for k in population if v.ranks_below_a_bound(quotas[k], len(population[k]), algorithm)
                   and v.first_rank_bound(quotas[k], len(population[k])) < 1 << 256]  # (else: every id)
        if self._process is None or sum(len(population[k]) for k in bounded) < HELPED:
            self.close()
            return v.select_strata(seed, population, quotas, algorithm)
        bounds = {k: v.first_rank_bound(quotas[k], len(population[k])) for k in bounded}
        halves = {k: len(population[k]) // 2 for k in bounded}
        sent = self._send({"seed": seed.hex(), "strata": [[k, bounds[k], halves[k]] for k in bounded]})
        mine = {k: v.ids_below(seed, k, population[k][:halves[k]], bounds[k]) for k in bounded}
        theirs = (sent and self._result(population, bounded, halves)) or [
            v.ids_below(seed, k, population[k][halves[k]:], bounds[k]) for k in bounded]
        selected = {}
        for k, their_part in zip(bounded, theirs):
            below = mine[k] + their_part
            selected[k] = (v.smallest_ranked(seed, k, below, quotas[k], algorithm) if len(below) >= quotas[k]
                           else v.select_stratum(seed, k, population[k], quotas[k], algorithm))
        return {k: selected[k] if k in selected else v.select_stratum(seed, k, population[k], quotas[k], algorithm)
                for k in population}

    def _send(self, job: dict) -> bool:
        try:
            self._jobs.write(json.dumps(job).encode() + b"\n")
            self._jobs.close()
        except OSError:  # (the helper is gone: a broken pipe)
            return False
        return True

    def _result(self, population: dict, bounded: list[str], halves: dict[str, int]) -> list[list[str]] | None:
        """The helper's ids below each bound, or None if it failed, was too slow, or ranked other ids."""
        assert self._process is not None
        try:
            failed = self._process.wait(timeout=HELPER_SECONDS) != 0
        except subprocess.TimeoutExpired:
            self.close()
            return None
        if failed:
            return None
        self._output.seek(0)
        try:
            found = json.loads(self._output.read())
        except ValueError:
            return None
        if not (isinstance(found, list) and len(found) == len(bounded)):
            return None
        for k, (count, first, _) in zip(bounded, found):
            if count != len(population[k]) - halves[k] or first != population[k][halves[k]]:
                return None  # (its population is not the one this process checked)
        return [below for _, _, below in found]

    def close(self) -> None:
        """Ends the helper (it stops waiting for a job once the pipe is closed) and its files."""
        if self._jobs is not None and not self._jobs.closed:
            self._jobs.close()
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._output is not None:
            self._output.close()
        self._process = None
