"""ssgk-draw/2 (and /1): publicly verifiable random draw of inspection targets and teams.

双随机抽取公开验证程序：任何人都可以下载本文件，用抽取记录重新计算并核对结果。
Anyone can download this one file and recompute a draw record.

    python verify.py RECORD.json [--announcement ANNOUNCEMENT.json] [--commitment HEX]
    python -m backend.draws.verify RECORD.json

Exit status: 0 everything matches; 1 first mismatch printed; 2 input unreadable.
Standard library only and no imports from the backend package, so that the file
works alone. The server imports the selection functions from here, so server and
verifier cannot diverge. Exact specification: docs/draw-algorithm.md. New draws use
ssgk-draw/2; records of ssgk-draw/1 still verify (the record's "algorithm" field decides).
No floating point is used anywhere: quotas and allocations are integer arithmetic.
A full record (the task's departments and auditors hold it) is recomputed completely;
a public, redacted record ("redacted": true) lets anyone check the commitment and the seed.
"""
from __future__ import annotations

import argparse
import bisect
import collections
import gc
import hashlib
import heapq
import hmac
import itertools
import json
import operator
import secrets
import sys
import unicodedata
from dataclasses import dataclass, field

ALGORITHM_V1 = "ssgk-draw/1"
ALGORITHM_V2 = "ssgk-draw/2"
ALGORITHM = ALGORITHM_V2  # what new draws use
ALGORITHMS = (ALGORITHM_V1, ALGORITHM_V2)  # what the verifier accepts
SECRET_BYTES = 32
DEFAULT_TEAM_SIZE = 2
MIN_TEAM_SIZE = 2
# The top-level keys of a record that the commitment binds (the announcement), in canonical order.
ANNOUNCED = ("algorithm", "context", "inspectors", "params", "population", "public_randomness", "recusals", "task_no")
# Unicode White_Space property (UCD PropList.txt), spelled out because str.strip()
# uses a different set and another implementation must trim exactly these.
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680"
               + "".join(chr(c) for c in range(0x2000, 0x200B))
               + "\u2028\u2029\u202f\u205f\u3000")
# These bytes delimit fields in digests and HMAC messages, so names may not contain them.
FORBIDDEN_CHARS = frozenset("\x00\t\n\r")
RULES = ("count", "ratio", "full", "share")
# Bytes canonical JSON escapes inside a string (docs/draw-algorithm.md §3), but the quote.
_JSON_ESCAPED_BUT_QUOTE = bytes(range(0x20)) + b"\\"


# ---------------------------------------------------------------- errors
class DrawError(ValueError):
    """Base class: the inputs cannot produce a draw."""


class InvalidDrawInput(DrawError):
    """Malformed or inconsistent inputs/parameters."""


class QuotaExceedsPopulation(DrawError):
    def __init__(self, stratum: str, quota: int, population: int):
        self.stratum, self.quota, self.population = stratum, quota, population
        super().__init__(f"stratum {stratum!r}: quota {quota} exceeds population {population}")


class TeamFormationError(DrawError):
    def __init__(self, target: str, reason: str):
        self.target, self.reason = target, reason
        super().__init__(f"cannot form a team for target {target!r}: {reason}")


# ---------------------------------------------------------------- primitives
def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _lp(data: bytes) -> bytes:
    """4-byte big-endian length prefix: keeps variable fields unambiguous."""
    return len(data).to_bytes(4, "big") + data


def _domain(algorithm: str, purpose: str) -> bytes:
    """"ssgk-draw/N|seed\\n" and "ssgk-draw/N|commit\\n": each version hashes under its own label."""
    return f"{_algorithm(algorithm)}|{purpose}\n".encode("ascii")


def _algorithm(value) -> str:
    if value not in ALGORITHMS:
        raise InvalidDrawInput(f"algorithm {value!r} is not one of {', '.join(ALGORITHMS)}")
    return value


def _rank(seed: bytes, domain: str, *parts: str) -> bytes:
    """Version 1: HMAC-SHA256(seed, domain NUL part1 NUL part2 ...)."""
    msg = b"\x00".join([_utf8(domain)] + [_utf8(p) for p in parts])
    return hmac.new(seed, msg, hashlib.sha256).digest()


def _ranker(seed: bytes, domain: str, *prefix: str):
    """rank(last) == _rank(seed, domain, *prefix, last), with the keyed prefix computed once."""
    # HMAC spelled out (RFC 2104: H(K^opad || H(K^ipad || msg)), K zero-padded to the 64-byte block;
    # a longer key would be hashed first): the inner hash state after K^ipad and the prefix, and the
    # outer one after K^opad, are computed once and copied per id. Two plain SHA-256 copies cost
    # about a third less than copying an HMAC object; the bytes are the same (tests compare).
    key = hashlib.sha256(seed).digest() if len(seed) > 64 else seed
    key = key.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(b"\x00".join([_utf8(domain)] + [_utf8(p) for p in prefix]) + b"\x00")
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    inner_copy, outer_copy = inner.copy, outer.copy

    def rank(last: str) -> bytes:
        h = inner_copy()
        h.update(last.encode("utf-8"))
        o = outer_copy()
        o.update(h.digest())
        return o.digest()

    return rank


def _rank2(seed: bytes, domain: str, *parts: str) -> bytes:
    """Version 2: SHA-256(seed || domain NUL part1 NUL part2 ...).

    The seed is 32 bytes, fresh and secret until the reveal, and everything is public afterwards:
    the hash only has to order ids unpredictably, not to authenticate a message, so one SHA-256
    over the seed-prefixed message does (no length extension matters here; spec §12)."""
    return hashlib.sha256(seed + b"\x00".join([_utf8(domain)] + [_utf8(p) for p in parts])).digest()


def _prefix2(seed: bytes, domain: str, *prefix: str) -> bytes:
    """The bytes every version-2 message of (domain, *prefix) starts with: seed || domain NUL prefix... NUL."""
    return seed + b"\x00".join([_utf8(domain)] + [_utf8(p) for p in prefix]) + b"\x00"


_DIGEST = operator.methodcaller("digest")
_RANK_CHUNK = 4096  # hash states alive at once in _ranks2


def _ranks2(seed: bytes, domain: str, prefix: str, ids: list):
    """The iterator of _rank2(seed, domain, prefix, id) for the ids of a list, at C speed.

    A state that has hashed the prefix is copied per id (cheaper than a new SHA-256 object, which
    OpenSSL 3 looks up again each time: about 20% less per rank), a chunk at a time so that only a
    few thousand states exist at once; the copies, updates and digests are driven by C-level maps."""
    start = hashlib.sha256(_prefix2(seed, domain, prefix))
    copy, update = start.copy, type(start).update

    def chunk(at: int):
        part = ids[at:at + _RANK_CHUNK]
        states = list(itertools.starmap(copy, itertools.repeat((), len(part))))
        collections.deque(map(update, states, map(str.encode, part)), 0)  # (update returns None)
        return map(_DIGEST, states)

    return itertools.chain.from_iterable(map(chunk, range(0, len(ids), _RANK_CHUNK)))


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from a JSON "\ud800"
        return False
    return True


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not value or FORBIDDEN_CHARS & set(value) or not _is_utf8(value):
        raise InvalidDrawInput(f"{what} must be a non-empty UTF-8 string without NUL/TAB/CR/LF: {value!r}")
    return value


