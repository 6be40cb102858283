"""ssgk-evidence-package/1 verifier: check an evidence package without the platform.

电子证据包验证程序：不需要服务器、不需要联网，可以交给法院、公安机关独立使用。
Checks a package (a ZIP holding a BagIt bag) offline and prints a report in Chinese and English.

    python3 verify.py PACKAGE.zip [--trusted-key BASE64 ...]
    python3 -m backend.evidence.verify PACKAGE.zip

Exit status: 0 every check passed; 1 something does not match (each problem is named);
2 the file cannot be read as a package. Needs Python 3.9+ and the `cryptography` package
(Ed25519, and SM3 where this Python's hashlib lacks it); no other imports from the platform,
so this one file works alone. The platform's package builder runs the same checks on its
input before it writes anything. Format: docs/evidence-package.md.

Checked: bagit.txt; every payload file against manifest-sha256.txt AND manifest-sm3.txt, with
no file missing or extra; Payload-Oxum; both tag manifests; the Ed25519 signature over
tagmanifest-sha256.txt (key in the package, or one given with --trusted-key); each item's
chain of custody (ordered in time, capture on the device first, export last, hashes equal to
the manifests'); and the audit-log inclusion proofs against the signed checkpoint (RFC 9162).
"""
from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from typing import (
    Any,
    BinaryIO,
    NamedTuple,
)

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXIT_OK, EXIT_MISMATCH, EXIT_UNREADABLE = 0, 1, 2
BLOCK = 1024 * 1024
MAX_TAG_FILE = 256 * 1024 * 1024  # tag files and JSON are read whole; nothing legitimate comes near
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFESTS = ("manifest-sha256.txt", "manifest-sm3.txt")
TAG_MANIFESTS = ("tagmanifest-sha256.txt", "tagmanifest-sm3.txt")
SIGNATURE_FILE = "signature/tagmanifest-sha256.txt.sig"
PUBLIC_KEY_FILE = "signature/public-key.txt"
CUSTODY_FILE = "data/custody/custody-log.json"
CHECKPOINT_FILE = "data/audit/checkpoint.json"
PROOFS_FILE = "data/audit/proofs.json"
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
HEX64 = re.compile(r"[0-9a-f]{64}")
MANIFEST_LINE = re.compile(r"([0-9A-Fa-f]+)[ \t]+(.+)")
KIND_ZH = {"photo": "照片", "signature": "签名", "audio": "录音", "video": "录像", "document": "文档"}


class Problem(NamedTuple):
    """One mismatch: what it concerns (a path in the bag, or an item id), in Chinese and English."""

    subject: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.en}"


class Unreadable(Exception):
    """The file is not a ZIP, or holds no bag."""


# ------------------------------------------------------------------ hashing
def new_sm3() -> Any:
    try:
        return hashlib.new("sm3")  # OpenSSL's, where this Python's OpenSSL offers it
    except ValueError:
        return _SM3()


class _SM3:
    def __init__(self) -> None:
        self._h = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def hexdigest(self) -> str:
        return self._h.finalize().hex()


def canonical_json(value: Any) -> bytes:
    """docs/audit-log.md §2.2: sorted keys, no whitespace, raw UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2, step for step (docs/audit-log.md §6)."""
    if len(leaf) != 32 or len(root) != 32 or any(len(p) != 32 for p in proof):
        return False
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def key_id(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).digest()[:8].hex()


