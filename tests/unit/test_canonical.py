"""Unit tests for backend.audit.canonical (the bytes every audit hash covers)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from backend.audit.canonical import audit_leaf_bytes, canonical_json, sha256_hex, utc_timestamp
from backend.audit.checkpoint import checkpoint_body, load_private_key, sign_checkpoint
from backend.audit.merkle import (
    consistency_proof,
    encode_frontier,
    frontier_append,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
)

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_non_ascii_as_utf8():
    obj = {"b": [1, 2.5, None, True], "a": {"z": "巡检", "y": "a\"b\\c\n\u0001"}}
    expected = '{"a":{"y":"a\\"b\\\\c\\n\\u0001","z":"巡检"},"b":[1,2.5,null,true]}'
    assert canonical_json(obj) == expected.encode("utf-8")


def test_canonical_json_is_the_same_whatever_the_key_insertion_order():
    assert canonical_json({"x": 1, "a": 2}) == canonical_json({"a": 2, "x": 1}) == b'{"a":2,"x":1}'


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_canonical_json_refuses_nan_and_infinity(value):
    with pytest.raises(ValueError):
        canonical_json({"v": value})


def test_sha256_hex_is_lowercase_hex():
    assert sha256_hex(b"") == EMPTY_SHA256
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_timestamps_are_utc_with_six_fraction_digits_and_z():
    moment = datetime(2026, 11, 25, 20, 0, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    assert utc_timestamp(moment) == "2026-11-25T12:00:00.000005Z"
    with pytest.raises(ValueError):
        utc_timestamp(datetime(2026, 11, 25, 12, 0))


def test_audit_leaf_bytes_are_the_canonical_json_of_the_eight_documented_fields():
    leaf = audit_leaf_bytes(
        index=0,
        time="2026-11-25T12:00:00.000000Z",
        actor="17",
        action="task.create",
        object_type="task",
        object_id="42",
        request_id=None,
        payload_sha256=EMPTY_SHA256,
    )
    assert leaf == (
        b'{"action":"task.create","actor":"17","index":0,"object_id":"42","object_type":"task",'
        b'"payload_sha256":"' + EMPTY_SHA256.encode() + b'","request_id":null,'
        b'"time":"2026-11-25T12:00:00.000000Z"}'
    )


GOOD = dict(index=1, time="2026-11-25T12:00:00.000000Z", actor=None, action="a",
            object_type=None, object_id=None, request_id=None, payload_sha256=EMPTY_SHA256)
BAD_FIELDS = {
    "a negative index": {"index": -1},
    "a string index": {"index": "1"},
    "a time with an offset": {"time": "2026-11-25T12:00:00.000000+00:00"},
    "a numeric actor": {"actor": 17},
    "a missing action": {"action": None},
    "an uppercase payload hash": {"payload_sha256": EMPTY_SHA256.upper()},
    "a short payload hash": {"payload_sha256": EMPTY_SHA256[:-1]},
}


@pytest.mark.parametrize("override", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_audit_leaf_bytes_refuse_fields_outside_the_spec(override):
    audit_leaf_bytes(**GOOD)  # The baseline is valid...
    with pytest.raises((ValueError, TypeError)):
        audit_leaf_bytes(**{**GOOD, **override})  # ...so the override is what fails.


def test_the_worked_example_in_the_spec_is_reproduced_exactly():
    # Every number in docs/audit-log.md §9; if this fails, fix the code or the spec, never one alone.
    rows = [
        ("2026-11-25T08:30:00.000000Z", "1", "user.create", "user", "2", "3f9c2a1e7b804d55",
         {"username": "zhangwei", "name": "张伟", "roles": ["inspector"]}),
        ("2026-11-25T08:31:12.250000Z", "2", "auth.login", "user", "2", "b41d07c59e2f4a10", {}),
        ("2026-11-25T09:05:47.918273Z", None, "auth.login_failed", "user", "lina", None,
         {"reason": "bad_password"}),
    ]
    payload_hashes, hashes = [], []
    for index, (time, actor, action, otype, oid, rid, payload) in enumerate(rows):
        payload_hashes.append(sha256_hex(canonical_json(payload)))
        hashes.append(leaf_hash(audit_leaf_bytes(
            index=index, time=time, actor=actor, action=action, object_type=otype, object_id=oid,
            request_id=rid, payload_sha256=payload_hashes[-1])))
    assert payload_hashes == [
        "0993470241e23b108375ce196eabcf98ea93d67b4f4b9b239689802fc6445475",
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        "9f5ac30eb9635402f97faedb38ce42eb35d9b1cbc29703cddb2a9a6302b28385",
    ]
    d0, d1, d2 = (
        "66870ea43410f34ed3dc1acd7e92f4218fcb9aed54090aeb0bf5b0ad51c612bf",
        "1b3135dc90045f6c97185e5ba1de2329308dfe65ecfe351ada654e3e41a4b8f4",
        "2b82fa11590e35e6ea8510e80623115ca0d081ba4cde98c774b90bc8dc986dfa",
    )
    assert [h.hex() for h in hashes] == [d0, d1, d2]
    root = root_from_leaf_hashes(hashes)
    assert root.hex() == "5dda69b2aa54921de6441bb3c884efad06eb09c9d38d4d2341d55ba52b85a545"
    assert [p.hex() for p in inclusion_proof(1, hashes)] == [d0, d2]
    assert [p.hex() for p in consistency_proof(2, hashes)] == [d2]
    assert [p.hex() for p in consistency_proof(1, hashes)] == [d1, d2]
    frontier: list = []
    for h in hashes:
        frontier = frontier_append(frontier, h)
    assert encode_frontier(frontier) == (
        "1:98333585f26f96698c506e3460d078ac41ce004bf8f0108559f4f5e3a822d91a," + "0:" + d2)
    body = checkpoint_body("taian-inspection/audit", 3, root, "2026-11-25T09:05:47.918273Z")
    assert body == (b"taian-inspection/audit\n3\nXdppsqpUkh3mRBuzyITvrQbrCcnTjU0jQdVbpSuFpUU=\n"
                    b"2026-11-25T09:05:47.918273Z\n")
    rfc8032_test_key = load_private_key("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
    assert base64.b64encode(sign_checkpoint(rfc8032_test_key, body)).decode() == (
        "AP38eRkVzaLYCM4M7mtSLhvyh+uF8kzElS45nEQc7C2o+TYIhfbkqXvjmgKl7kAu0E4tibfjtgLV+0YBV1VkBw==")
