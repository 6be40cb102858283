"""Bytes of announcements, records and frames: compressed once, streamed out in chunks.

The announcement's canonical JSON is head + population + tail (verify.canonical_parts); the
population (the large part: every eligible id) is gzipped once at commitment time and reused
by the record, which is head + population + record tail. Nothing here touches the database.
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
from array import array
from collections.abc import Iterator

from backend.draws.model import DrawCommitment, DrawReveal

CHUNK = 1 << 20
LEVEL = 1  # fastest: ids compress to ~45% at level 1, barely better at 9, and 6x slower


def gzip_member(deflated: bytes, crc: int, size: int) -> bytes:
    """A gzip file around a raw deflate stream of `size` bytes whose CRC-32 is `crc` (RFC 1952: no
    name, mtime 0, as gzip.compress(mtime=0) writes it)."""
    header = b"\x1f\x8b\x08\x00" + bytes(4) + b"\x04\x03"  # deflate, no flags, mtime 0, fastest, Unix
    return header + deflated + crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


def unpack(data: bytes) -> bytes:
    return gzip.decompress(data)


def unpack_chunks(data: bytes) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits=31)
    for start in range(0, len(data), CHUNK):
        out = inflater.decompress(data[start:start + CHUNK])
        if out:
            yield out
    tail = inflater.flush()
    if tail:
        yield tail


def encode_frame(entity_ids: dict[str, array]) -> bytes:
    """Directory ids of every stratum (strata in key order), aligned with the record's ids."""
    joined = array("q")
    for key in sorted(entity_ids):
        joined.extend(entity_ids[key])
    return zlib.compress(joined.tobytes(), LEVEL)


def decode_frame(blob: bytes, counts: dict[str, int]) -> dict[str, array]:
    joined = array("q")
    joined.frombytes(zlib.decompress(blob))
    out, at = {}, 0
    for key in sorted(counts):
        out[key], at = joined[at:at + counts[key]], at + counts[key]
    return out


def announcement_chunks(commitment: DrawCommitment) -> Iterator[bytes]:
    """The announcement's canonical JSON: its SHA-256 is the digest the commitment binds."""
    yield commitment.announcement_head.encode("utf-8")
    yield from unpack_chunks(commitment.population_gz)
    yield commitment.announcement_tail.encode("utf-8")


def record_chunks(commitment: DrawCommitment, reveal: DrawReveal) -> Iterator[bytes]:
    yield commitment.announcement_head.encode("utf-8")
    yield from unpack_chunks(commitment.population_gz)
    yield reveal.record_tail.encode("utf-8")


def sha256_of(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