def _names(values, what: str) -> list:
    """A list of names, checked in bulk (fast for a million ids), returned sorted."""
    return _names_text(values, what)[0]


def _names_text(values, what: str, presorted: bool = False) -> tuple:
    """(the names sorted, their LF-joined text if `values` was already in order, else None).

    `presorted`: the caller guarantees the order and uniqueness (the server's own population),
    so only the names themselves are checked. The joined text is what the stratum digest hashes."""
    if not isinstance(values, list):
        raise InvalidDrawInput(f"{what} must be a list of strings")
    try:
        blob = "\n".join(values)  # (raises for anything that is not a string: the type check, at C speed)
    except TypeError:
        raise InvalidDrawInput(f"{what} must be a list of strings") from None
    if not (all(values) and blob.count("\n") == max(len(values) - 1, 0)
            and not any(c in blob for c in "\x00\t\r") and (blob.isascii() or _is_utf8(blob))):
        for v in values:  # slow path, only to name the culprit
            _name(v, what)
    # For valid UTF-8 strings code-point order equals UTF-8 byte order, so plain sorted() is the §2 order.
    # A list already strictly increasing (sorted and unique, as the server and records give it) is
    # returned itself: one C-level pass instead of a copy and a sort.
    if presorted or _increasing(values):
        return values, blob
    return sorted(values), None


def _digest_of_text(blob: str, count: int) -> bytes:
    """stratum_digest() of `count` sorted ids whose LF-joined text is `blob`."""
    return hashlib.sha256((blob + "\n").encode("utf-8") if count else b"").digest()


def _increasing(values: list) -> bool:
    """Each value strictly greater than its predecessor (sorted and unique), checked at C speed."""
    return all(map(operator.lt, values, itertools.islice(values, 1, None)))


def _first_repeat(ordered: list):
    """The first value that is not strictly greater than its predecessor, or None (sorted & unique)."""
    if _increasing(ordered):
        return None
    return next(b for a, b in zip(ordered, ordered[1:]) if not a < b)


def _int(value, what: str, minimum: int) -> int:
    # bool is an int subclass and 5.0 is a float: both are rejected on purpose.
    if type(value) is not int or value < minimum:
        raise InvalidDrawInput(f"{what} must be an integer >= {minimum}: {value!r}")
    return value


def _bool(value, what: str) -> bool:
    if type(value) is not bool:
        raise InvalidDrawInput(f"{what} must be true or false: {value!r}")
    return value


def _obj(value) -> dict:
    """Records may be tampered with anywhere: treat a non-object as an empty one."""
    return value if isinstance(value, dict) else {}


def utf8_sorted(names) -> list:
    return sorted(names, key=_utf8)


# ---------------------------------------------------------------- canonical JSON and the commitment
def canonical_json(value) -> bytes:
    """Sorted keys, separators (",", ":"), non-ASCII as raw UTF-8, integers only (§3)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _canonical_names(values: list) -> bytes:
    """canonical_json(values) for a list of strings; one fast join when nothing needs escaping."""
    try:
        text = '","'.join(values)
    except TypeError:  # not all strings
        return canonical_json(values)
    data = text.encode("utf-8")
    # the only quotes are the separators', and nothing else needs escaping (bytes.translate deleting
    # those bytes is a C loop, some 6x faster than a regular expression over 20 MB)
    if data.count(b'"') != 2 * max(len(values) - 1, 0) \
            or len(data.translate(None, _JSON_ESCAPED_BUT_QUOTE)) != len(data):
        return canonical_json(values)
    return b'["' + data + b'"]' if values else b"[]"


def _canonical_population(population) -> bytes:
    """canonical_json(population), encoding the id lists fast when the shape is exactly §9's."""
    strata = population.get("strata") if isinstance(population, dict) else None
    if not (isinstance(strata, dict) and set(population) == {"digest", "strata"}
            and all(isinstance(s, dict) and set(s) == {"count", "digest", "ids"} and type(s["count"]) is int
                    and isinstance(s["ids"], list)
                    for s in strata.values())):
        return canonical_json(population)
    strata = b",".join(canonical_stratum(key, s["count"], s["digest"], s["ids"])
                       for key, s in sorted(population["strata"].items()))
    return population_opening(population["digest"]) + strata + POPULATION_CLOSING


def canonical_stratum(key: str, count: int, digest_hex: str, ids: list) -> bytes:
    """One stratum of the population's canonical JSON: "key":{"count":..,"digest":..,"ids":[..]}.
    The population is population_opening() + these, in key order, joined by "," + POPULATION_CLOSING."""
    return (canonical_json(key) + b':{"count":' + str(count).encode() + b',"digest":' + canonical_json(digest_hex)
            + b',"ids":' + _canonical_names(ids) + b"}")


def population_opening(digest_hex: str) -> bytes:
    return b'{"digest":' + canonical_json(digest_hex) + b',"strata":{'


POPULATION_CLOSING = b"}}"


def canonical_parts(document: dict, *, population: bool = True) -> tuple:
    """(head, population, tail): canonical_json(document) == head + population + tail.

    The server stores and reuses the (large) population part without re-encoding it
    (population=False: None in its place)."""
    keys = sorted(document)
    cut = keys.index("population")
    head = b"{" + b"".join(canonical_json(k) + b":" + canonical_json(document[k]) + b"," for k in keys[:cut])
    tail = b"".join(b"," + canonical_json(k) + b":" + canonical_json(document[k]) for k in keys[cut + 1:]) + b"}"
    middle = _canonical_population(document["population"]) if population else None
    return head + b'"population":', middle, tail


def announcement_of(record: dict) -> dict:
    """The announced part of a record: the ANNOUNCED keys present, public_randomness without its value."""
    out = {k: record[k] for k in ANNOUNCED if k in record}
    out["public_randomness"] = {k: v for k, v in _obj(record.get("public_randomness")).items() if k != "value"}
    return out


def announcement_digest(announcement: dict) -> bytes:
    """SHA-256 of the canonical JSON of the announcement (without any commitment)."""
    head, population, tail = canonical_parts(announcement)
    return hashlib.sha256(head + population + tail).digest()


def new_server_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


def secret_bytes(secret_hex) -> bytes:
    # Exactly 64 hex digits: bytes.fromhex alone would also accept embedded spaces.
    if not isinstance(secret_hex, str) or len(secret_hex) != 2 * SECRET_BYTES \
            or set(secret_hex.lower()) - set("0123456789abcdef"):
        raise InvalidDrawInput(f"server_secret must be {2 * SECRET_BYTES} hex digits ({SECRET_BYTES} bytes)")
    return bytes.fromhex(secret_hex)


