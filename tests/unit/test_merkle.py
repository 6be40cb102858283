"""Unit tests for backend.audit.merkle (RFC 6962 / RFC 9162 Merkle trees).

The module's fast iterative code is checked against a literal transcription
of the RFC's recursive definitions (below) and against the published
certificate-transparency test vectors.
"""

from __future__ import annotations

import hashlib
import random

import pytest

from backend.audit.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    decode_frontier,
    encode_frontier,
    frontier_append,
    frontier_root,
    frontier_size,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# --- The RFC 6962 §2.1 definitions, transcribed as literally as possible ----


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + rfc_mth(d[:k]) + rfc_mth(d[k:])).digest()


def rfc_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return rfc_path(m, d[:k]) + [rfc_mth(d[k:])]
    return rfc_path(m - k, d[k:]) + [rfc_mth(d[:k])]


def rfc_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [rfc_mth(d)]
    k = _k(len(d))
    if m <= k:
        return rfc_subproof(m, d[:k], b) + [rfc_mth(d[k:])]
    return rfc_subproof(m - k, d[k:], False) + [rfc_mth(d[:k])]


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(b"entry %d" % i) for i in range(n)]


def flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


# --- Published vectors (certificate-transparency reference tests) ----------

CT_LEAF_DATA = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_LEAVES = [leaf_hash(x) for x in CT_LEAF_DATA]
CT_ROOTS = {  # tree size -> root
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
CT_INCLUSION = [  # (index, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def test_the_empty_tree_root_is_the_sha256_of_the_empty_string():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_from_leaf_hashes([]) == EMPTY_ROOT
    assert frontier_root([]) == EMPTY_ROOT


def test_leaf_and_node_hashes_use_the_0x00_and_0x01_prefixes():
    a, b = b"\xaa" * 32, b"\xbb" * 32
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert leaf_hash(a + b) != node_hash(a, b)  # Domain separation.


@pytest.mark.parametrize("size", sorted(CT_ROOTS))
def test_roots_match_the_certificate_transparency_reference_vectors(size):
    assert root_from_leaf_hashes(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_match_the_certificate_transparency_reference_vectors(index, size, path):
    proof = inclusion_proof(index, CT_LEAVES[:size])
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(CT_ROOTS[size])
    assert verify_inclusion(index, size, CT_LEAVES[index], proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_certificate_transparency_reference_vectors(old, new, path):
    proof = consistency_proof(old, CT_LEAVES[:new])
    assert [p.hex() for p in proof] == path
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


def test_the_root_matches_the_rfc_definition_for_every_size_up_to_130():
    hashes = leaves(130)
    for n in range(131):
        assert root_from_leaf_hashes(hashes[:n]) == rfc_mth(hashes[:n]), n


def test_the_root_accepts_any_sequence_and_does_not_modify_it():
    hashes = tuple(leaves(7))
    assert root_from_leaf_hashes(hashes) == rfc_mth(list(hashes))
    assert hashes == tuple(leaves(7))


@pytest.mark.slow
def test_a_million_leaves_are_handled_without_recursion_trouble():
    n = 1_000_001
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    root = root_from_leaf_hashes(hashes)
    proof = inclusion_proof(777_777, hashes)
    assert verify_inclusion(777_777, n, hashes[777_777], proof, root)
    old_root = root_from_leaf_hashes(hashes[:999_999])
    assert verify_consistency(999_999, n, old_root, root, consistency_proof(999_999, hashes))


# --- Frontier ---------------------------------------------------------------


def test_the_frontier_root_equals_the_tree_root_for_every_size_up_to_300():
    hashes = leaves(300)
    frontier: list = []
    assert frontier_root(frontier) == root_from_leaf_hashes([])
    for n in range(1, 301):
        frontier = frontier_append(frontier, hashes[n - 1])
        assert frontier_size(frontier) == n
        assert frontier_root(frontier) == root_from_leaf_hashes(hashes[:n]) == rfc_mth(hashes[:n]), n


def test_the_frontier_root_equals_the_tree_root_at_random_large_sizes():
    rng = random.Random(6962)
    checkpoints = set(rng.sample(range(301, 40_000), 6)) | {1024, 4095, 4097, 32_768}
    hashes = leaves(max(checkpoints))
    frontier: list = []
    for n, h in enumerate(hashes, start=1):
        frontier = frontier_append(frontier, h)
        if n in checkpoints:
            assert frontier_size(frontier) == n
            assert frontier_root(frontier) == root_from_leaf_hashes(hashes[:n]), n


def test_frontier_heights_are_the_binary_digits_of_the_size():
    frontier: list = []
    for h in leaves(45):  # 45 = 0b101101
        frontier = frontier_append(frontier, h)
    assert [height for height, _ in frontier] == [5, 3, 2, 0]


def test_appending_to_a_frontier_returns_a_new_list_and_leaves_the_old_one_alone():
    one = frontier_append([], leaf_hash(b"a"))
    snapshot = list(one)
    two = frontier_append(one, leaf_hash(b"b"))
    assert one == snapshot and two is not one
    assert two == [(1, node_hash(leaf_hash(b"a"), leaf_hash(b"b")))]


def test_a_frontier_survives_an_encode_decode_round_trip_at_every_size_up_to_70():
    frontier: list = []
    for h in leaves(70):
        text = encode_frontier(frontier)
        assert decode_frontier(text) == frontier
        assert encode_frontier(decode_frontier(text)) == text
        frontier = frontier_append(frontier, h)
    assert encode_frontier([]) == ""


def test_the_encoded_frontier_has_the_documented_text_form():
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    frontier = frontier_append(frontier_append(frontier_append([], a), b), a)
    assert encode_frontier(frontier) == f"1:{node_hash(a, b).hex()},0:{a.hex()}"


_H = "ab" * 32
GARBAGE_FRONTIERS = {
    "not hex": "0:" + "zz" * 32,
    "uppercase hex": "0:" + "AB" * 32,
    "short hash": "0:" + "ab" * 31,
    "missing height": ":" + _H,
    "missing hash": "0:",
    "no separator": "0" + _H,
    "negative height": "-1:" + _H,
    "leading zero height": "01:" + _H,
    "height too large": "64:" + _H,
    "increasing heights": f"0:{_H},1:{_H}",
    "repeated heights": f"1:{_H},1:{_H}",
    "trailing comma": f"1:{_H},",
    "leading comma": f",1:{_H}",
    "spaces": f"1:{_H}, 0:{_H}",
    "trailing newline": f"1:{_H}\n",
    "unicode digits": "\u0661:" + _H,
    "just a comma": ",",
}


@pytest.mark.parametrize("text", GARBAGE_FRONTIERS.values(), ids=GARBAGE_FRONTIERS.keys())
def test_decoding_a_malformed_frontier_raises_value_error(text):
    with pytest.raises(ValueError):
        decode_frontier(text)


def test_decoding_a_non_string_frontier_raises_value_error():
    with pytest.raises(ValueError):
        decode_frontier(b"0:" + _H.encode())  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33, "00" * 32])
def test_appending_something_that_is_not_a_32_byte_hash_raises_value_error(bad):
    with pytest.raises(ValueError):
        frontier_append([], bad)


# --- Inclusion proofs -------------------------------------------------------


def test_an_inclusion_proof_verifies_for_every_leaf_of_trees_up_to_64_leaves():
    hashes = leaves(64)
    for n in range(1, 65):
        tree = hashes[:n]
        root = root_from_leaf_hashes(tree)
        for i in range(n):
            proof = inclusion_proof(i, tree)
            assert proof == rfc_path(i, tree), (i, n)
            assert verify_inclusion(i, n, tree[i], proof, root), (i, n)


@pytest.mark.parametrize("index", [-1, 5, 6])
def test_asking_for_an_inclusion_proof_outside_the_tree_raises_value_error(index):
    with pytest.raises(ValueError):
        inclusion_proof(index, leaves(5))


# Each tamper maps a valid (index, size, leaf, proof, root) to a list of
# altered argument tuples (empty where the tamper does not apply).
EXTRA = leaf_hash(b"not in the tree")
TREE = leaves(81)
ROOTS = [root_from_leaf_hashes(TREE[:n]) for n in range(len(TREE) + 1)]  # ROOTS[size]
INCLUSION_TAMPERS = {
    "a bit flipped in each proof hash": lambda i, n, l, p, r: [
        (i, n, l, p[:j] + [flip(p[j], bit)] + p[j + 1:], r) for j in range(len(p)) for bit in (0, 7)],
    "a different leaf hash": lambda i, n, l, p, r: [(i, n, flip(l), p, r)],
    "a different root": lambda i, n, l, p, r: [(i, n, l, p, flip(r))],
    "the index plus one": lambda i, n, l, p, r: [(i + 1, n, l, p, r)],
    "the index minus one": lambda i, n, l, p, r: [(i - 1, n, l, p, r)] if i > 0 else [],
    "a negative index": lambda i, n, l, p, r: [(-1, n, l, p, r)],
    # A size is only meaningful with its own root (both come from one signed
    # checkpoint), so a claimed size travels with that size's real root.
    "the tree size plus one": lambda i, n, l, p, r: [(i, n + 1, l, p, ROOTS[n + 1])],
    "the tree size minus one": lambda i, n, l, p, r: [(i, n - 1, l, p, ROOTS[n - 1])],
    "the tree size doubled": lambda i, n, l, p, r: [(i, 2 * n, l, p, ROOTS[2 * n])],
    "a tree size of zero": lambda i, n, l, p, r: [(i, 0, l, p, r)],
    "the last proof hash dropped": lambda i, n, l, p, r: [(i, n, l, p[:-1], r)] if p else [],
    "the first proof hash dropped": lambda i, n, l, p, r: [(i, n, l, p[1:], r)] if p else [],
    "an extra proof hash appended": lambda i, n, l, p, r: [(i, n, l, p + [EXTRA], r)],
    "an extra proof hash prepended": lambda i, n, l, p, r: [(i, n, l, [EXTRA] + p, r)],
    "two proof hashes swapped": lambda i, n, l, p, r: [
        (i, n, l, p[:j] + [p[j + 1], p[j]] + p[j + 2:], r) for j in range(len(p) - 1)],
    "the proof reversed": lambda i, n, l, p, r: [(i, n, l, p[::-1], r)] if len(p) > 1 else [],
    "a proof hash truncated to 31 bytes": lambda i, n, l, p, r: [(i, n, l, [p[0][:31]] + p[1:], r)] if p else [],
    "the root as the leaf": lambda i, n, l, p, r: [(i, n, r, p, r)] if n > 1 else [],
    "the leaf's sibling as the leaf": lambda i, n, l, p, r: [(i, n, p[0], [l] + p[1:], r)] if p else [],
}


@pytest.mark.parametrize("tamper", INCLUSION_TAMPERS.values(), ids=INCLUSION_TAMPERS.keys())
def test_a_tampered_inclusion_proof_is_rejected(tamper):
    tried = 0
    for n in range(1, 41):
        tree, root = TREE[:n], ROOTS[n]
        for i in range(n):
            for args in tamper(i, n, tree[i], inclusion_proof(i, tree), root):
                tried += 1
                assert not verify_inclusion(*args), (i, n)
    assert tried > 0


def test_an_inclusion_proof_for_a_single_leaf_tree_is_empty_and_checks_the_root():
    h = leaf_hash(b"only")
    assert inclusion_proof(0, [h]) == []
    assert verify_inclusion(0, 1, h, [], h)
    assert not verify_inclusion(0, 1, h, [], EMPTY_ROOT)


def test_a_proof_binds_the_tree_size_only_through_the_root_it_is_checked_against():
    # RFC 9162 verification cannot tell an interior node from a leaf hash, so
    # the size-4 proof for leaf 0 also "verifies" for size 3 against the size-4
    # root. Verifiers must take size and root together from one signed
    # checkpoint; docs/audit-log.md says so. This test pins that behaviour.
    proof = inclusion_proof(0, TREE[:4])
    assert verify_inclusion(0, 3, TREE[0], proof, ROOTS[4])
    assert not verify_inclusion(0, 3, TREE[0], proof, ROOTS[3])


@pytest.mark.parametrize("length", [0, 31, 33])
def test_hashes_of_the_wrong_length_are_rejected_rather_than_hashed(length):
    odd = b"\x07" * length
    # A one-leaf tree's root is its leaf hash, so only the length check can say no.
    assert not verify_inclusion(0, 1, odd, [], odd)
    assert not verify_consistency(1, 1, odd, odd, [])
    proof = inclusion_proof(0, TREE[:2])
    assert not verify_inclusion(0, 2, TREE[0], [proof[0] + b"\x00"], ROOTS[2])


# --- Consistency proofs -----------------------------------------------------


def test_a_consistency_proof_verifies_between_every_pair_of_sizes_up_to_64():
    hashes = leaves(64)
    roots = [root_from_leaf_hashes(hashes[:n]) for n in range(65)]
    for n in range(0, 65):
        for m in range(0, n + 1):
            proof = consistency_proof(m, hashes[:n])
            expected = [] if m in (0, n) else rfc_subproof(m, hashes[:n], True)
            assert proof == expected, (m, n)
            assert verify_consistency(m, n, roots[m], roots[n], proof), (m, n)


def test_equal_sizes_with_an_empty_proof_and_equal_roots_are_consistent():
    root = root_from_leaf_hashes(leaves(5))
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, flip(root), [])


def test_the_empty_tree_is_consistent_with_every_tree_given_an_empty_proof():
    for n in (0, 1, 2, 7):
        assert verify_consistency(0, n, EMPTY_ROOT, root_from_leaf_hashes(leaves(n)), [])


@pytest.mark.parametrize("old_size", [-1, 6])
def test_asking_for_a_consistency_proof_outside_the_tree_raises_value_error(old_size):
    with pytest.raises(ValueError):
        consistency_proof(old_size, leaves(5))


CONSISTENCY_TAMPERS = {
    "a bit flipped in each proof hash": lambda m, n, a, b, p: [
        (m, n, a, b, p[:j] + [flip(p[j], bit)] + p[j + 1:]) for j in range(len(p)) for bit in (0, 7)],
    "a different old root": lambda m, n, a, b, p: [(m, n, flip(a), b, p)],
    "a different new root": lambda m, n, a, b, p: [(m, n, a, flip(b), p)],
    "the roots swapped": lambda m, n, a, b, p: [(m, n, b, a, p)] if a != b else [],
    "the old size plus one": lambda m, n, a, b, p: [(m + 1, n, a, b, p)],
    "the old size minus one": lambda m, n, a, b, p: [(m - 1, n, a, b, p)],
    "the old size plus one, with its root": lambda m, n, a, b, p: [(m + 1, n, ROOTS[m + 1], b, p)],
    # (Not down to 0: the empty tree is genuinely consistent with every tree.)
    "the old size minus one, with its root": lambda m, n, a, b, p: [(m - 1, n, ROOTS[m - 1], b, p)] if m > 1 else [],
    "the new size plus one, with its root": lambda m, n, a, b, p: [(m, n + 1, a, ROOTS[n + 1], p)],
    "the new size minus one, with its root": lambda m, n, a, b, p: [(m, n - 1, a, ROOTS[n - 1], p)],
    "the sizes swapped": lambda m, n, a, b, p: [(n, m, a, b, p)] if m != n else [],
    "the last proof hash dropped": lambda m, n, a, b, p: [(m, n, a, b, p[:-1])] if p else [],
    "the first proof hash dropped": lambda m, n, a, b, p: [(m, n, a, b, p[1:])] if p else [],
    "an extra proof hash appended": lambda m, n, a, b, p: [(m, n, a, b, p + [EXTRA])],
    "an extra proof hash prepended": lambda m, n, a, b, p: [(m, n, a, b, [EXTRA] + p)],
    "two proof hashes swapped": lambda m, n, a, b, p: [
        (m, n, a, b, p[:j] + [p[j + 1], p[j]] + p[j + 2:]) for j in range(len(p) - 1)],
    "the proof reversed": lambda m, n, a, b, p: [(m, n, a, b, p[::-1])] if len(p) > 1 else [],
    "an empty proof": lambda m, n, a, b, p: [(m, n, a, b, [])] if p else [],
    "a proof hash truncated to 31 bytes": lambda m, n, a, b, p: [(m, n, a, b, [p[0][:31]] + p[1:])] if p else [],
}


@pytest.mark.parametrize("tamper", CONSISTENCY_TAMPERS.values(), ids=CONSISTENCY_TAMPERS.keys())
def test_a_tampered_consistency_proof_is_rejected(tamper):
    tried = 0
    for n in range(1, 41):
        for m in range(1, n + 1):
            proof = consistency_proof(m, TREE[:n])
            for args in tamper(m, n, ROOTS[m], ROOTS[n], proof):
                tried += 1
                assert not verify_consistency(*args), (m, n, args[:2])
    assert tried > 0


@pytest.mark.parametrize(
    "case",
    [
        "a non-empty proof from the empty tree",
        "a wrong root for the empty tree",
        "a non-empty proof between equal sizes",
        "an old size larger than the new size",
        "a negative old size",
        "two empty trees with a non-empty new root",
    ],
)
def test_degenerate_consistency_claims_are_rejected(case):
    hashes = leaves(6)
    r3, r6 = root_from_leaf_hashes(hashes[:3]), root_from_leaf_hashes(hashes)
    args = {
        "a non-empty proof from the empty tree": (0, 6, EMPTY_ROOT, r6, [r3]),
        "a wrong root for the empty tree": (0, 6, r3, r6, []),
        "a non-empty proof between equal sizes": (6, 6, r6, r6, [r3]),
        "an old size larger than the new size": (6, 3, r6, r3, []),
        "a negative old size": (-1, 6, EMPTY_ROOT, r6, []),
        "two empty trees with a non-empty new root": (0, 0, EMPTY_ROOT, r6, []),
    }[case]
    assert not verify_consistency(*args)