def b64(text: Any, length: int) -> bytes | None:
    """Strict standard base64 of exactly `length` bytes, else None."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length and base64.b64encode(raw).decode("ascii") == text else None


def ed25519_valid(raw_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ------------------------------------------------------------------ audit proofs
def audit_problems(checkpoint: Any, proofs: Any, trusted: Sequence[bytes] = ()) -> list[Problem]:
    """The signed checkpoint, and each entry's leaf hash and inclusion proof against it."""
    cp, pf = CHECKPOINT_FILE, PROOFS_FILE
    if not isinstance(checkpoint, dict) or not isinstance(proofs, dict):
        return [Problem(cp, "检查点或证明不是 JSON 对象", "checkpoint or proofs is not a JSON object")]
    problems: list[Problem] = []
    raw_key = b64(checkpoint.get("public_key"), 32)
    root = bytes.fromhex(checkpoint["root_hash"]) if HEX64.fullmatch(str(checkpoint.get("root_hash"))) else None
    size, stamp, origin = checkpoint.get("tree_size"), checkpoint.get("timestamp"), checkpoint.get("origin")
    if raw_key is None or root is None or type(size) is not int or size < 0 \
            or not TIMESTAMP.fullmatch(str(stamp)) or not isinstance(origin, str) or not origin or "\n" in origin:
        return [Problem(cp, "检查点字段缺失或格式错误", "checkpoint fields are missing or malformed")]
    body = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n{stamp}\n"
    if checkpoint.get("body") != body:
        problems.append(Problem(cp, "检查点正文与各字段不一致", "checkpoint body does not match its fields"))
    if checkpoint.get("key_id") != key_id(raw_key):
        problems.append(Problem(cp, "检查点密钥标识与公钥不符", "checkpoint key_id does not match its public key"))
    signature = b64(checkpoint.get("signature"), 64)
    if signature is None or not ed25519_valid(raw_key, signature, body.encode("utf-8")):
        problems.append(Problem(cp, "检查点签名无效", "checkpoint signature is not valid"))
    if trusted and raw_key not in trusted:
        problems.append(Problem(cp, f"检查点公钥（{key_id(raw_key)}）不是受信任的公钥",
                                f"checkpoint key {key_id(raw_key)} is not a trusted key"))
    if proofs.get("tree_size") != size or proofs.get("root_hash") != checkpoint.get("root_hash"):
        problems.append(Problem(pf, "证明的树大小或根哈希与检查点不同", "proofs name another tree size or root than the checkpoint"))
    entries = proofs.get("entries")
    if not isinstance(entries, list):
        return problems + [Problem(pf, "缺少 entries 列表", "no entries list")]
    seen: set[int] = set()
    for entry in entries:
        problems += _entry_problems(entry, size, root, seen)
    return problems


_ENTRY_FIELDS = ("index", "time", "actor", "action", "object_type", "object_id", "request_id", "payload_sha256")


def _entry_problems(entry: Any, size: int, root: bytes, seen: set[int]) -> list[Problem]:
    index = entry.get("index") if isinstance(entry, dict) else None
    subject = f"{PROOFS_FILE}#{index}"
    if type(index) is not int or index in seen:
        return [Problem(subject, "审计条目编号缺失或重复", "audit entry index missing or repeated")]
    seen.add(index)
    fields = {k: entry.get(k) for k in _ENTRY_FIELDS}
    if not TIMESTAMP.fullmatch(str(fields["time"])) or not HEX64.fullmatch(str(fields["payload_sha256"])) \
            or not isinstance(fields["action"], str) or any(
                fields[k] is not None and not isinstance(fields[k], str)
                for k in ("actor", "object_type", "object_id", "request_id")):
        return [Problem(subject, f"审计条目 {index} 的字段格式错误", f"audit entry {index} has malformed fields")]
    leaf = leaf_hash(canonical_json(fields))
    if entry.get("leaf_hash") != leaf.hex():
        return [Problem(subject, f"审计条目 {index} 的叶哈希与其字段不符", f"audit entry {index}: leaf hash does not match its fields")]
    proof = entry.get("proof")
    if not isinstance(proof, list) or not all(isinstance(p, str) and HEX64.fullmatch(p) for p in proof) \
            or not verify_inclusion(index, size, leaf, [bytes.fromhex(p) for p in proof], root):
        return [Problem(subject, f"审计条目 {index} 的包含证明不成立", f"audit entry {index}: inclusion proof fails")]
    return []


