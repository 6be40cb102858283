"""The population's part of an announcement, encoded and compressed stratum by stratum as it is read.

An announcement holds every eligible id. Its population part costs, for a million ids, about
0.3 s: the canonical JSON (17 MB), each stratum's digest, and the gzip that the commitment row
stores. Done after the read, all of it was on the commit's critical path. Done as each stratum's
rows are complete, it runs while the server is still sending the next strata: the read waits on
the server more than on this process.

The bytes are exactly the middle part of verify.canonical_parts(), as a unit test checks. The
gzip is one member:
- each stratum is deflated on its own and sync-flushed, so the pieces join into one deflate
  stream, as pigz does;
- the opening holds the population digest, which is known last, and goes in front at the end.
"""
from __future__ import annotations

import zlib

from backend.draws import storage
from backend.draws import verify as v


def _deflated(data: bytes, last: bool = False) -> bytes:
    """A raw deflate piece on its own dictionary, ending on a byte boundary (or the stream's end)."""
    deflater = zlib.compressobj(storage.LEVEL, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class PopulationEncoder:
    """Stratum digests, canonical JSON and gzip of a population; add() each stratum once its ids are final."""

    def __init__(self, keys: list[str]) -> None:
        self._order = v.utf8_sorted(keys)
        # key -> (the list encoded, its length then, digest, canonical piece, deflated piece)
        self._done: dict[str, tuple[list[str], int, bytes, bytes, bytes]] = {}

    def add(self, key: str, ids: list[str]) -> None:
        """A stratum whose ids are complete, sorted and unique (build_announcement's presorted)."""
        digest = v.presorted_stratum_digest(key, ids)
        piece = (b"," if key != self._order[0] else b"") + v.canonical_stratum(key, len(ids), digest.hex(), ids)
        self._done[key] = (ids, len(ids), digest, piece, _deflated(piece))

    def digests(self, population: dict[str, list[str]]) -> dict[str, bytes]:
        """The digest of every stratum encoded from the very list it now has (not grown or replaced since)."""
        return {k: done[2] for k, done in self._done.items()
                if population.get(k) is done[0] and len(done[0]) == done[1]}

    def finish(self, population: dict[str, list[str]], digest_hex: str) -> tuple[bytes, bytes]:
        """(the population's canonical JSON, its gzip), given the population digest. A stratum not
        added, or changed since (a safety net: the reader adds each one once, final), is encoded now."""
        fresh = self.digests(population)
        for key in self._order:
            if key not in fresh:
                self.add(key, population[key])
        opening = v.population_opening(digest_hex)
        pieces = [self._done[k][3] for k in self._order]
        middle = b"".join([opening, *pieces, v.POPULATION_CLOSING])
        deflated = b"".join([_deflated(opening), *(self._done[k][4] for k in self._order),
                             _deflated(v.POPULATION_CLOSING, last=True)])
        return middle, storage.gzip_member(deflated, zlib.crc32(middle), len(middle))