def commitment_hex(secret_hex: str, ann_digest: bytes, algorithm: str = ALGORITHM) -> str:
    """SHA-256("ssgk-draw/N|commit\\n" || secret || announcement digest), hex."""
    if not isinstance(ann_digest, bytes) or len(ann_digest) != 32:
        raise InvalidDrawInput("the announcement digest must be 32 bytes")
    return hashlib.sha256(_domain(algorithm, "commit") + secret_bytes(secret_hex) + ann_digest).hexdigest()


# ---------------------------------------------------------------- digests and seed
def stratum_digest(ids) -> bytes:
    # names only (see _names): code-point order is the UTF-8 byte order; sorted input is not sorted again
    ordered = ids if isinstance(ids, list) and _increasing(ids) else sorted(ids)
    return hashlib.sha256(("\n".join(ordered) + "\n").encode("utf-8") if ordered else b"").digest()


def population_digest(stratum_digests: dict) -> bytes:
    lines = (f"{k}\t{stratum_digests[k].hex()}\n" for k in utf8_sorted(stratum_digests))
    return hashlib.sha256(_utf8("".join(lines))).digest()


def normalise_randomness(value) -> str:
    if not isinstance(value, str) or not _is_utf8(value):
        raise InvalidDrawInput("public randomness must be a UTF-8 string")
    text = unicodedata.normalize("NFC", value).strip(WHITE_SPACE)
    if not text:
        raise InvalidDrawInput("public randomness is empty")
    return text


def derive_seed(secret_hex: str, randomness: str, pop_digest: bytes, algorithm: str = ALGORITHM) -> bytes:
    material = (_domain(algorithm, "seed") + _lp(secret_bytes(secret_hex))
                + _lp(_utf8(normalise_randomness(randomness))) + pop_digest)
    return hashlib.sha256(material).digest()


# ---------------------------------------------------------------- input normalisation
def normalise_population(population) -> dict:
    """stratum -> ids sorted by UTF-8 bytes; an id may appear only once in the whole draw."""
    return _population(population)[0]


def presorted_stratum_digest(key: str, ids: list) -> bytes:
    """The digest of a stratum whose ids the caller guarantees sorted and unique (see _population),
    the ids' names checked as build_announcement(presorted=True) checks them."""
    return _digest_of_text(_names_text(ids, f"population of stratum {key!r}", True)[1], len(ids))


def _population(population, presorted: bool = False, known: dict | None = None) -> tuple:
    """(normalise_population(population), stratum digests). `presorted`: the caller guarantees
    that every list is sorted and unique and that no id is in two strata (the server, whose ids
    are unique columns of the directory, sorted as they are read); the names are still checked.
    `known` (with presorted only): stratum -> presorted_stratum_digest() already computed."""
    if not isinstance(population, dict) or not population:
        raise InvalidDrawInput("population must map at least one stratum to a list of ids")
    keys = [_name(k, "stratum key") for k in population]
    out, digests = {}, {}
    for key in utf8_sorted(keys):
        given = population[key]
        if presorted and known and key in known:
            out[key], digests[key] = given, known[key]
            continue
        ids, text = _names_text(given, f"population of stratum {key!r}", presorted)
        repeat = None if ids is given else _first_repeat(ids)  # (the list itself comes back when increasing)
        if repeat is not None:
            raise InvalidDrawInput(f"entity {repeat!r} appears twice in stratum {key!r}")
        out[key] = ids
        digests[key] = stratum_digest(ids) if text is None else _digest_of_text(text, len(ids))
    total = sum(len(ids) for ids in out.values())
    if not presorted and len(out) > 1 and len(set().union(*out.values())) != total:
        seen = {}
        for key, ids in out.items():
            for i in ids:
                if i in seen:
                    raise InvalidDrawInput(f"entity {i!r} appears twice (strata {seen[i]!r} and {key!r})")
                seen[i] = key
    return out, digests


def _rule(key: str, rule) -> dict:
    if not isinstance(rule, dict) or rule.get("rule") not in RULES:
        raise InvalidDrawInput(f"stratum {key!r}: rule must be one of {RULES}")
    kind = rule["rule"]
    allowed = {"count": {"count", "cap"}, "ratio": {"num", "den", "cap"}}.get(kind, set())
    if set(rule) - allowed - {"rule"}:
        raise InvalidDrawInput(f"stratum {key!r}: unknown fields {sorted(set(rule) - allowed - {'rule'})}")
    out = {"rule": kind}
    if kind == "count":
        out["count"] = _int(rule.get("count"), f"{key}.count", 0)
    if kind == "ratio":
        out["num"] = _int(rule.get("num"), f"{key}.num", 0)
        out["den"] = _int(rule.get("den"), f"{key}.den", 1)
    if kind in ("count", "ratio"):
        out["cap"] = _bool(rule.get("cap", False), f"{key}.cap")
    return out


def _staffing(staffing, team_size: int) -> dict:
    if isinstance(staffing, list):  # a list of departments means one member each
        staffing = {d: 1 for d in staffing}
    if not isinstance(staffing, dict):
        raise InvalidDrawInput("staffing must map department -> minimum members")
    out = {_name(d, "department"): _int(n, f"staffing[{d}]", 1) for d, n in staffing.items()}
    if sum(out.values()) > team_size:
        raise InvalidDrawInput(f"staffing needs {sum(out.values())} members, team size is {team_size}")
    return {d: out[d] for d in utf8_sorted(out)}


def normalise_params(params, strata) -> dict:
    """Canonical parameters with defaults filled in; unknown keys are rejected."""
    known = {"strata", "share", "team_size", "staffing", "workload_cap"}
    if not isinstance(params, dict) or set(params) - known:
        raise InvalidDrawInput(f"params must be an object with keys from {sorted(known)}")
    rules = params.get("strata")
    if not isinstance(rules, dict) or set(rules) != set(strata):
        raise InvalidDrawInput("params.strata must have exactly the population's strata")
    out = {"strata": {k: _rule(k, rules[k]) for k in utf8_sorted(rules)}, "share": None}
    if any(r["rule"] == "share" for r in out["strata"].values()):
        share = params.get("share")
        if not isinstance(share, dict) or set(share) - {"total", "cap"}:
            raise InvalidDrawInput('strata with rule "share" need params.share = {"total": N}')
        out["share"] = {"total": _int(share.get("total"), "share.total", 0),
                        "cap": _bool(share.get("cap", False), "share.cap")}
    elif params.get("share") is not None:
        raise InvalidDrawInput('params.share given but no stratum has rule "share"')
    out["team_size"] = _int(params.get("team_size", DEFAULT_TEAM_SIZE), "team_size", MIN_TEAM_SIZE)
    out["staffing"] = _staffing(params.get("staffing", {}), out["team_size"])
    cap = params.get("workload_cap")
    out["workload_cap"] = None if cap is None else _int(cap, "workload_cap", 1)
    return out