# ------------------------------------------------------------------ custody
def trail_problems(events: Any, sha256: str, proven: dict[int, dict[str, Any]], *, label: str,
                   sm3: str | None = None, size: int | None = None, path: str | None = None,
                   package_id: str | None = None) -> list[Problem]:
    """One item's custody trail: capture first, export last, in time order, hashes as manifested,
    every platform event matching a proven audit entry."""
    def bad(zh: str, en: str) -> list[Problem]:
        return [Problem(label, zh, en)]

    if not isinstance(events, list) or len(events) < 2 or not all(isinstance(e, dict) for e in events):
        return bad("保管链为空或格式错误", "custody trail is empty or malformed")
    problems: list[Problem] = []
    if [e.get("seq") for e in events] != list(range(1, len(events) + 1)):
        problems += bad("保管事件序号不连续", "custody events are not numbered 1, 2, 3, ...")
    first, last = events[0], events[-1]
    if first.get("event") != "captured" or first.get("source") != "device":
        problems += bad("第一个保管事件不是设备采集", "the first custody event is not the capture on the device")
    elif first.get("sha256") != sha256:
        problems += bad("采集时记录的 SHA-256 与清单不符", "SHA-256 recorded at capture differs from the manifest")
    if last.get("event") != "exported" or last.get("source") != "export":
        problems += bad("最后一个保管事件不是本次导出", "the last custody event is not this export")
    else:
        details = last.get("details") if isinstance(last.get("details"), dict) else {}
        if last.get("sha256") != sha256 or (sm3 is not None and last.get("sm3") != sm3) \
                or (size is not None and last.get("size") != size):
            problems += bad("导出事件记录的哈希或大小与清单不符", "hashes or size in the export event differ from the manifests")
        if (path is not None and details.get("path") != path) or \
                (package_id is not None and details.get("package_id") != package_id):
            problems += bad("导出事件指向其他文件或其他证据包", "the export event names another file or package")
    middle = events[1:-1]
    if any(e.get("event") in ("captured", "exported") for e in middle):
        problems += bad("采集或导出事件出现在保管链中间", "a capture or export event sits inside the trail")
    times = [e.get("at") for e in events]
    if not all(isinstance(t, str) and TIMESTAMP.fullmatch(t) for t in times):
        problems += bad("保管事件时间格式错误", "a custody event time is malformed")
    elif times != sorted(times):
        problems += bad("保管事件未按时间先后排列", "custody events are not in time order")
    problems += _platform_problems(middle, sha256, proven, label)
    return problems


def _platform_problems(events: list[dict[str, Any]], sha256: str, proven: dict[int, dict[str, Any]],
                       label: str) -> list[Problem]:
    problems: list[Problem] = []
    previous = -1
    received = False
    for e in events:
        name, index, payload = e.get("event"), e.get("audit_index"), e.get("payload")
        where = f"保管事件 {e.get('seq')}（{name}）", f"custody event {e.get('seq')} ({name})"
        entry = proven.get(index) if type(index) is int else None
        if e.get("source") != "platform" or not isinstance(payload, dict) or entry is None or type(index) is not int:
            problems.append(Problem(label, f"{where[0]}没有经证明的审计条目", f"{where[1]} has no proven audit entry"))
            continue
        if payload.get("event") != name or payload.get("blob_sha256") != sha256:
            problems.append(Problem(label, f"{where[0]}记录的是其他文件", f"{where[1]} is about another file"))
        if entry.get("action") != f"custody.{name}" or entry.get("object_type") != "blob" \
                or entry.get("object_id") != sha256:
            problems.append(Problem(label, f"{where[0]}与审计条目 {index} 的操作不符", f"{where[1]} differs from audit entry {index}"))
        if hashlib.sha256(canonical_json(payload)).hexdigest() != entry.get("payload_sha256"):
            problems.append(Problem(label, f"{where[0]}的内容与审计条目 {index} 的哈希不符",
                                    f"{where[1]} does not hash to audit entry {index}'s payload_sha256"))
        if index <= previous:
            problems.append(Problem(label, f"{where[0]}在审计日志中的顺序颠倒", f"{where[1]} is out of audit-log order"))
        previous = index
        details: Any = payload.get("details") if isinstance(payload.get("details"), dict) else {}
        if name == "upload_completed" and details.get("sha256_verified") is True:
            received = True
    if not received:
        problems.append(Problem(label, "保管链中没有平台接收并核验哈希的记录（upload_completed）",
                                "no upload_completed event: the platform's hash check on receipt is missing"))
    return problems


