"""The standalone verifier names every file or item that does not match, and only those."""
from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.audit import merkle
from backend.evidence import verify
from tests.support.evidence_packages import (  # noqa: F401  (built_package is a fixture)
    Built,
    built_package_fixture,
    members,
    repack,
    reseal,
    sample_key,
)

VERIFY_PY = Path(verify.__file__)


def check(package: bytes, *trusted: bytes) -> verify.Verification:
    return verify.verify_package(io.BytesIO(package), trusted)


def subjects(result: verify.Verification) -> set[str]:
    return {p.subject for p in result.problems}


def flip(data: bytes, at: float = 0.5) -> bytes:
    i = int(len(data) * at)
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


def first(files: dict[str, bytes], prefix: str) -> str:
    return next(p for p in files if p.startswith(prefix))


# What a byte flipped in each kind of file is named as (the file itself, or what it breaks).
FLIPS = {
    "a photo": ("data/media/", None),
    "a signature image": ("data/signatures/", None),
    "a PDF": ("data/documents/02-", None),
    "manifest-sha256.txt": ("manifest-sha256.txt", None),
    "manifest-sm3.txt": ("manifest-sm3.txt", None),
    "the custody log": ("data/custody/custody-log.json", None),
    "proofs.json": ("data/audit/proofs.json", None),
    "checkpoint.json": ("data/audit/checkpoint.json", None),
    "the signature": ("signature/tagmanifest-sha256.txt.sig", None),
    "the public key": ("signature/public-key.txt", None),
    "bag-info.txt": ("bag-info.txt", None),
    "tagmanifest-sha256.txt": ("tagmanifest-sha256.txt", "signature/tagmanifest-sha256.txt.sig"),
    "tagmanifest-sm3.txt": ("tagmanifest-sm3.txt", None),
    "the readme": ("README-验证说明.txt", None),
    "the bundled verifier": ("tools/verify.py", None),
}


@pytest.mark.parametrize("prefix, also", FLIPS.values(), ids=FLIPS.keys())
def test_one_flipped_byte_in_any_file_is_found_and_the_file_named(built_package: Built, prefix: str,
                                                                   also: str | None) -> None:
    files = members(built_package.package)
    path = first(files, prefix)
    files[path] = flip(files[path])
    result = check(repack(files))
    names = subjects(result)
    assert path in names or any(path in p.zh and path in p.en for p in result.problems), result.problems
    if also:
        assert also in names


def test_a_flipped_byte_in_the_archive_itself_names_the_corrupt_member(built_package: Built) -> None:
    files = members(built_package.package)
    photo = first(files, "data/media/")
    data = bytearray(built_package.package)
    at = bytes(data).index(files[photo][1000:1032]) + 10  # inside the stored (uncompressed) photo
    data[at] ^= 0x01
    result = check(bytes(data))
    assert photo in subjects(result)
    assert any("corrupt" in p.en for p in result.problems if p.subject == photo)


def test_a_missing_payload_file_is_named(built_package: Built) -> None:
    files = members(built_package.package)
    gone = first(files, "data/media/")
    del files[gone]
    result = check(repack(files))
    assert gone in subjects(result)
    assert any("missing" in p.en for p in result.problems if p.subject == gone)


def test_an_extra_payload_file_is_named(built_package: Built) -> None:
    files = members(built_package.package)
    files["data/media/planted.jpg"] = b"\xff\xd8\xff planted"
    result = check(repack(files))
    assert "data/media/planted.jpg" in subjects(result)
    assert any("extra file" in p.en for p in result.problems if p.subject == "data/media/planted.jpg")


def test_an_extra_tag_file_is_named(built_package: Built) -> None:
    files = members(built_package.package)
    files["notes.txt"] = b"added later"
    assert "notes.txt" in subjects(check(repack(files)))


def test_a_package_resealed_with_another_key_passes_only_until_the_real_key_is_trusted(built_package: Built) -> None:
    files = members(built_package.package)
    files["data/documents/01-现场笔录.pdf"] = files["data/documents/01-现场笔录.pdf"] + b"%forged"
    forged = repack(reseal(files, Ed25519PrivateKey.generate()))
    assert check(forged).problems == []  # internally consistent: only a pinned key tells
    real_key = sample_key().public_key().public_bytes_raw()
    result = check(forged, real_key)
    assert subjects(result) == {"signature/tagmanifest-sha256.txt.sig"}
    assert check(built_package.package, real_key).problems == []