def normalise_inspectors(inspectors) -> list:
    if not isinstance(inspectors, list):
        raise InvalidDrawInput("inspectors must be a list")
    out = {}
    for item in inspectors:
        if not isinstance(item, dict):
            raise InvalidDrawInput("each inspector must be an object")
        iid = _name(item.get("id"), "inspector id")
        if iid in out:
            raise InvalidDrawInput(f"inspector {iid!r} listed twice")
        out[iid] = {"id": iid, "department": _name(item.get("department"), f"department of {iid}"),
                    "eligible": _bool(item.get("eligible", True), f"eligible of {iid}")}
    return [out[i] for i in utf8_sorted(out)]


def normalise_recusals(recusals) -> dict:
    if not isinstance(recusals, dict):
        raise InvalidDrawInput("recusals must map target id -> list of inspector ids")
    out = {}
    for target in utf8_sorted(_name(t, "recusal target") for t in recusals):
        ids = recusals[target]
        if not isinstance(ids, list):
            raise InvalidDrawInput(f"recusals of {target!r} must be a list")
        out[target] = utf8_sorted({_name(i, "recused inspector") for i in ids})
    return out


# ---------------------------------------------------------------- quotas (integers only)
def ratio_quota(size: int, num: int, den: int) -> int:
    """ceil(size * num / den) without leaving the integers."""
    return (size * num + den - 1) // den