# ------------------------------------------------------------------ the bag
class Bag:
    """The ZIP's members under the bag's base directory, read as streams."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.zip = archive
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        if len(set(names)) != len(names):
            raise Unreadable("the ZIP holds two members with the same name / ZIP 中有同名文件")
        if "bagit.txt" in names:
            self.prefix = ""
        else:
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) != 1 or f"{next(iter(tops))}/bagit.txt" not in names:
                raise Unreadable("no bagit.txt at the top or in one top-level folder / 找不到 bagit.txt")
            self.prefix = next(iter(tops)) + "/"
        self.files = {n[len(self.prefix):]: archive.getinfo(n) for n in names}
        for path in self.files:
            if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in path.split("/")):
                raise Unreadable(f"unsafe path in the ZIP / 不安全的路径: {path!r}")

    def read(self, path: str) -> bytes:
        info = self.files[path]
        if info.file_size > MAX_TAG_FILE:
            raise zipfile.BadZipFile(f"{path} is too large for a tag file")
        with self.zip.open(info) as f:
            return f.read()

    def hash(self, path: str) -> tuple[int, str, str]:
        sha256, sm3, size = hashlib.sha256(), new_sm3(), 0
        with self.zip.open(self.files[path]) as f:
            while block := f.read(BLOCK):
                sha256.update(block)
                sm3.update(block)
                size += len(block)
        return size, sha256.hexdigest(), sm3.hexdigest()


def parse_manifest(data: bytes, name: str, problems: list[Problem]) -> dict[str, str]:
    entries: dict[str, str] = {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(name, "不是 UTF-8 文本", "is not UTF-8 text"))
        return entries
    for number, line in enumerate(text.splitlines(), 1):
        match = MANIFEST_LINE.fullmatch(line)
        if match is None or len(match.group(1)) != 64:
            problems.append(Problem(name, f"第 {number} 行格式错误", f"line {number} is malformed"))
            continue
        path = match.group(2).replace("%0D", "\r").replace("%0d", "\r").replace("%0A", "\n") \
            .replace("%0a", "\n").replace("%25", "%")
        if path in entries:
            problems.append(Problem(name, f"{path} 重复列出", f"lists {path} twice"))
        entries[path] = match.group(1).lower()
    return entries


def parse_bag_info(data: bytes, problems: list[Problem]) -> dict[str, list[str]]:
    info: dict[str, list[str]] = {}
    label = None
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        problems.append(Problem("bag-info.txt", "不是 UTF-8 文本", "is not UTF-8 text"))
        return info
    for line in lines:
        if line[:1] in (" ", "\t") and label is not None:
            info[label][-1] += " " + line.strip()
        elif ": " in line or ":\t" in line:
            label, value = re.split(r":[ \t]", line, maxsplit=1)
            info.setdefault(label.strip(), []).append(value.strip())
            label = label.strip()
        else:
            problems.append(Problem("bag-info.txt", f"无法解析的行：{line!r}", f"cannot parse line {line!r}"))
    return info


class Verification:
    def __init__(self, bag: Bag, trusted: Sequence[bytes]) -> None:
        self.bag = bag
        self.trusted = list(trusted)
        self.problems: list[Problem] = []
        self.passed: list[tuple[str, str, str]] = []  # (subject, zh, en) of checks that held
        self.payload: dict[str, tuple[int, str, str]] = {}  # path -> size, sha256, sm3 as read
        self.info: dict[str, list[str]] = {}
        self.items: list[dict[str, Any]] = []

    def fail(self, subject: str, zh: str, en: str) -> None:
        self.problems.append(Problem(subject, zh, en))

    def ok(self, subject: str, zh: str, en: str) -> None:
        self.passed.append((subject, zh, en))

    def tag_file(self, path: str) -> bytes | None:
        if path not in self.bag.files:
            self.fail(path, "文件缺失", "file is missing")
            return None
        try:
            return self.bag.read(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            self.fail(path, f"文件已损坏（{exc}）", f"file is corrupt ({exc})")
            return None

    def run(self) -> None:
        self.check_declaration()
        manifests = self.check_payload()
        self.check_bag_info()
        self.check_tag_manifests()
        self.check_signature()
        proven = self.check_audit()
        self.check_custody(manifests, proven)

    def check_declaration(self) -> None:
        data = self.tag_file("bagit.txt")
        if data is not None and data.replace(b"\r\n", b"\n") != BAGIT_TXT:
            self.fail("bagit.txt", "不是 BagIt 1.0 / UTF-8 声明", "is not the BagIt 1.0, UTF-8 declaration")
        elif data is not None:
            self.ok("bagit.txt", "BagIt 1.0 声明", "BagIt 1.0 declaration")

    def check_payload(self) -> dict[str, dict[str, str]]:
        manifests = {}
        for name in MANIFESTS:
            data = self.tag_file(name)
            entries = parse_manifest(data, name, self.problems) if data is not None else {}
            for path in entries:
                if not path.startswith("data/"):
                    self.fail(name, f"列出了数据目录以外的文件 {path}", f"lists {path}, outside data/")
            manifests[name] = entries
        present = {p for p in self.bag.files if p.startswith("data/")}
        for name, entries in manifests.items():
            for path in sorted(set(entries) - present):
                self.fail(path, f"{name} 列出的文件缺失", f"listed in {name} but missing")
            for path in sorted(present - set(entries)):
                self.fail(path, f"多出的文件，{name} 未列出", f"extra file, not listed in {name}")
        for path in sorted(present):
            try:
                self.payload[path] = _, sha256, sm3 = self.bag.hash(path)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                self.fail(path, f"文件已损坏（{exc}）", f"file is corrupt ({exc})")
                continue
            good = True
            for name, actual in (("manifest-sha256.txt", sha256), ("manifest-sm3.txt", sm3)):
                expected = manifests.get(name, {}).get(path)
                if expected is not None and expected != actual:
                    algorithm = "SHA-256" if "sha256" in name else "SM3"
                    self.fail(path, f"{algorithm} 与 {name} 不符", f"{algorithm} does not match {name}")
                    good = False
            if good and all(path in m for m in manifests.values()):
                self.ok(path, "SHA-256、SM3 与清单一致", "SHA-256 and SM3 match the manifests")
        return manifests

    def check_bag_info(self) -> None:
        data = self.tag_file("bag-info.txt")
        if data is None:
            return
        self.info = parse_bag_info(data, self.problems)
        oxum = self.info.get("Payload-Oxum", [])
        actual = f"{sum(s for s, _, _ in self.payload.values())}.{len(self.payload)}"
        if len(oxum) != 1 or oxum[0] != actual:
            self.fail("bag-info.txt", f"Payload-Oxum {oxum} 与实际 {actual} 不符",
                      f"Payload-Oxum {oxum} differs from the payload's {actual}")
        else:
            self.ok("bag-info.txt", f"Payload-Oxum {actual}", f"Payload-Oxum {actual}")

    def check_tag_manifests(self) -> None:
        expected_listed = {p for p in self.bag.files if not p.startswith("data/")} - set(TAG_MANIFESTS) - {SIGNATURE_FILE}
        for name, algorithm in zip(TAG_MANIFESTS, ("sha256", "sm3")):
            data = self.tag_file(name)
            if data is None:
                continue
            entries = parse_manifest(data, name, self.problems)
            for required in MANIFESTS:
                if required not in entries:
                    self.fail(name, f"未列出 {required}", f"does not list {required}")
            for path in sorted(set(entries) - expected_listed):
                self.fail(name, f"列出了不应列出或缺失的文件 {path}", f"lists {path}, which is missing or may not be listed")
            for path in sorted(expected_listed - set(entries)):
                self.fail(path, f"多出的标签文件，{name} 未列出", f"extra tag file, not listed in {name}")
            good = True
            for path in sorted(set(entries) & expected_listed):
                content = self.tag_file(path)
                if content is None:
                    good = False
                    continue
                h = hashlib.sha256(content).hexdigest() if algorithm == "sha256" else _sm3_hex(content)
                if h != entries[path]:
                    self.fail(path, f"与 {name} 不符", f"does not match {name}")
                    good = False
            if good:
                self.ok(name, "标签文件均一致", "every tag file matches")

    def check_signature(self) -> None:
        manifest, signature, key_text = (self.tag_file(p) for p in ("tagmanifest-sha256.txt", SIGNATURE_FILE,
                                                                      PUBLIC_KEY_FILE))
        if manifest is None or signature is None or key_text is None:
            return
        fields = dict(re.findall(r"^([A-Za-z-]+): (\S+)$", key_text.decode("utf-8", "replace"), re.MULTILINE))
        raw_key = b64(fields.get("Public-Key"), 32)
        if raw_key is None:
            self.fail(PUBLIC_KEY_FILE, "没有有效的 Ed25519 公钥", "holds no valid Ed25519 public key")
            return
        kid = key_id(raw_key)
        if fields.get("Key-Id") != kid or self.info.get("Signature-Key-Id", [kid]) != [kid]:
            self.fail(PUBLIC_KEY_FILE, "密钥标识与公钥不符", "Key-Id does not match the public key")
        if len(signature) != 64 or not ed25519_valid(raw_key, signature, manifest):
            self.fail(SIGNATURE_FILE, "对 tagmanifest-sha256.txt 的签名无效",
                      "the signature over tagmanifest-sha256.txt is not valid")
            return
        if self.trusted and raw_key not in self.trusted:
            self.fail(SIGNATURE_FILE, f"签名有效，但公钥 {kid} 不是受信任的公钥",
                      f"the signature is valid but key {kid} is not a trusted key")
            return
        how = ("受信任的公钥", "a trusted key") if self.trusted else \
            ("证据包内的公钥；请与平台公布的密钥标识核对", "the key in the package; compare its id with the one the platform publishes")
        self.ok(SIGNATURE_FILE, f"签名有效（Ed25519，密钥 {kid}，{how[0]}）", f"signature valid (Ed25519, key {kid}, {how[1]})")

    def check_audit(self) -> dict[int, dict[str, Any]]:
        checkpoint, proofs = self.json_file(CHECKPOINT_FILE), self.json_file(PROOFS_FILE)
        if checkpoint is None or proofs is None:
            return {}
        problems = audit_problems(checkpoint, proofs, self.trusted)
        self.problems += problems
        bad = {p.subject for p in problems}
        entries: list[Any] = proofs["entries"] if isinstance(proofs, dict) and isinstance(proofs.get("entries"), list) else []
        proven = {e["index"]: e for e in entries if isinstance(e, dict) and f"{PROOFS_FILE}#{e.get('index')}" not in bad
                  and CHECKPOINT_FILE not in bad}
        if not problems:
            self.ok(PROOFS_FILE, f"{len(proven)} 个审计条目均包含在已签名检查点（树大小 {checkpoint.get('tree_size')}）中",
                    f"{len(proven)} audit entries included in the signed checkpoint (tree size {checkpoint.get('tree_size')})")
        return proven

    def json_file(self, path: str) -> Any:
        data = self.tag_file(path)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.fail(path, "不是有效的 JSON", "is not valid JSON")
            return None

    def check_custody(self, manifests: dict[str, dict[str, str]], proven: dict[int, dict[str, Any]]) -> None:
        log = self.json_file(CUSTODY_FILE)
        if log is None:
            return
        items = log.get("items") if isinstance(log, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.fail(CUSTODY_FILE, "缺少 items 列表", "has no items list")
            return
        package_id: str | None = (self.info.get("Package-Id") or [None])[0]  # type: ignore[list-item]
        if log.get("package_id") != package_id:
            self.fail(CUSTODY_FILE, "保管记录属于其他证据包", "belongs to another package (Package-Id differs)")
        listed = set()
        for item in items:
            self.items.append(item)
            path = str(item.get("path"))
            listed.add(path)
            label = path
            read = self.payload.get(path)
            if read is None or not path.startswith("data/"):
                self.fail(label, f"证据 {item.get('item_id')} 的文件不在证据包中", f"item {item.get('item_id')}: its file is not in the package")
                continue
            size, sha256, sm3 = read
            if item.get("sha256") != manifests.get("manifest-sha256.txt", {}).get(path) or item.get("sha256") != sha256 \
                    or item.get("sm3") != manifests.get("manifest-sm3.txt", {}).get(path) or item.get("sm3") != sm3 \
                    or item.get("size") != size:
                self.fail(label, "保管记录中的哈希或大小与清单不符", "hashes or size in the custody log differ from the manifests")
            self.problems += trail_problems(item.get("events"), sha256, proven, label=label, sm3=sm3, size=size,
                                            path=path, package_id=package_id)
        for path in sorted(p for p in self.payload if p.startswith(("data/media/", "data/signatures/")) and p not in listed):
            self.fail(path, "没有保管记录", "has no custody trail")


def _sm3_hex(data: bytes) -> str:
    h = new_sm3()
    h.update(data)
    return h.hexdigest()


def verify_package(source: str | BinaryIO, trusted_keys: Iterable[bytes] = ()) -> Verification:
    """Run every check; raise Unreadable when `source` is no ZIP with a bag in it."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(f"not a readable ZIP file / 不是可读取的 ZIP 文件: {exc}") from exc
    with archive:
        verification = Verification(Bag(archive), list(trusted_keys))
        verification.run()
    return verification