def _custody(files: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return json.loads(files["data/custody/custody-log.json"])


def _events_swapped(log: dict) -> None:  # type: ignore[type-arg]
    events = log["items"][0]["events"]
    events[2]["at"], events[3]["at"] = events[3]["at"], events[2]["at"]


def _capture_dropped(log: dict) -> None:  # type: ignore[type-arg]
    events = log["items"][0]["events"]
    del events[0]
    for seq, event in enumerate(events, 1):
        event["seq"] = seq


def _export_not_last(log: dict) -> None:  # type: ignore[type-arg]
    events = log["items"][0]["events"]
    events[-1], events[-2] = events[-2], events[-1]
    events[-1]["seq"], events[-2]["seq"] = events[-2]["seq"], events[-1]["seq"]


def _capture_hash_changed(log: dict) -> None:  # type: ignore[type-arg]
    log["items"][0]["events"][0]["sha256"] = "0" * 64


def _platform_event_edited(log: dict) -> None:  # type: ignore[type-arg]
    log["items"][0]["events"][2]["payload"]["details"]["size"] += 1


def _audit_index_moved(log: dict) -> None:  # type: ignore[type-arg]
    log["items"][0]["events"][2]["audit_index"] = log["items"][1]["events"][2]["audit_index"]


def _receipt_removed(log: dict) -> None:  # type: ignore[type-arg]
    events = log["items"][0]["events"]
    del events[2]
    for seq, event in enumerate(events, 1):
        event["seq"] = seq


CUSTODY_TAMPERING = {
    "two events out of time order": (_events_swapped, "time order"),
    "no capture on the device first": (_capture_dropped, "capture on the device"),
    "the export not last": (_export_not_last, "not this export"),
    "a capture hash unlike the manifest's": (_capture_hash_changed, "differs from the manifest"),
    "a platform event edited after the fact": (_platform_event_edited, "payload_sha256"),
    "a platform event pointing at another file's audit entry": (_audit_index_moved, "differs from audit entry"),
    "the platform's receipt removed": (_receipt_removed, "upload_completed"),
}


@pytest.mark.parametrize("tamper, message", CUSTODY_TAMPERING.values(), ids=CUSTODY_TAMPERING.keys())
def test_a_custody_trail_rewritten_and_resealed_is_refused_naming_the_item(built_package: Built, tamper,  # type: ignore[no-untyped-def]
                                                                          message: str) -> None:
    files = members(built_package.package)
    log = _custody(files)
    tamper(log)
    files["data/custody/custody-log.json"] = json.dumps(log, ensure_ascii=False).encode()
    result = check(repack(reseal(files, sample_key())))
    photo = log["items"][0]["path"]
    assert subjects(result) == {photo}, result.problems
    assert any(message in p.en for p in result.problems)


def test_an_audit_entry_rewritten_and_resealed_breaks_its_inclusion_proof(built_package: Built) -> None:
    files = members(built_package.package)
    proofs = json.loads(files["data/audit/proofs.json"])
    entry = proofs["entries"][1]
    entry["actor"] = "99"
    fields = {k: entry[k] for k in ("index", "time", "actor", "action", "object_type", "object_id",
                                    "request_id", "payload_sha256")}
    entry["leaf_hash"] = merkle.leaf_hash(verify.canonical_json(fields)).hex()
    files["data/audit/proofs.json"] = json.dumps(proofs).encode()
    result = check(repack(reseal(files, sample_key())))
    assert f"data/audit/proofs.json#{entry['index']}" in subjects(result)
    # The custody events that entry proves are no longer proven either.
    assert any("no proven audit entry" in p.en for p in result.problems)


def test_inclusion_checks_agree_with_the_platforms_merkle_code() -> None:
    rng = random.Random(8493)
    for size in range(1, 40):
        leaves = [hashlib.sha256(bytes([i, size])).digest() for i in range(size)]
        root = merkle.root_from_leaf_hashes(leaves)
        index = rng.randrange(size)
        proof = merkle.inclusion_proof(index, leaves)
        assert verify.verify_inclusion(index, size, leaves[index], proof, root)
        for args in ((index, size, leaves[(index + 1) % size], proof, root),  # another leaf
                     (index, size + 1, leaves[index], proof, root),  # another size (§8.5: only the signature binds it)
                     ((index + 1) % size, size, leaves[index], proof, root),  # another position
                     (index, size, leaves[index], proof[:-1], root)):  # a shortened path
            assert verify.verify_inclusion(*args) == merkle.verify_inclusion(*args)


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(VERIFY_PY.read_text(encoding="utf-8"))
    roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    roots |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


def test_the_verifier_runs_as_a_lone_file_and_exits_0_1_or_2(built_package: Built, tmp_path: Path) -> None:
    lone = tmp_path / "verify.py"
    lone.write_bytes(VERIFY_PY.read_bytes())
    good, bad, junk = tmp_path / "good.zip", tmp_path / "bad.zip", tmp_path / "junk.zip"
    good.write_bytes(built_package.package)
    files = members(built_package.package)
    photo = first(files, "data/media/")
    files[photo] = flip(files[photo])
    bad.write_bytes(repack(files))
    junk.write_bytes(b"not a zip")
    key = base64.b64encode(sample_key().public_key().public_bytes_raw()).decode()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(lone), *args], capture_output=True, text=True, cwd=tmp_path,
                              check=False, timeout=60)

    ok = run(str(good), "--trusted-key", key)
    assert ok.returncode == 0 and "验证通过 VALID" in ok.stdout and "受信任的公钥" in ok.stdout
    mismatch = run(str(bad))
    assert mismatch.returncode == 1 and "验证失败 INVALID" in mismatch.stdout
    assert f"[失败 FAIL] 1. 照片 photo  {photo}" in mismatch.stdout or photo in mismatch.stdout
    assert run(str(junk)).returncode == 2
    assert run(str(good), "--trusted-key", "short").returncode == 2


def test_two_members_with_one_name_are_refused(built_package: Built) -> None:
    files = members(built_package.package)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in files.items():
            archive.writestr(f"bag/{path}", data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("bag/bagit.txt", b"again")
    with pytest.raises(verify.Unreadable, match="same name"):
        check(out.getvalue())


def test_a_path_leaving_the_bag_is_refused(built_package: Built) -> None:
    files = members(built_package.package)
    files["data/../../etc/passwd"] = b"root"
    with pytest.raises(verify.Unreadable, match="unsafe path"):
        check(repack(files))
