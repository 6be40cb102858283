"""ssgk-draw/1: publicly verifiable random draw of inspection targets and teams.

双随机抽取公开验证程序：任何人都可以下载本文件，用抽取记录重新计算并核对结果。
Anyone can download this one file and recompute a published draw record.

    python verify.py RECORD.json [--announcement ANNOUNCEMENT.json]
    python -m backend.draws.verify RECORD.json

Exit status: 0 everything matches; 1 first mismatch printed; 2 input unreadable.
Standard library only and no imports from the backend package, so that the file
works alone. The server imports the selection functions from here, so server and
verifier cannot diverge. Exact specification: docs/draw-algorithm.md.
No floating point is used anywhere: quotas and allocations are integer arithmetic.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import unicodedata
from dataclasses import dataclass, field

ALGORITHM = "ssgk-draw/1"
SECRET_BYTES = 32
DEFAULT_TEAM_SIZE = 2
MIN_TEAM_SIZE = 2
SEED_DOMAIN = b"ssgk-draw/1|seed\n"
# Unicode White_Space property (UCD PropList.txt), spelled out because str.strip()
# uses a different set and another implementation must trim exactly these.
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680"
               + "".join(chr(c) for c in range(0x2000, 0x200B))
               + "\u2028\u2029\u202f\u205f\u3000")
# These bytes delimit fields in digests and HMAC messages, so names may not contain them.
FORBIDDEN_CHARS = frozenset("\x00\t\n\r")
RULES = ("count", "ratio", "full", "share")


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


def _rank(seed: bytes, domain: str, *parts: str) -> bytes:
    """HMAC-SHA256(seed, domain NUL part1 NUL part2 ...)."""
    msg = b"\x00".join([_utf8(domain)] + [_utf8(p) for p in parts])
    return hmac.new(seed, msg, hashlib.sha256).digest()


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not value or FORBIDDEN_CHARS & set(value):
        raise InvalidDrawInput(f"{what} must be a non-empty string without NUL/TAB/CR/LF: {value!r}")
    return value


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


# ---------------------------------------------------------------- commitment, digests, seed
def new_server_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


def secret_bytes(secret_hex) -> bytes:
    # Exactly 64 hex digits: bytes.fromhex alone would also accept embedded spaces.
    if not isinstance(secret_hex, str) or len(secret_hex) != 2 * SECRET_BYTES \
            or set(secret_hex.lower()) - set("0123456789abcdef"):
        raise InvalidDrawInput(f"server_secret must be {2 * SECRET_BYTES} hex digits ({SECRET_BYTES} bytes)")
    return bytes.fromhex(secret_hex)


def commitment_hex(secret_hex: str) -> str:
    return hashlib.sha256(secret_bytes(secret_hex)).hexdigest()


def stratum_digest(ids) -> bytes:
    return hashlib.sha256(b"".join(_utf8(i) + b"\n" for i in utf8_sorted(ids))).digest()


def population_digest(stratum_digests: dict) -> bytes:
    lines = (f"{k}\t{stratum_digests[k].hex()}\n" for k in utf8_sorted(stratum_digests))
    return hashlib.sha256(_utf8("".join(lines))).digest()


def normalise_randomness(value) -> str:
    if not isinstance(value, str):
        raise InvalidDrawInput("public randomness must be a string")
    text = unicodedata.normalize("NFC", value).strip(WHITE_SPACE)
    if not text:
        raise InvalidDrawInput("public randomness is empty")
    return text


def derive_seed(secret_hex: str, randomness: str, pop_digest: bytes) -> bytes:
    material = (SEED_DOMAIN + _lp(secret_bytes(secret_hex))
                + _lp(_utf8(normalise_randomness(randomness))) + pop_digest)
    return hashlib.sha256(material).digest()


# ---------------------------------------------------------------- input normalisation
def normalise_population(population) -> dict:
    """stratum -> ids sorted by UTF-8 bytes; an id may appear only once in the whole draw."""
    if not isinstance(population, dict) or not population:
        raise InvalidDrawInput("population must map at least one stratum to a list of ids")
    seen, out = {}, {}
    for key in utf8_sorted(population):
        ids = population[_name(key, "stratum key")]
        if not isinstance(ids, list):
            raise InvalidDrawInput(f"population of stratum {key!r} must be a list")
        for i in ids:
            if _name(i, "entity id") in seen:
                raise InvalidDrawInput(f"entity {i!r} appears twice (strata {seen[i]!r} and {key!r})")
            seen[i] = key
        out[key] = utf8_sorted(ids)
    return out


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
    for target in utf8_sorted(recusals):
        ids = recusals[target]
        if not isinstance(ids, list):
            raise InvalidDrawInput(f"recusals of {target!r} must be a list")
        out[_name(target, "recusal target")] = utf8_sorted({_name(i, "recused inspector") for i in ids})
    return out


# ---------------------------------------------------------------- quotas (integers only)
def ratio_quota(size: int, num: int, den: int) -> int:
    """ceil(size * num / den) without leaving the integers."""
    return (size * num + den - 1) // den


def hamilton_allocate(total: int, sizes: dict, seed: bytes) -> dict:
    """Largest remainder: floor(total*size//sum), leftovers to largest remainders;
    remainder ties go to the smaller HMAC(seed, "alloc" NUL key), then key bytes."""
    whole = sum(sizes.values())
    if whole == 0:
        return {k: 0 for k in sizes}
    quotas = {k: total * n // whole for k, n in sizes.items()}
    leftover = total - sum(quotas.values())
    order = sorted(sizes, key=lambda k: (-(total * sizes[k] % whole), _rank(seed, "alloc", k), _utf8(k)))
    for k in order[:leftover]:
        quotas[k] += 1
    return quotas


def _checked(stratum: str, quota: int, size: int, cap: bool) -> int:
    if quota <= size:
        return quota
    if cap:
        return size
    raise QuotaExceedsPopulation(stratum, quota, size)


def compute_quotas(params: dict, sizes: dict, seed: bytes) -> dict:
    """params must be canonical (normalise_params)."""
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
        quotas.update(hamilton_allocate(total, shared, seed))
    return {k: quotas[k] for k in utf8_sorted(quotas)}


# ---------------------------------------------------------------- selection
def rank_entities(seed: bytes, stratum: str, ids) -> list:
    """Ascending by (HMAC(seed, "entity" NUL stratum NUL id), id bytes)."""
    return sorted(ids, key=lambda i: (_rank(seed, "entity", stratum, i), _utf8(i)))


def select_stratum(seed: bytes, stratum: str, ids, quota: int) -> list:
    return rank_entities(seed, stratum, ids)[:quota]


def draw_order(selected: dict) -> list:
    """Targets ordered by (stratum key bytes, rank within stratum)."""
    return [t for k in utf8_sorted(selected) for t in selected[k]]


# ---------------------------------------------------------------- teams
def _team_for(seed, target, inspectors, recused, load, params) -> list:
    cap = params["workload_cap"]
    pool = [i for i in inspectors if i["eligible"] and i["id"] not in recused
            and (cap is None or load[i["id"]] < cap)]
    # Balance first (fewest assignments so far), then the random rank, then id bytes.
    pool.sort(key=lambda i: (load[i["id"]], _rank(seed, "inspector", target, i["id"]), _utf8(i["id"])))
    need, team = dict(params["staffing"]), []
    for insp in pool:  # pass 1: required department slots, in pool order
        if need.get(insp["department"], 0) > 0:
            team.append(insp["id"])
            need[insp["department"]] -= 1
    for insp in pool:  # pass 2: remaining slots from anyone, in pool order
        if len(team) < params["team_size"] and insp["id"] not in team:
            team.append(insp["id"])
    missing = [d for d, n in need.items() if n > 0]
    if missing:
        raise TeamFormationError(target, f"not enough available inspectors from {', '.join(missing)}")
    if len(team) < params["team_size"]:
        raise TeamFormationError(target, f"{len(team)} available inspector(s), team size {params['team_size']}")
    return team


def form_teams(seed: bytes, selected: dict, inspectors: list, recusals: dict, params: dict) -> dict:
    """Target -> ordered member ids, targets visited in draw order."""
    load = {i["id"]: 0 for i in inspectors}
    teams = {}
    for target in draw_order(selected):
        teams[target] = _team_for(seed, target, inspectors, set(recusals.get(target, ())), load, params)
        for member in teams[target]:
            load[member] += 1
    return teams


# ---------------------------------------------------------------- whole draw
def compute_draw(inputs: dict) -> dict:
    """Recompute everything from inputs (shape: docs/draw-algorithm.md, "Inputs")."""
    if inputs.get("algorithm", ALGORITHM) != ALGORITHM:
        raise InvalidDrawInput(f"algorithm {inputs.get('algorithm')!r} is not {ALGORITHM}")
    population = normalise_population(inputs.get("population"))
    params = normalise_params(inputs.get("params"), population)
    inspectors = normalise_inspectors(inputs.get("inspectors", []))
    recusals = normalise_recusals(inputs.get("recusals", {}))
    digests = {k: stratum_digest(ids) for k, ids in population.items()}
    pop_digest = population_digest(digests)
    randomness = _obj(inputs.get("public_randomness")).get("value")
    seed = derive_seed(inputs.get("server_secret"), randomness, pop_digest)
    quotas = compute_quotas(params, {k: len(ids) for k, ids in population.items()}, seed)
    selected = {k: select_stratum(seed, k, population[k], quotas[k]) for k in population}
    return {"seed": seed.hex(), "population_digest": pop_digest.hex(),
            "stratum_digests": {k: d.hex() for k, d in digests.items()},
            "quotas": quotas, "selected": selected,
            "teams": form_teams(seed, selected, inspectors, recusals, params)}


def _public_part(inputs: dict) -> dict:
    population = normalise_population(inputs.get("population"))
    digests = {k: stratum_digest(ids) for k, ids in population.items()}
    source = _obj(inputs.get("public_randomness")).get("source")
    return {"algorithm": ALGORITHM, "task_no": _name(inputs.get("task_no"), "task_no"),
            "params": normalise_params(inputs.get("params"), population),
            "population": {"digest": population_digest(digests).hex(),
                           "strata": {k: {"count": len(ids), "digest": digests[k].hex(), "ids": ids}
                                      for k, ids in population.items()}},
            "inspectors": normalise_inspectors(inputs.get("inspectors", [])),
            "recusals": normalise_recusals(inputs.get("recusals", {})),
            "server_commitment": commitment_hex(inputs.get("server_secret")),
            "public_randomness": {"source": _name(source, "public randomness source")}}


def build_announcement(inputs: dict) -> dict:
    """What is published BEFORE the public randomness exists (no secret, no value)."""
    return _public_part(inputs)


def build_record(inputs: dict) -> dict:
    """The complete draw record, published after the secret is revealed."""
    record, drawn = _public_part(inputs), compute_draw(inputs)
    record["public_randomness"] = dict(inputs["public_randomness"])
    record["server_secret"] = inputs["server_secret"].lower()
    record["seed"] = drawn["seed"]
    record["result"] = {k: drawn[k] for k in ("quotas", "selected", "teams")}
    return record


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


def _check_structure(rec, ann, rep: VerifyReport) -> dict:
    _check(rep, isinstance(rec, dict) and rec.get("algorithm") == ALGORITHM, "record",
           f"算法版本 {ALGORITHM}", f"algorithm {ALGORITHM}", quiet=True, expected=ALGORITHM)
    strata = _obj(rec.get("population")).get("strata")
    _check(rep, isinstance(strata, dict) and all(isinstance(s, dict) for s in strata.values())
           and isinstance(rec.get("result"), dict) and isinstance(rec.get("public_randomness"), dict),
           "record", "记录结构不完整", "record lacks population.strata, public_randomness or result", quiet=True)
    labels = (rec.get("task_no"), rec["public_randomness"].get("source"))
    _check(rep, all(isinstance(x, str) and x.strip() for x in labels), "record", "缺少任务编号或随机数来源",
           "record lacks task_no or the declared randomness source", quiet=True)
    if ann is not None:
        _check_announcement(rec, ann, rep)
    return dict(rec, population={k: s.get("ids") for k, s in strata.items()})


def _check_announcement(rec: dict, ann: dict, rep: VerifyReport) -> None:
    """Everything fixed before the randomness existed must be unchanged in the record."""
    for key in ("algorithm", "task_no", "params", "population", "inspectors", "recusals", "server_commitment"):
        _check(rep, ann.get(key) == rec.get(key), "announcement", f"{key} 与事先公告不同",
               f"{key} differs from the prior announcement", quiet=True, expected=ann.get(key), found=rec.get(key))
    # an announcement has no secret and no randomness value, only the declared source
    src, found = _obj(ann.get("public_randomness")).get("source"), rec["public_randomness"].get("source")
    _check(rep, src == found, "announcement", "与事先公告一致", "matches the prior announcement",
           expected=src, found=found)


def _check_digests(rec: dict, population: dict, rep: VerifyReport) -> None:
    try:
        got = commitment_hex(rec.get("server_secret"))
    except InvalidDrawInput as exc:
        _check(rep, False, "record", "服务器密钥格式错误", str(exc))
    _check(rep, got == str(rec.get("server_commitment")).lower(), "commitment", "承诺值 = SHA256(密钥)",
           "server_commitment = SHA256(server_secret)", expected=got, found=rec.get("server_commitment"))
    digests = {}
    for key in utf8_sorted(population):
        ids, entry = population[key], rec["population"]["strata"][key]
        listed = isinstance(ids, list) and all(isinstance(i, str) for i in ids)
        _check(rep, listed and ids == utf8_sorted(set(ids)), "record", f"层 {key} 名单未排序或有重复",
               f"stratum {key}: ids not sorted/unique", quiet=True, stratum=key)
        digests[key] = stratum_digest(ids)
        _check(rep, digests[key].hex() == entry.get("digest") and entry.get("count", len(ids)) == len(ids),
               "population_digest", f"层 {key}：{len(ids)} 个对象，摘要一致",
               f"stratum {key}: {len(ids)} entities, digest OK", stratum=key,
               expected=digests[key].hex(), found=entry.get("digest"))
    whole = population_digest(digests).hex()
    _check(rep, whole == rec["population"].get("digest"), "population_digest", "总体名录摘要一致",
           "overall population digest OK", expected=whole, found=rec["population"].get("digest"))


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


def verify_record(record: dict, announcement: dict | None = None) -> VerifyReport:
    """Recompute the whole draw from the record; the report stops at the FIRST mismatch."""
    rep = VerifyReport()
    try:
        inputs = _check_structure(record, announcement, rep)
        _check_digests(record, inputs["population"], rep)
        try:
            drawn = compute_draw(inputs)
        except DrawError as exc:
            _check(rep, False, "parameters", "参数与名录无法产生抽取结果", str(exc))
        randomness = record["public_randomness"]
        text = normalise_randomness(randomness["value"])
        rep.lines.append(f"[--] 公共随机数 / public randomness: {text!r} ({randomness.get('source')})")
        _check(rep, drawn["seed"] == str(record.get("seed")).lower(), "seed", "种子一致", "seed OK",
               expected=drawn["seed"], found=record.get("seed"))
        _check_selection(record["result"], drawn, rep)
        _check_teams(record["result"], drawn, rep)
    except _Stop:
        pass
    return rep


# ---------------------------------------------------------------- command line
def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):  # parsers disagree on duplicates, so refuse them
        raise ValueError(f"duplicate JSON key among {sorted(keys)}")
    return dict(pairs)


def load_json(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh, object_pairs_hook=_no_duplicate_keys)
    if not isinstance(data, dict):
        raise ValueError("top level is not a JSON object")
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify an ssgk-draw/1 draw record / 验证双随机抽取记录")
    parser.add_argument("record", help="draw record JSON")
    parser.add_argument("--announcement", help="announcement JSON published before the draw")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        record = load_json(args.record)
        announcement = load_json(args.announcement) if args.announcement else None
    except (OSError, ValueError) as exc:
        print(f"无法读取输入 / cannot read input: {exc}")
        return 2
    report = verify_record(record, announcement)
    print(f"抽取记录 / draw record: {record.get('task_no')} ({record.get('algorithm')})")
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