# ------------------------------------------------------------------ report
def report(v: Verification, out: Any) -> None:
    failed = {p.subject for p in v.problems}
    case = (v.info.get("External-Identifier") or ["?"])[0]
    print(f"证据包 Evidence package — 案号 case {case}, Package-Id {(v.info.get('Package-Id') or ['?'])[0]}", file=out)
    print("\n== 证据包文件 Package files ==", file=out)
    for subject, zh, en in v.passed:
        if subject not in failed and not subject.startswith(("data/media/", "data/signatures/")):
            print(f"[通过 OK]   {subject}: {zh} / {en}", file=out)
    print("\n== 电子数据 Evidence items ==", file=out)
    for n, item in enumerate(v.items, 1):
        path, kind = str(item.get("path")), str(item.get("kind"))
        mark = "[失败 FAIL]" if path in failed else "[通过 OK]  "
        events: list[Any] = item["events"] if isinstance(item.get("events"), list) else []
        print(f"{mark} {n}. {KIND_ZH.get(kind, kind)} {kind}  {path}  (item {item.get('item_id')})", file=out)
        if path not in failed:
            print(f"            SHA-256 ✓  SM3 ✓  保管链 custody {len(events)} 个事件 events ✓  审计证明 audit ✓", file=out)
        for p in v.problems:
            if p.subject == path:
                print(f"            - {p.zh} / {p.en}", file=out)
    others = [p for p in v.problems if p.subject not in {str(i.get("path")) for i in v.items}]
    if others:
        print("\n== 问题 Problems ==", file=out)
        for p in others:
            print(f"[失败 FAIL] {p.subject}: {p.zh} / {p.en}", file=out)
    if v.problems:
        print(f"\n结论 Result: 验证失败 INVALID — {len(v.problems)} 处问题 problem(s)", file=out)
    else:
        print(f"\n结论 Result: 验证通过 VALID — {len(v.items)} 项电子数据 items, {len(v.payload)} 个数据文件 payload files",
              file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an evidence package / 验证电子证据包")
    parser.add_argument("package", help="the package ZIP / 证据包 ZIP 文件")
    parser.add_argument("--trusted-key", action="append", default=[], metavar="BASE64",
                        help="a trusted Ed25519 public key (base64 of 32 bytes); repeatable / 受信任的公钥")
    args = parser.parse_args(argv)
    trusted = []
    for text in args.trusted_key:
        raw = b64(text.strip(), 32)
        if raw is None:
            print(f"--trusted-key {text!r}: not base64 of a 32-byte key / 不是 32 字节公钥的 base64", file=sys.stderr)
            return EXIT_UNREADABLE
        trusted.append(raw)
    try:
        verification = verify_package(args.package, trusted)
    except Unreadable as exc:
        print(f"无法读取 Cannot read: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    report(verification, sys.stdout)
    return EXIT_MISMATCH if verification.problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