def hamilton_allocate(total: int, sizes: dict, seed: bytes, algorithm: str = ALGORITHM) -> dict:
    """Largest remainder: floor(total*size//sum), leftovers to largest remainders;
    remainder ties go to the smaller keyed hash of "alloc" NUL key (§7), then key bytes."""
    rank = _rank if _algorithm(algorithm) == ALGORITHM_V1 else _rank2
    whole = sum(sizes.values())
    if whole == 0:
        return {k: 0 for k in sizes}
    quotas = {k: total * n // whole for k, n in sizes.items()}
    leftover = total - sum(quotas.values())
    order = sorted(sizes, key=lambda k: (-(total * sizes[k] % whole), rank(seed, "alloc", k), _utf8(k)))
    for k in order[:leftover]:
        quotas[k] += 1
    return quotas


def _checked(stratum: str, quota: int, size: int, cap: bool) -> int:
    if quota <= size:
        return quota
    if cap:
        return size
    raise QuotaExceedsPopulation(stratum, quota, size)


def compute_quotas(params: dict, sizes: dict, seed: bytes, algorithm: str = ALGORITHM) -> dict:
    """params must be canonical (normalise_params). Only remainder ties depend on the seed."""
    quotas, shared = {}, {}
    for key, rule in params["strata"].items():
        if rule["rule"] == "full":
            quotas[key] = sizes[key]
        elif rule["rule"] == "count":
            quotas[key] = _checked(key, rule["count"], sizes[key], rule["cap"])
        elif rule["rule"] == "ratio":
            quotas[key] = _checked(key, ratio_quota(sizes[key], rule["num"], rule["den"]), sizes[key], rule["cap"])
        else:
            shared[key] = sizes[key]
    if shared:
        total = _checked("+".join(shared), params["share"]["total"], sum(shared.values()), params["share"]["cap"])
        quotas.update(hamilton_allocate(total, shared, seed, algorithm))
    return {k: quotas[k] for k in utf8_sorted(quotas)}


# ---------------------------------------------------------------- selection
def _entity_ranks(seed: bytes, stratum: str, ids: list, algorithm: str):
    if _algorithm(algorithm) == ALGORITHM_V1:
        return map(_ranker(seed, "entity", stratum), ids)
    return _ranks2(seed, "entity", stratum, ids)


def rank_entities(seed: bytes, stratum: str, ids, algorithm: str = ALGORITHM) -> list:
    """Ascending by (keyed hash of "entity" NUL stratum NUL id, id bytes): HMAC in version 1, SHA-256 in 2."""
    ids = list(ids)
    return [i for _, i in sorted(zip(_entity_ranks(seed, stratum, ids, algorithm), ids))]


def select_stratum(seed: bytes, stratum: str, ids, quota: int, algorithm: str = ALGORITHM) -> list:
    """The first `quota` of rank_entities(), without sorting the whole stratum (heapq.nsmallest is
    sorted()[:quota]; for valid names comparing the str compares its UTF-8 bytes)."""
    ids = ids if isinstance(ids, list) else list(ids)
    if ranks_below_a_bound(quota, len(ids), algorithm):
        ids = _below_bound(seed, stratum, ids, quota)
    return smallest_ranked(seed, stratum, ids, quota, algorithm)


def ranks_below_a_bound(quota: int, count: int, algorithm: str) -> bool:
    """Whether select_stratum first keeps only the ids under a rank bound (version 2, a quota
    under a quarter of the stratum)."""
    return algorithm == ALGORITHM_V2 and 0 < quota and 4 * quota < count


def smallest_ranked(seed: bytes, stratum: str, ids: list, quota: int, algorithm: str = ALGORITHM) -> list:
    """The `quota` ids of smallest rank, in rank order."""
    return [i for _, i in heapq.nsmallest(quota, zip(_entity_ranks(seed, stratum, ids, algorithm), ids))]


def first_rank_bound(quota: int, count: int, want: int | None = None) -> int:
    """The first bound _below_bound tries: about `want` (by default quota + 1/8 + 64) of `count`
    uniform keys fall below it."""
    return (1 << 256) * (quota + quota // 8 + 64 if want is None else want) // count


def ids_below(seed: bytes, stratum: str, ids: list, bound: int) -> list:
    """The ids whose version-2 rank key, read as a big-endian integer, is below `bound`, in list order."""
    limit = bound.to_bytes(32, "big")
    return list(itertools.compress(ids, map(limit.__gt__, _ranks2(seed, "entity", stratum, ids))))


def _below_bound(seed: bytes, stratum: str, ids: list, quota: int, want: int | None = None) -> list:
    """The ids whose version-2 rank key is below a bound that at least `quota` of them are under.

    An optimisation only (the quota smallest are among them, so the result is the same): the
    keys are uniform, so about `want` of n fall below want/n of the range, and filtering with a
    C-level comparison spares the heap a Python step per id. A bound that catches fewer than
    `quota` (a many-sigma accident) is doubled."""
    bound = first_rank_bound(quota, len(ids), want)
    while bound < 1 << 256:
        below = ids_below(seed, stratum, ids, bound)
        if len(below) >= quota:
            return below
        bound *= 2
    return ids


def draw_order(selected: dict) -> list:
    """Targets ordered by (stratum key bytes, rank within stratum)."""
    return [t for k in utf8_sorted(selected) for t in selected[k]]


# ---------------------------------------------------------------- teams
class _Levels:
    """The pool of one group (a department, or everyone) by load: {load: {inspector id: inspector}}.

    Eligible inspectors only; one leaves the pool for good when it reaches the workload cap.
    Kept up to date as teams are formed, so each target looks only at the lowest loads."""

    def __init__(self, members: list):
        self.by_load = {0: {i["id"]: i for i in members}} if members else {}

    def move_up(self, insp: dict, load: int, cap) -> None:
        """`insp` had `load` teams and gets one more."""
        level = self.by_load[load]
        del level[insp["id"]]
        if not level:
            del self.by_load[load]
        if cap is None or load + 1 < cap:
            self.by_load.setdefault(load + 1, {})[insp["id"]] = insp

    def first(self, count: int, rank_of, skip) -> list:
        """The first `count` members in pool order (load, HMAC rank, id bytes), leaving out `skip`
        (recused or already taken); only the load levels that can hold them are ranked. Within a
        level the load is equal, so (rank, id) orders it (for names the str order is the byte order)."""
        found = []
        for load in sorted(self.by_load):
            need = count - len(found)
            if need <= 0:
                break
            ranked = [(rank_of(iid), iid) for iid in self.by_load[load] if iid not in skip]
            level = self.by_load[load]
            found.extend(level[iid] for _, iid in (heapq.nsmallest(need, ranked) if need < len(ranked)
                                                   else sorted(ranked)))
        return found


def _team_for(seed, target, recused, load, params, groups) -> list:
    """§8: pass 1 takes each required department's first members in pool order, pass 2 the first
    of the others; only the members that can be among those are ranked (same teams, less HMAC)."""
    rank, ranks = _ranker(seed, "inspector", target), {}

    def rank_of(iid):
        found = ranks.get(iid)
        if found is None:
            found = ranks[iid] = rank(iid)
        return found

    def key(insp):  # balance first (fewest assignments so far), then the random rank, then id bytes
        iid = insp["id"]
        return load[iid], rank_of(iid), _utf8(iid)

    picks, missing = [], []
    for department, need in params["staffing"].items():
        chosen = groups[department].first(need, rank_of, recused) if department in groups else []
        picks.extend(chosen)
        if len(chosen) < need:
            missing.append(department)
    picks.sort(key=key)  # pass 1 walks the pool in order
    team = [i["id"] for i in picks]
    rest = params["team_size"] - len(team)
    if rest > 0:
        team.extend(i["id"] for i in groups[None].first(rest, rank_of, recused | set(team)))
    if missing:
        raise TeamFormationError(target, f"not enough available inspectors from {', '.join(missing)}")
    if len(team) < params["team_size"]:
        raise TeamFormationError(target, f"{len(team)} available inspector(s), team size {params['team_size']}")
    return team


def form_teams(seed: bytes, selected: dict, inspectors: list, recusals: dict, params: dict,
               algorithm: str = ALGORITHM) -> dict:
    """Target -> ordered member ids, targets visited in draw order (§8 in version 1, §12 in version 2)."""
    form = _form_teams_v1 if _algorithm(algorithm) == ALGORITHM_V1 else _form_teams_v2
    return form(seed, selected, inspectors, recusals, params)


def _form_teams_v1(seed: bytes, selected: dict, inspectors: list, recusals: dict, params: dict) -> dict:
    cap = params["workload_cap"]
    load = {i["id"]: 0 for i in inspectors}
    eligible = [i for i in inspectors if i["eligible"]]
    groups = {None: _Levels(eligible)}
    for department in params["staffing"]:
        groups[department] = _Levels([i for i in eligible if i["department"] == department])
    teams = {}
    for target in draw_order(selected):
        teams[target] = team = _team_for(seed, target, set(recusals.get(target, ())), load, params, groups)
        for member in team:
            for group in groups.values():  # everyone's pool, and the member's department's if required
                level = group.by_load.get(load[member])
                if level and member in level:
                    group.move_up(level[member], load[member], cap)
            load[member] += 1
    return teams


# ---------------------------------------------------------------- teams, version 2
_U64 = 1 << 64


class _Sorted:
    """Version 2's pool of one group (a department, or everyone): {load: sorted ids}, eligible
    inspectors below the workload cap only, kept up to date as teams are formed."""

    def __init__(self, ids: list):
        self.by_load = {0: sorted(ids)} if ids else {}

    def holds(self, iid: str, load: int) -> bool:
        level = self.by_load.get(load, ())
        at = bisect.bisect_left(level, iid)
        return at < len(level) and level[at] == iid

    def move_up(self, iid: str, load: int, cap) -> None:
        level = self.by_load[load]
        del level[bisect.bisect_left(level, iid)]
        if not level:
            del self.by_load[load]
        if cap is None or load + 1 < cap:
            bisect.insort(self.by_load.setdefault(load + 1, []), iid)


def _sample(prefix: bytes, slot: int, pool: _Sorted, unavailable: set):
    """§12: one member for `slot`, uniform over the available candidates of the lowest load level
    that has any, by rejection sampling on SHA-256(prefix || u32(slot) || u32(counter)); None if
    no level has one. An index that lands on an unavailable candidate (recused, already in the
    team) draws again, which is the same as skipping it in a random order."""
    counter = 0
    for load in sorted(pool.by_load):
        level = pool.by_load[load]
        n = len(level)
        if sum(1 for iid in unavailable if pool.holds(iid, load)) == n:
            continue  # everyone here is unavailable: the next level, without drawing
        limit = _U64 - _U64 % n  # the largest multiple of n: u below it is uniform modulo n
        while True:
            digest = hashlib.sha256(prefix + slot.to_bytes(4, "big") + counter.to_bytes(4, "big")).digest()
            counter += 1
            u = int.from_bytes(digest[:8], "big")
            if u < limit and level[u % n] not in unavailable:
                return level[u % n]
    return None


def _form_teams_v2(seed: bytes, selected: dict, inspectors: list, recusals: dict, params: dict) -> dict:
    cap = params["workload_cap"]
    load = {i["id"]: 0 for i in inspectors}
    eligible = [i for i in inspectors if i["eligible"]]
    groups = {None: _Sorted([i["id"] for i in eligible])}
    for department in params["staffing"]:
        groups[department] = _Sorted([i["id"] for i in eligible if i["department"] == department])
    teams = {}
    for target in draw_order(selected):
        prefix, recused = _prefix2(seed, "team", target), set(recusals.get(target, ()))
        team, missing = [], []
        for department, need in params["staffing"].items():  # pass 1: departments in key order
            for _ in range(need):
                member = _sample(prefix, len(team), groups[department], recused | set(team))
                if member is None:
                    missing.append(department)
                    break
                team.append(member)
        if missing:
            raise TeamFormationError(target, f"not enough available inspectors from {', '.join(missing)}")
        while len(team) < params["team_size"]:  # pass 2: anyone
            member = _sample(prefix, len(team), groups[None], recused | set(team))
            if member is None:
                raise TeamFormationError(target, f"{len(team)} available inspector(s), "
                                                 f"team size {params['team_size']}")
            team.append(member)
        teams[target] = team
        for member in team:
            for group in groups.values():  # everyone's pool, and the member's department's if required
                if group.holds(member, load[member]):
                    group.move_up(member, load[member], cap)
            load[member] += 1
    return teams


# ---------------------------------------------------------------- whole draw
def normalise_inputs(inputs: dict) -> dict:
    """Validated, canonical inputs (shape: docs/draw-algorithm.md, "Inputs")."""
    return _inputs(inputs)[0]


def _inputs(inputs: dict, presorted: bool = False, known: dict | None = None) -> tuple:
    """(normalise_inputs(inputs), the stratum digests), see _population for `presorted` and `known`."""
    algorithm = _algorithm(inputs.get("algorithm", ALGORITHM))
    population, digests = _population(inputs.get("population"), presorted, known)
    return {"algorithm": algorithm, "population": population,
            "params": normalise_params(inputs.get("params"), population),
            "inspectors": normalise_inspectors(inputs.get("inspectors", [])),
            "recusals": normalise_recusals(inputs.get("recusals", {}))}, digests


def select_strata(seed: bytes, population: dict, quotas: dict, algorithm: str = ALGORITHM) -> dict:
    """Stratum -> select_stratum() of it."""
    return {k: select_stratum(seed, k, population[k], quotas[k], algorithm) for k in population}


def run_draw(norm: dict, secret_hex: str, randomness: str, pop_digest: bytes, select=None) -> dict:
    """The draw proper, from normalised inputs and their population digest. `select`: a function
    that gives exactly what select_strata gives, computed otherwise (the server's, on two cores)."""
    population, params, algorithm = norm["population"], norm["params"], norm["algorithm"]
    seed = derive_seed(secret_hex, randomness, pop_digest, algorithm)
    quotas = compute_quotas(params, {k: len(ids) for k, ids in population.items()}, seed, algorithm)
    selected = (select or select_strata)(seed, population, quotas, algorithm)
    return {"seed": seed.hex(), "quotas": quotas, "selected": selected,
            "teams": form_teams(seed, selected, norm["inspectors"], norm["recusals"], params, algorithm)}


def compute_draw(inputs: dict) -> dict:
    """Recompute everything from inputs (shape: docs/draw-algorithm.md, "Inputs")."""
    norm, digests = _inputs(inputs)
    pop_digest = population_digest(digests)
    drawn = run_draw(norm, inputs.get("server_secret"), _obj(inputs.get("public_randomness")).get("value"),
                     pop_digest)
    return {"population_digest": pop_digest.hex(), "stratum_digests": {k: d.hex() for k, d in digests.items()},
            **drawn}


def build_announcement(inputs: dict, *, presorted: bool = False, digests: dict | None = None) -> dict:
    """What the commitment binds, published BEFORE the public randomness exists (no secret, no value).

    presorted=True: the caller guarantees that each stratum's ids are sorted and unique and in no
    other stratum (the server's own population); they are then not checked for that again.
    `digests` (with presorted): stratum -> presorted_stratum_digest(), where already computed."""
    norm, digests = _inputs(inputs, presorted, digests)
    randomness = {k: v for k, v in _obj(inputs.get("public_randomness")).items() if k != "value"}
    _name(randomness.get("source"), "public randomness source")
    announcement = {"algorithm": norm["algorithm"], "task_no": _name(inputs.get("task_no"), "task_no"),
                    "params": norm["params"],
                    "population": {"digest": population_digest(digests).hex(),
                                   "strata": {k: {"count": len(ids), "digest": digests[k].hex(), "ids": ids}
                                              for k, ids in norm["population"].items()}},
                    "inspectors": norm["inspectors"], "recusals": norm["recusals"],
                    "public_randomness": randomness}
    if inputs.get("context") is not None:
        if not isinstance(inputs["context"], dict):
            raise InvalidDrawInput("context must be an object")
        announcement["context"] = inputs["context"]
    return announcement


def reveal_fields(announcement: dict, secret_hex: str, randomness_value: str,
                  ann_digest: bytes | None = None, select=None) -> dict:
    """What a record adds to its announcement once the secret is revealed and the randomness known.

    `announcement` must come from build_announcement (it is trusted: the server's own, frozen one).
    `select`: see run_draw."""
    ann_digest = announcement_digest(announcement) if ann_digest is None else ann_digest
    strata, algorithm = announcement["population"]["strata"], announcement["algorithm"]
    norm = {"algorithm": algorithm, "population": {k: s["ids"] for k, s in strata.items()},
            "params": announcement["params"],
            "inspectors": announcement["inspectors"], "recusals": announcement["recusals"]}
    drawn = run_draw(norm, secret_hex, randomness_value, bytes.fromhex(announcement["population"]["digest"]), select)
    return {"public_randomness": {**announcement["public_randomness"], "value": randomness_value},
            "server_commitment": commitment_hex(secret_hex, ann_digest, algorithm),
            "server_secret": secret_hex.lower(),
            "seed": drawn["seed"], "result": {k: drawn[k] for k in ("quotas", "selected", "teams")}}


def build_record(inputs: dict) -> dict:
    """The complete draw record, published (to authorised parties) after the secret is revealed."""
    announcement = build_announcement(inputs)
    randomness = _obj(inputs.get("public_randomness")).get("value")
    return {**announcement, **reveal_fields(announcement, inputs.get("server_secret"), randomness)}


def public_record(*, task_no: str, announcement_digest_hex: str, population_digest_hex: str, population_count: int,
                  public_randomness: dict, server_commitment: str, server_secret: str, seed: str,
                  record_sha256: str, target_count: int, team_count: int, targets: list | None = None,
                  context: dict | None = None, algorithm: str = ALGORITHM) -> dict:
    """The public record: no strata lists (they would reveal risk classes), inspectors or recusals.

    Anyone can check its commitment and seed; `targets` (sorted ids) only once they may be public."""
    public = {"algorithm": _algorithm(algorithm), "redacted": True, "task_no": task_no,
              "announcement_digest": announcement_digest_hex,
              "population": {"digest": population_digest_hex, "count": population_count},
              "public_randomness": public_randomness, "server_commitment": server_commitment,
              "server_secret": server_secret, "seed": seed, "record_sha256": record_sha256,
              "result": {"target_count": target_count, "team_count": team_count,
                         "targets": None if targets is None else sorted(targets)}}
    if context is not None:
        public["context"] = context
    return public


def redact_record(record: dict, record_sha256: str, *, targets: list | None = None,
                  context: dict | None = None) -> dict:
    """public_record() of a full record."""
    strata, result = record["population"]["strata"], record["result"]
    return public_record(task_no=record["task_no"],
                         announcement_digest_hex=announcement_digest(announcement_of(record)).hex(),
                         population_digest_hex=record["population"]["digest"],
                         population_count=sum(s["count"] for s in strata.values()),
                         public_randomness=record["public_randomness"],
                         server_commitment=record["server_commitment"], server_secret=record["server_secret"],
                         seed=record["seed"], record_sha256=record_sha256,
                         target_count=sum(len(s) for s in result["selected"].values()),
                         team_count=len(result["teams"]), targets=targets, context=context,
                         algorithm=record["algorithm"])


# ---------------------------------------------------------------- verification
@dataclass
class Mismatch:
    kind: str  # record|announcement|commitment|population_digest|parameters|seed|quota|selection|team
    zh: str
    en: str
    stratum: str | None = None
    target: str | None = None
    position: int | None = None  # 0-based; messages show it 1-based
    expected: object = None
    found: object = None


@dataclass
class VerifyReport:
    ok: bool = True
    lines: list = field(default_factory=list)
    mismatch: Mismatch | None = None

    def render(self) -> str:
        if self.ok:
            return "\n".join(self.lines + ["结论：全部一致 / RESULT: all checks passed"])
        # the failing check is always the last [!!] line, so the verdict need not repeat it
        return "\n".join(self.lines + [f"结论：不一致 / RESULT: MISMATCH ({self.mismatch.kind})"])


class _Stop(Exception):
    pass


def _check(rep: VerifyReport, cond: bool, kind: str, zh: str, en: str, quiet=False, **detail) -> None:
    """Record one check; quiet checks print only when they fail. Stops at the first failure."""
    if cond and quiet:
        return
    rep.lines.append(f"[{'OK' if cond else '!!'}] {zh} / {en}")
    if not cond:
        rep.ok, rep.mismatch = False, Mismatch(kind, zh, en, **detail)
        raise _Stop


def _first_diff(expected: list, found: list):
    """(position, expected item, found item) of the first difference, or None."""
    for pos in range(max(len(expected), len(found))):
        exp, got = (s[pos] if pos < len(s) else None for s in (expected, found))
        if exp != got:
            return pos, exp, got
    return None


def _list_at(mapping, key) -> list:
    value = _obj(mapping).get(key)
    return value if isinstance(value, list) else []


def _check_structure(rec, ann, commitment, rep: VerifyReport) -> dict:
    _check(rep, isinstance(rec, dict) and rec.get("algorithm") in ALGORITHMS, "record",
           f"算法版本为 {' 或 '.join(ALGORITHMS)}", f"algorithm is {' or '.join(ALGORITHMS)}", quiet=True,
           expected=ALGORITHMS, found=rec.get("algorithm") if isinstance(rec, dict) else None)
    strata = _obj(rec.get("population")).get("strata")
    _check(rep, isinstance(strata, dict) and all(isinstance(s, dict) for s in strata.values())
           and isinstance(rec.get("result"), dict) and isinstance(rec.get("public_randomness"), dict),
           "record", "记录结构不完整", "record lacks population.strata, public_randomness or result", quiet=True)
    labels = (rec.get("task_no"), rec["public_randomness"].get("source"))
    _check(rep, all(isinstance(x, str) and x.strip() for x in labels), "record", "缺少任务编号或随机数来源",
           "record lacks task_no or the declared randomness source", quiet=True)
    _check_published(rec, ann, commitment, rep)
    return {k: s.get("ids") for k, s in strata.items()}


def _check_published(rec: dict, ann, commitment, rep: VerifyReport) -> None:
    """What was published before the randomness existed must be unchanged in the record."""
    if commitment is not None:
        found = str(rec.get("server_commitment")).lower()
        _check(rep, found == commitment.strip().lower(), "commitment", "承诺值与事先公布的一致",
               "commitment equals the one published before the draw", expected=commitment, found=found)
    if ann is None:
        return
    before, after = announcement_of(ann), announcement_of(rec)
    for key in ANNOUNCED:
        _check(rep, before.get(key) == after.get(key), "announcement", f"{key} 与事先公告不同",
               f"{key} differs from the prior announcement", quiet=True, expected=before.get(key),
               found=after.get(key))
    if "server_commitment" in ann:  # an announcement file may carry the commitment published with it
        _check(rep, ann["server_commitment"] == rec.get("server_commitment"), "announcement",
               "承诺值与事先公告不同", "server_commitment differs from the prior announcement", quiet=True)
    _check(rep, True, "announcement", "与事先公告一致", "matches the prior announcement")


def _check_digests(rec: dict, population: dict, rep: VerifyReport) -> None:
    try:
        secret_bytes(rec.get("server_secret"))
    except InvalidDrawInput as exc:
        _check(rep, False, "record", "服务器密钥格式错误", str(exc))
    digests = {}
    for key in utf8_sorted(population):
        ids, entry = population[key], rec["population"]["strata"][key]
        try:
            ordered, text = _names_text(ids, f"stratum {key}")
        except InvalidDrawInput:
            ordered = text = None
        # the list itself comes back only when it is strictly increasing: sorted and unique
        _check(rep, ordered is ids, "record", f"层 {key} 名单未排序或有重复", f"stratum {key}: ids not sorted/unique",
               quiet=True, stratum=key)
        digests[key] = _digest_of_text(text, len(ids))
        _check(rep, digests[key].hex() == entry.get("digest") and entry.get("count", len(ids)) == len(ids),
               "population_digest", f"层 {key}：{len(ids)} 个对象，摘要一致",
               f"stratum {key}: {len(ids)} entities, digest OK", stratum=key,
               expected=digests[key].hex(), found=entry.get("digest"))
    whole = population_digest(digests).hex()
    _check(rep, whole == rec["population"].get("digest"), "population_digest", "总体名录摘要一致",
           "overall population digest OK", expected=whole, found=rec["population"].get("digest"))
    try:
        bound = commitment_hex(rec["server_secret"], announcement_digest(announcement_of(rec)), rec["algorithm"])
    except (TypeError, ValueError, KeyError, AttributeError):  # unencodable announcement: it was not committed
        bound = None
    _check(rep, bound == str(rec.get("server_commitment")).lower(), "commitment",
           "承诺值 = SHA256(域 ‖ 密钥 ‖ SHA256(公告))：公告内容（参数、名录、人员、回避）与承诺一致",
           "server_commitment = SHA256(domain || secret || SHA256(announcement)): parameters, population, "
           "inspectors and recusals are those committed to", expected=bound, found=rec.get("server_commitment"))


def _check_selection(result: dict, drawn: dict, rep: VerifyReport) -> None:
    found = _obj(result.get("selected"))
    extra = utf8_sorted(set(found) - set(drawn["selected"]))
    _check(rep, not extra, "selection", f"结果含未知的层 {extra}", f"result has unknown strata {extra}",
           quiet=True)
    for key, exp in drawn["selected"].items():
        want, had = drawn["quotas"][key], _obj(result.get("quotas")).get(key)
        _check(rep, had == want, "quota", f"层 {key} 记录的抽取数 {had} 与参数不符（应为 {want}）",
               f"stratum {key}: recorded quota {had} contradicts the parameters (expected {want})",
               quiet=True, stratum=key, expected=want, found=had)
        diff = _first_diff(exp, _list_at(found, key))
        if diff is not None:
            pos, want, had = diff
            _check(rep, False, "selection", f"层 {key} 第 {pos + 1} 位应为 {want}，记录为 {had}",
                   f"stratum {key} position {pos + 1}: expected {want}, record has {had}",
                   stratum=key, position=pos, expected=want, found=had)
        _check(rep, True, "selection", f"层 {key}：抽取 {len(exp)} 个，逐位一致",
               f"stratum {key}: {len(exp)} selected, all match")


def _check_teams(result: dict, drawn: dict, rep: VerifyReport) -> None:
    found = _obj(result.get("teams"))
    extra = utf8_sorted(set(found) - set(drawn["teams"]))
    _check(rep, not extra, "team", f"未抽中的对象有检查组 {extra}", f"teams for unselected targets {extra}",
           quiet=True)
    for target, exp in drawn["teams"].items():
        _check(rep, target in found, "team", f"对象 {target} 缺少检查组", f"no team recorded for target {target}",
               quiet=True, target=target)
        got = _list_at(found, target)
        _check(rep, len(got) == len(exp), "parameters",
               f"对象 {target} 的检查组有 {len(got)} 人，参数规定 {len(exp)} 人",
               f"target {target}: team has {len(got)} members, parameters say {len(exp)}",
               quiet=True, target=target, expected=len(exp), found=len(got))
        diff = _first_diff(exp, got)
        if diff is not None:
            pos, want, had = diff
            _check(rep, False, "team", f"对象 {target} 检查组第 {pos + 1} 名应为 {want}，记录为 {had}",
                   f"target {target} member {pos + 1}: expected {want}, record has {had}",
                   target=target, position=pos, expected=want, found=had)
    count = len(drawn["teams"])
    _check(rep, True, "team", f"{count} 个检查组全部一致", f"all {count} teams match")


def _verify_full(record: dict, announcement, commitment, rep: VerifyReport) -> None:
    population = _check_structure(record, announcement, commitment, rep)
    _check_digests(record, population, rep)
    try:
        drawn = compute_draw(dict(record, population=population))
    except DrawError as exc:
        _check(rep, False, "parameters", "参数与名录无法产生抽取结果", str(exc))
    randomness = record["public_randomness"]
    text = normalise_randomness(randomness["value"])
    rep.lines.append(f"[--] 公共随机数 / public randomness: {text!r} ({randomness.get('source')})")
    _check(rep, drawn["seed"] == str(record.get("seed")).lower(), "seed", "种子一致", "seed OK",
           expected=drawn["seed"], found=record.get("seed"))
    _check_selection(record["result"], drawn, rep)
    _check_teams(record["result"], drawn, rep)


def _verify_public(record: dict, commitment, rep: VerifyReport) -> None:
    """A redacted public record: no strata lists, so only the commitment and the seed can be checked."""
    randomness, population = _obj(record.get("public_randomness")), _obj(record.get("population"))
    digests = (record.get("announcement_digest"), population.get("digest"))
    _check(rep, record.get("algorithm") in ALGORITHMS and all(isinstance(d, str) and len(d) == 64 for d in digests)
           and isinstance(randomness.get("value"), str), "record", "公开记录结构不完整",
           "public record lacks announcement_digest, population.digest or public_randomness.value", quiet=True)
    _check_published(record, None, commitment, rep)
    try:
        ann_digest, pop_digest = (bytes.fromhex(d) for d in digests)
        bound = commitment_hex(record.get("server_secret"), ann_digest, record["algorithm"])
        seed = derive_seed(record["server_secret"], randomness["value"], pop_digest, record["algorithm"]).hex()
    except (InvalidDrawInput, ValueError) as exc:
        _check(rep, False, "record", "公开记录格式错误", str(exc))
    _check(rep, bound == str(record.get("server_commitment")).lower(), "commitment",
           "承诺值 = SHA256(域 ‖ 密钥 ‖ 公告摘要)",
           "server_commitment = SHA256(domain || secret || announcement digest)",
           expected=bound, found=record.get("server_commitment"))
    rep.lines.append(f"[--] 公共随机数 / public randomness: {normalise_randomness(randomness['value'])!r} "
                     f"({randomness.get('source')})")
    _check(rep, seed == str(record.get("seed")).lower(), "seed", "种子一致", "seed OK", expected=seed,
           found=record.get("seed"))
    rep.lines.append("[--] 这是公开（脱敏）记录：逐层名单保密（含风险分类），抽取结果需用完整记录复核 / "
                     "this is the redacted public record: the strata (risk classes) are not public, so the "
                     f"selection is recomputed from the full record (SHA-256 {record.get('record_sha256')})")


def verify_record(record: dict, announcement: dict | None = None, commitment: str | None = None) -> VerifyReport:
    """Recompute the draw from the record; the report stops at the FIRST mismatch.

    `announcement` (the document published before the draw) and `commitment` (the hex value
    published then) are optional extra checks that name what changed."""
    rep = VerifyReport()
    try:
        if isinstance(record, dict) and record.get("redacted") is True:
            _verify_public(record, commitment, rep)
        else:
            _verify_full(record, announcement, commitment, rep)
    except _Stop:
        pass
    return rep


# ---------------------------------------------------------------- command line
def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):  # parsers disagree on duplicates, so refuse them
        raise ValueError(f"duplicate JSON key among {sorted(keys)}")
    return dict(pairs)


def _no_float(text):
    raise ValueError(f"floating-point number {text} (records hold integers only)")


def load_json(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh, object_pairs_hook=_no_duplicate_keys, parse_float=_no_float, parse_constant=_no_float)
    if not isinstance(data, dict):
        raise ValueError("top level is not a JSON object")
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify an ssgk-draw/1 or /2 draw record / 验证双随机抽取记录")
    parser.add_argument("record", help="draw record JSON (full, or the redacted public one)")
    parser.add_argument("--announcement", help="announcement JSON published before the draw")
    parser.add_argument("--commitment", help="the commitment (64 hex digits) published before the draw")
    args = parser.parse_args(argv)
    gc.disable()  # a short run over a million ids: cyclic collection would only rescan them
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        record = load_json(args.record)
        announcement = load_json(args.announcement) if args.announcement else None
    except (OSError, ValueError) as exc:
        print(f"无法读取输入 / cannot read input: {exc}")
        return 2
    report = verify_record(record, announcement, args.commitment)
    kind = "公开记录 / public record" if record.get("redacted") is True else "抽取记录 / draw record"
    print(f"{kind}: {record.get('task_no')} ({record.get('algorithm')})")
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
