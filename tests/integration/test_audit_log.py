"""The tamper-evident audit log: entries, signed checkpoints, Merkle proofs, append-only tables, `audit verify`."""
from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from backend.audit import merkle
from backend.audit.canonical import audit_leaf_bytes, canonical_json, sha256_hex
from backend.audit.checkpoint import (checkpoint_body, generate_private_key_b64, key_id, load_private_key,
                                      load_public_key, parse_checkpoint_body, public_key_b64, sign_checkpoint,
                                      verify_checkpoint)
from backend.audit.model import AuditEntry
from backend.db import db
from tests.support.apps import OWN_DEPARTMENT, PASSWORD

AUDIT = "/api/v1/audit"
TOKEN = "/api/v1/auth/token"


def assert_problem(resp, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.get_json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def checkpoint(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    resp = client.get(f"{AUDIT}/checkpoint")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def entry_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0


def all_entries(client, headers: dict[str, str]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = client.get(f"{AUDIT}/entries", query_string={"page_size": 100}, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return sorted(resp.get_json(), key=lambda e: e["index"])


def signature_verifies(client, cp: dict[str, Any]) -> bool:  # type: ignore[no-untyped-def]
    key = load_public_key(client.get(f"{AUDIT}/public-key").get_json()["public_key"])
    return verify_checkpoint(key, cp["body"].encode("utf-8"), base64.b64decode(cp["signature"]))


def sign_in(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(TOKEN, json={"username": username, "password": password})


def raw_sql(app: Flask, statement: str, **params: Any) -> None:
    with app.extensions["ssgk.engine"].begin() as conn:
        conn.execute(sa.text(statement), params)


def drop_guards(app: Flask, engine_kind: str, table: str) -> None:
    """Remove the append-only triggers, as an attacker with database access could."""
    if engine_kind == "sqlite":
        raw_sql(app, f"DROP TRIGGER {table}_no_update")
        raw_sql(app, f"DROP TRIGGER {table}_no_delete")
    else:
        raw_sql(app, f"DROP TRIGGER {table}_no_change ON {table}")


@pytest.fixture
def auditor(make_user, auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    make_user("auditor", "auditor", department="statistics")
    return auth_headers("auditor")


@pytest.fixture
def history(app, client, make_user, auditor) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """A log of a dozen entries of mixed kinds; returns every checkpoint seen, tree size -> root hash."""
    seen = {}
    steps: list[Callable[[], Any]] = [
        lambda: make_user("root", "system_admin"),
        lambda: make_user("insp", "inspector"),
        lambda: sign_in(client, "insp"),
        lambda: sign_in(client, "insp", "wrong-password"),
        lambda: sign_in(client, "nobody"),
        lambda: make_user("lead", "team_lead"),
        lambda: sign_in(client, "root"),
        lambda: sign_in(client, "lead"),
        lambda: make_user("other", "inspector", department="ecology"),
    ]
    cp = checkpoint(client)
    seen[cp["tree_size"]] = cp["root_hash"]
    for step in steps:
        step()
        cp = checkpoint(client)
        seen[cp["tree_size"]] = cp["root_hash"]
    assert cp["tree_size"] == entry_count(app) >= 11
    return seen


# --- every change appends an entry and a checkpoint ---------------------------------


# Each preparer sets the scene and returns the one request under test.


def _refresh_token(client, make_user) -> str:  # type: ignore[no-untyped-def]
    make_user("insp", "inspector")
    return sign_in(client, "insp").get_json()["refresh_token"]


def _admin_headers(client, make_user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    make_user("root", "system_admin")
    make_user("insp", "inspector")
    return {"Authorization": f"Bearer {sign_in(client, 'root').get_json()['access_token']}"}


def _sign_in(client, make_user):  # type: ignore[no-untyped-def]
    make_user("insp", "inspector")
    return lambda: sign_in(client, "insp")


def _failed_sign_in(client, make_user):  # type: ignore[no-untyped-def]
    make_user("insp", "inspector")
    return lambda: sign_in(client, "insp", "wrong-password")


def _refresh(client, make_user):  # type: ignore[no-untyped-def]
    token = _refresh_token(client, make_user)
    return lambda: client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _reuse(client, make_user):  # type: ignore[no-untyped-def]
    token = _refresh_token(client, make_user)
    client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    return lambda: client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _sign_out(client, make_user):  # type: ignore[no-untyped-def]
    token = _refresh_token(client, make_user)
    return lambda: client.post("/api/v1/auth/logout", json={"refresh_token": token})


def _create_user(client, make_user):  # type: ignore[no-untyped-def]
    headers = _admin_headers(client, make_user)
    body = {"username": "newbie", "display_name": "N", "password": "a-long-password",
            "department": OWN_DEPARTMENT, "roles": ["inspector"]}
    return lambda: client.post("/api/v1/users", headers=headers, json=body)


def _update_user(client, make_user):  # type: ignore[no-untyped-def]
    headers = _admin_headers(client, make_user)
    etag = client.get("/api/v1/users/2", headers=headers).headers["ETag"]
    return lambda: client.patch("/api/v1/users/2", json={"display_name": "New"}, headers={**headers, "If-Match": etag})


OPERATIONS = [
    pytest.param(_sign_in, "auth.login", 200, id="sign-in"),
    pytest.param(_failed_sign_in, "auth.login_failed", 401, id="failed-sign-in"),
    pytest.param(_refresh, "auth.refresh", 200, id="refresh"),
    pytest.param(_reuse, "auth.refresh_reuse", 401, id="refresh-reuse"),
    pytest.param(_sign_out, "auth.logout", 204, id="sign-out"),
    pytest.param(_create_user, "user.create", 201, id="create-user"),
    pytest.param(_update_user, "user.update", 200, id="update-user"),
]


@pytest.mark.parametrize(("prepare", "action", "status"), OPERATIONS)
def test_every_sign_in_and_user_change_appends_one_entry_and_a_new_signed_checkpoint(
        app, client, make_user, prepare, action, status):
    act = prepare(client, make_user)
    before = checkpoint(client)
    assert before["tree_size"] == entry_count(app)
    resp = act()
    assert resp.status_code == status, resp.get_data(as_text=True)
    after = checkpoint(client)
    assert after["tree_size"] == before["tree_size"] + 1 == entry_count(app)
    assert after["root_hash"] != before["root_hash"]
    assert signature_verifies(client, after)
    with app.app_context():
        newest = db.session.get(AuditEntry, after["tree_size"] - 1)
        assert newest is not None
        assert newest.action == action


def test_a_refused_request_appends_nothing(app, client, make_user):
    make_user("insp", "inspector")
    before = checkpoint(client)
    client.post(TOKEN, json={"username": "insp"})  # 422: no password
    client.post("/api/v1/auth/logout", json={"refresh_token": "unknown"})  # nothing to end
    assert checkpoint(client) == before


def test_an_entry_records_who_did_it_and_the_request_it_came_from(app, client, make_user):
    make_user("root", "system_admin")
    token = sign_in(client, "root").get_json()["access_token"]
    resp = client.post("/api/v1/users", headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-create-0001"},
                       json={"username": "newbie", "display_name": "N", "password": "a-long-password",
                             "department": OWN_DEPARTMENT, "roles": ["inspector"]})
    assert resp.status_code == 201
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.leaf_index.desc()).limit(1)).one()
    assert (entry.action, entry.object_type, entry.object_id) == ("user.create", "user", str(resp.get_json()["id"]))
    assert entry.actor == "1"  # root was the first user
    assert entry.request_id == "req-create-0001"


def test_an_entry_commits_to_the_change_but_never_to_the_password(app, client, make_user, auth_headers):
    make_user("root", "system_admin")
    body = {"username": "newbie", "display_name": "N", "password": "a-long-password",
            "department": OWN_DEPARTMENT, "roles": ["inspector"]}
    client.post("/api/v1/users", headers=auth_headers("root"), json=body)
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.create")
                                   .order_by(AuditEntry.leaf_index.desc()).limit(1)).one()
    without_password = {k: v for k, v in body.items() if k != "password"} | {"jurisdiction": None}
    assert entry.payload_sha256 == sha256_hex(canonical_json(without_password))
    assert entry.payload_sha256 != sha256_hex(canonical_json(body | {"jurisdiction": None}))


# --- checkpoints ------------------------------------------------------------------------


def test_before_anything_happens_the_log_is_empty(client):
    assert_problem(client.get(f"{AUDIT}/checkpoint"), 404, "audit.empty")


def test_the_checkpoint_is_public_and_its_signature_verifies_with_the_public_key(client, history):
    cp = checkpoint(client)  # no Authorization header
    key_resp = client.get(f"{AUDIT}/public-key")
    assert key_resp.status_code == 200
    public_key = load_public_key(key_resp.get_json()["public_key"])
    assert cp["key_id"] == key_resp.get_json()["key_id"] == key_id(public_key)
    assert verify_checkpoint(public_key, cp["body"].encode("utf-8"), base64.b64decode(cp["signature"]))


def test_the_signed_body_states_the_size_root_time_and_origin_of_the_checkpoint(app, client, history):
    cp = checkpoint(client)
    parsed = parse_checkpoint_body(cp["body"].encode("utf-8"))
    assert parsed.origin == cp["origin"] == app.config["AUDIT_ORIGIN"]
    assert parsed.tree_size == cp["tree_size"]
    assert parsed.root.hex() == cp["root_hash"]
    assert parsed.timestamp == cp["timestamp"]


def test_a_checkpoint_with_a_changed_root_no_longer_verifies(client, history):
    cp = checkpoint(client)
    key = load_public_key(client.get(f"{AUDIT}/public-key").get_json()["public_key"])
    forged = checkpoint_body(cp["origin"], cp["tree_size"], bytes(32), cp["timestamp"])
    assert not verify_checkpoint(key, forged, base64.b64decode(cp["signature"]))


def test_the_public_key_belongs_to_the_configured_signing_key(app, client):
    served = client.get(f"{AUDIT}/public-key").get_json()
    private = load_private_key(app.config["AUDIT_SIGNING_KEY"])
    assert served["key_id"] == key_id(private.public_key())


def test_the_checkpoint_root_is_the_merkle_root_of_every_stored_leaf(client, history, auditor):
    entries = all_entries(client, auditor)
    cp = checkpoint(client)
    assert [e["index"] for e in entries] == list(range(cp["tree_size"]))
    root = merkle.root_from_leaf_hashes([bytes.fromhex(e["leaf_hash"]) for e in entries])
    assert root.hex() == cp["root_hash"]


def test_every_leaf_hash_is_recomputable_from_the_entry_fields(client, history, auditor):
    for e in all_entries(client, auditor):
        data = audit_leaf_bytes(index=e["index"], time=e["time"], actor=e["actor"], action=e["action"],
                                object_type=e["object_type"], object_id=e["object_id"],
                                request_id=e["request_id"], payload_sha256=e["payload_sha256"])
        assert merkle.leaf_hash(data).hex() == e["leaf_hash"], e


# --- proofs ---------------------------------------------------------------------------------


def test_every_entry_has_an_inclusion_proof_that_verifies_against_the_checkpoint(client, history, auditor):
    cp = checkpoint(client)
    root = bytes.fromhex(cp["root_hash"])
    for index in range(cp["tree_size"]):
        resp = client.get(f"{AUDIT}/entries/{index}/proof", headers=auditor)
        assert resp.status_code == 200, resp.get_json()
        proof = resp.get_json()
        assert (proof["index"], proof["tree_size"]) == (index, cp["tree_size"])
        path = [bytes.fromhex(h) for h in proof["proof"]]
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert merkle.verify_inclusion(index, cp["tree_size"], leaf, path, root), index
        # ... and the same proof does not vouch for another position or another leaf.
        assert not merkle.verify_inclusion((index + 1) % cp["tree_size"], cp["tree_size"], leaf, path, root)
        assert not merkle.verify_inclusion(index, cp["tree_size"], merkle.leaf_hash(b"forged"), path, root)


def test_an_inclusion_proof_in_an_older_checkpoint_verifies_against_its_root(client, history, auditor):
    for size, root_hex in history.items():
        if size == 0:
            continue
        for index in {0, size // 2, size - 1}:
            resp = client.get(f"{AUDIT}/entries/{index}/proof", query_string={"tree_size": size}, headers=auditor)
            assert resp.status_code == 200, resp.get_json()
            proof = resp.get_json()
            assert proof["tree_size"] == size
            assert merkle.verify_inclusion(index, size, bytes.fromhex(proof["leaf_hash"]),
                                           [bytes.fromhex(h) for h in proof["proof"]], bytes.fromhex(root_hex))


def test_an_entry_beyond_the_tree_has_no_inclusion_proof(client, history, auditor):
    size = checkpoint(client)["tree_size"]
    assert_problem(client.get(f"{AUDIT}/entries/{size}/proof", headers=auditor), 422, "audit.index_out_of_range")
    assert_problem(client.get(f"{AUDIT}/entries/5/proof", query_string={"tree_size": 3}, headers=auditor),
                   422, "audit.index_out_of_range")


def test_a_tree_size_without_a_checkpoint_has_no_proofs(client, history, auditor):
    missing = checkpoint(client)["tree_size"] + 5
    assert_problem(client.get(f"{AUDIT}/entries/0/proof", query_string={"tree_size": missing}, headers=auditor),
                   404, "audit.no_checkpoint")
    assert_problem(client.get(f"{AUDIT}/consistency", query_string={"first": 1, "second": missing}, headers=auditor),
                   404, "audit.no_checkpoint")


def test_consistency_proofs_between_every_two_checkpoints_verify(client, history, auditor):
    sizes = sorted(s for s in history if s > 0)
    assert len(sizes) >= 8
    for first, second in itertools.combinations(sizes, 2):
        resp = client.get(f"{AUDIT}/consistency", query_string={"first": first, "second": second}, headers=auditor)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert (body["first"], body["second"]) == (first, second)
        proof = [bytes.fromhex(h) for h in body["proof"]]
        old_root, new_root = bytes.fromhex(history[first]), bytes.fromhex(history[second])
        assert merkle.verify_consistency(first, second, old_root, new_root, proof), (first, second)
        # A different history for the old tree is caught.
        assert not merkle.verify_consistency(first, second, merkle.leaf_hash(b"rewritten"), new_root, proof)


def test_a_consistency_proof_from_the_empty_tree_is_empty(client, history, auditor):
    size = checkpoint(client)["tree_size"]
    resp = client.get(f"{AUDIT}/consistency", query_string={"first": 0, "second": size}, headers=auditor)
    assert resp.status_code == 200
    assert resp.get_json()["proof"] == []


def test_a_consistency_range_running_backwards_is_refused(client, history, auditor):
    sizes = sorted(s for s in history if s > 0)
    resp = client.get(f"{AUDIT}/consistency", query_string={"first": sizes[-1], "second": sizes[0]}, headers=auditor)
    assert_problem(resp, 422, "audit.bad_range")


@pytest.mark.parametrize("query", [{"first": "1.5", "second": "3"}, {"first": "x", "second": "3"}, {"second": "3"},
                                   {"first": "-1", "second": "3"}])
def test_consistency_query_values_must_be_whole_numbers(client, history, auditor, query):
    resp = client.get(f"{AUDIT}/consistency", query_string=query, headers=auditor)
    assert_problem(resp, 422, "validation.failed")


# --- who may read entries ---------------------------------------------------------------------


@pytest.mark.parametrize(("url"), [f"{AUDIT}/entries", f"{AUDIT}/entries/0/proof",
                                   f"{AUDIT}/consistency?first=1&second=2"])
def test_an_inspector_may_not_read_entries_or_proofs(client, make_user, auth_headers, history, url):
    assert_problem(client.get(url, headers=auth_headers("insp")), 403, "auth.forbidden")


@pytest.mark.parametrize(("url"), [f"{AUDIT}/entries", f"{AUDIT}/entries/0/proof"])
def test_reading_entries_needs_a_sign_in(client, history, url):
    assert_problem(client.get(url), 401, "auth.required")


@pytest.mark.parametrize("username", ["auditor", "root"])
def test_auditors_and_system_admins_read_the_entries_newest_first(client, auth_headers, history, username):
    resp = client.get(f"{AUDIT}/entries", query_string={"page_size": 100}, headers=auth_headers(username))
    assert resp.status_code == 200
    indexes = [e["index"] for e in resp.get_json()]
    assert indexes == sorted(indexes, reverse=True)
    assert indexes[0] == checkpoint(client)["tree_size"] - 1


def test_entries_can_be_filtered_by_object(client, history, auditor):
    resp = client.get(f"{AUDIT}/entries", query_string={"object_type": "user", "object_id": "2"}, headers=auditor)
    entries = resp.get_json()
    assert entries
    assert {(e["object_type"], e["object_id"]) for e in entries} == {("user", "2")}
    assert {e["action"] for e in entries} >= {"user.create", "auth.login"}


# --- the database keeps the tables append-only ------------------------------------------------


_FORGERY = {"audit_entry": "action = 'forged'", "audit_checkpoint": "root_hash = '00'"}


@pytest.mark.parametrize("table", ["audit_entry", "audit_checkpoint"])
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_database_refuses_to_change_or_delete_audit_rows(app, client, history, table, verb):
    before = checkpoint(client)
    entries = entry_count(app)
    statement = f"UPDATE {table} SET {_FORGERY[table]}" if verb == "UPDATE" else f"DELETE FROM {table}"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        raw_sql(app, statement)
    assert checkpoint(client) == before
    assert entry_count(app) == entries


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["audit_entry", "audit_checkpoint"])
def test_postgresql_refuses_to_truncate_audit_tables(app, engine_kind, history, table):
    if engine_kind != "postgresql":
        pytest.skip("TRUNCATE triggers exist on PostgreSQL only (SQLite has no TRUNCATE)")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        raw_sql(app, f"TRUNCATE {table}")


def test_the_database_still_accepts_new_audit_rows(app, client, make_user):
    # Append-only is not read-only: the triggers must not stop the log from growing.
    make_user("insp", "inspector")
    sign_in(client, "insp")
    assert entry_count(app) == 2


# --- `flask audit verify` -------------------------------------------------------------------------


def _entry_index_named(output: str, index: int) -> bool:
    return re.search(rf"\bentry {index}\b", output) is not None


def test_verify_passes_on_an_untouched_log(runner, client, history):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    size = checkpoint(client)["tree_size"]
    assert f"{size} entries" in result.output
    assert "OK" in result.output


def test_verify_passes_on_an_empty_log(runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 entries" in result.output


@pytest.mark.parametrize("victim", [0, 4, -1], ids=["first", "middle", "last"])
def test_verify_fails_and_names_the_entry_whose_action_was_altered(app, runner, client, engine_kind, history, victim):
    index = victim % checkpoint(client)["tree_size"]
    drop_guards(app, engine_kind, "audit_entry")
    raw_sql(app, "UPDATE audit_entry SET action = 'user.nothing_to_see' WHERE leaf_index = :i", i=index)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "FAILED" in result.output
    assert _entry_index_named(result.output, index), result.output


def test_verify_fails_when_a_checkpoint_root_was_altered(app, runner, client, engine_kind, history):
    sizes = sorted(s for s in history if s > 0)
    target = sizes[len(sizes) // 2]
    drop_guards(app, engine_kind, "audit_checkpoint")
    raw_sql(app, "UPDATE audit_checkpoint SET root_hash = :h WHERE tree_size = :s", h="ab" * 32, s=target)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"checkpoint at tree size {target}" in result.output


def test_verify_fails_when_the_newest_entry_was_deleted(app, runner, client, engine_kind, history):
    size = checkpoint(client)["tree_size"]
    drop_guards(app, engine_kind, "audit_entry")
    raw_sql(app, "DELETE FROM audit_entry WHERE leaf_index = :i", i=size - 1)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "missing" in result.output


def test_verify_fails_when_an_entry_was_slipped_in_without_a_checkpoint(app, runner, client, history):
    # INSERT is allowed by the triggers; a well-formed extra leaf still lacks a signed checkpoint.
    size = checkpoint(client)["tree_size"]
    fields = dict(index=size, time="2026-11-25T12:00:00.000000Z", actor="1", action="user.create",
                  object_type="user", object_id="99", request_id=None, payload_sha256="0" * 64)
    leaf = merkle.leaf_hash(audit_leaf_bytes(**fields)).hex()
    raw_sql(app, "INSERT INTO audit_entry (leaf_index, time, actor, action, object_type, object_id, request_id, "
                 "payload_sha256, leaf_hash) VALUES (:index, :time, :actor, :action, :object_type, :object_id, "
                 ":request_id, :payload_sha256, :leaf)", **fields, leaf=leaf)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "not covered by a signed checkpoint" in result.output


def test_verify_fails_when_a_checkpoint_was_signed_by_another_key(app, runner, client, auditor, history):
    # A forger appends an entry and a correctly built checkpoint, but cannot use the real key.
    entries = all_entries(client, auditor)
    size = len(entries)
    fields = dict(index=size, time="2026-11-25T12:00:00.000000Z", actor="1", action="user.create",
                  object_type="user", object_id="99", request_id=None, payload_sha256="0" * 64)
    leaf = merkle.leaf_hash(audit_leaf_bytes(**fields))
    root = merkle.root_from_leaf_hashes([bytes.fromhex(e["leaf_hash"]) for e in entries] + [leaf])
    rogue = load_private_key(generate_private_key_b64())
    body = checkpoint_body(app.config["AUDIT_ORIGIN"], size + 1, root, fields["time"])
    raw_sql(app, "INSERT INTO audit_entry (leaf_index, time, actor, action, object_type, object_id, request_id, "
                 "payload_sha256, leaf_hash) VALUES (:index, :time, :actor, :action, :object_type, :object_id, "
                 ":request_id, :payload_sha256, :leaf)", **fields, leaf=leaf.hex())
    raw_sql(app, "INSERT INTO audit_checkpoint (tree_size, root_hash, timestamp, origin, key_id, signature, frontier) "
                 "VALUES (:s, :r, :t, :o, :k, :sig, '')", s=size + 1, r=root.hex(), t=fields["time"],
            o=app.config["AUDIT_ORIGIN"], k=key_id(rogue.public_key()),
            sig=base64.b64encode(sign_checkpoint(rogue, body)).decode())
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"checkpoint at tree size {size + 1}" in result.output
    assert "unknown key" in result.output



@pytest.fixture
def rotated_key(app: Flask):  # type: ignore[no-untyped-def]
    """Switch the signing key as an operator rotating it would; yields the old key's public half."""
    old_seed, old_retired = app.config["AUDIT_SIGNING_KEY"], app.config["AUDIT_RETIRED_PUBLIC_KEYS"]
    old_public = public_key_b64(load_private_key(old_seed))
    app.config["AUDIT_SIGNING_KEY"] = generate_private_key_b64()
    app.extensions.pop("ssgk.audit_key", None)
    yield old_public
    app.config["AUDIT_SIGNING_KEY"], app.config["AUDIT_RETIRED_PUBLIC_KEYS"] = old_seed, old_retired
    app.extensions.pop("ssgk.audit_key", None)


def test_after_a_key_rotation_old_checkpoints_verify_against_the_retired_key(app, runner, client, history,
                                                                                rotated_key, make_user):
    make_user("after_rotation", "inspector")  # a new entry, checkpointed by the new key
    app.config["AUDIT_RETIRED_PUBLIC_KEYS"] = [rotated_key]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    served = client.get("/api/v1/audit/public-key").get_json()
    assert served["retired"] == [{"key_id": key_id(load_public_key(rotated_key)), "public_key": rotated_key}]


def test_after_a_key_rotation_without_the_retired_key_old_checkpoints_fail(app, runner, client, history,
                                                                            rotated_key, make_user):
    make_user("after_rotation", "inspector")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "unknown key" in result.output


def test_a_malformed_retired_key_stops_the_configuration_with_its_name(tmp_path):
    from backend.config import load_config

    with pytest.raises(RuntimeError, match="AUDIT_RETIRED_PUBLIC_KEYS"):
        load_config(tmp_path, {"APP_ENV": "test", "AUDIT_RETIRED_PUBLIC_KEYS": "not-a-key"})
