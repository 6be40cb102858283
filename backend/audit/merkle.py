"""RFC 6962 / RFC 9162 Merkle tree hashing and proofs (SHA-256).

Pure functions over 32-byte hashes; no database, no Flask. Leaf and node
hashes use distinct one-byte prefixes so that a leaf can never be passed off
as an interior node (second-preimage protection, RFC 6962 §2.1).
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# (height, hash) of each perfect subtree of the current tree, left to right.
Frontier = list[tuple[int, bytes]]

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
# Tree sizes fit in 64 bits everywhere else (RFC 9162 uses uint64).
_MAX_HEIGHT = 63


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n >= 2): RFC 6962's k."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Merkle Tree Hash (MTH, RFC 6962 §2.1) of a list of leaf hashes.

    Built bottom-up, pairing neighbours and promoting an unpaired last node
    unchanged; this yields exactly the RFC's "largest power of two on the
    left" shape, without recursion, in O(n) time.
    """
    level = list(hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --- Frontier: O(log n) state for appending leaves one at a time ----------


def _check_frontier(frontier: Frontier) -> None:
    previous = _MAX_HEIGHT + 1
    for item in frontier:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise ValueError("frontier items must be (height, hash) tuples")
        height, digest = item
        if type(height) is not int or not 0 <= height < previous:
            # Strictly decreasing heights = binary digits of the tree size.
            raise ValueError("frontier heights must be strictly decreasing and in 0..63")
        if not _is_hash(digest):
            raise ValueError("frontier hashes must be 32 bytes")
        previous = height


def frontier_append(frontier: Frontier, leaf_hash: bytes) -> Frontier:
    """Return a new frontier with one more leaf; equal heights are merged."""
    _check_frontier(frontier)
    if not _is_hash(leaf_hash):
        raise ValueError("leaf hash must be 32 bytes")
    result = list(frontier)
    height, digest = 0, leaf_hash
    # Like a binary increment: carry while the last subtree has the same height.
    while result and result[-1][0] == height:
        left_height, left = result.pop()
        height, digest = left_height + 1, node_hash(left, digest)
    if height > _MAX_HEIGHT:
        raise ValueError("tree too large")
    result.append((height, digest))
    return result


def frontier_root(frontier: Frontier) -> bytes:
    """Tree head of the frontier's tree: fold the subtree roots from the right."""
    _check_frontier(frontier)
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1][1]
    for _, digest in reversed(frontier[:-1]):
        root = node_hash(digest, root)
    return root


def frontier_size(frontier: Frontier) -> int:
    """Number of leaves in the tree the frontier describes."""
    _check_frontier(frontier)
    return sum(1 << height for height, _ in frontier)


_FRONTIER_ITEM = re.compile(r"(0|[1-9][0-9]?):([0-9a-f]{64})")


def encode_frontier(frontier: Frontier) -> str:
    """Text form "height:hex,height:hex" (empty string for the empty tree)."""
    _check_frontier(frontier)
    return ",".join(f"{height}:{digest.hex()}" for height, digest in frontier)


def decode_frontier(text: str) -> Frontier:
    """Parse encode_frontier() output; raise ValueError on anything else.

    Only the exact canonical form is accepted (lowercase hex, no spaces, no
    leading zeros), so decode/encode round-trips byte for byte.
    """
    if not isinstance(text, str):
        raise ValueError("frontier text must be a string")
    if text == "":
        return []
    frontier: Frontier = []
    for part in text.split(","):
        match = _FRONTIER_ITEM.fullmatch(part)
        if match is None:
            raise ValueError(f"malformed frontier item: {part!r}")
        frontier.append((int(match.group(1)), bytes.fromhex(match.group(2))))
    _check_frontier(frontier)
    return frontier


# --- Proof generation (RFC 6962 §2.1.1 and §2.1.2) --------------------------


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """Audit path PATH(index, D[n]) for the leaf at `index`, leaf side first.

    Walks down from the root, taking the sibling subtree at each split; the
    siblings' sizes sum to at most n, so this is O(n).
    """
    n = len(hashes)
    if not 0 <= index < n:
        raise ValueError(f"index {index} out of range for tree size {n}")
    path: list[bytes] = []
    lo, hi = 0, n
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            path.append(root_from_leaf_hashes(hashes[mid:hi]))
            hi = mid
        else:
            path.append(root_from_leaf_hashes(hashes[lo:mid]))
            lo = mid
    path.reverse()  # The RFC lists the deepest sibling first.
    return path


def consistency_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """Consistency proof PROOF(old_size, D[n]) between sizes old_size and n.

    Empty when old_size is 0 or n (nothing to prove). Iterative form of
    SUBPROOF: `complete` is the RFC's flag b ("old tree is a whole subtree
    seen from the root so far, so the verifier already knows its hash").
    """
    n = len(hashes)
    if not 0 <= old_size <= n:
        raise ValueError(f"old size {old_size} out of range for tree size {n}")
    if old_size in (0, n):
        return []
    proof: list[bytes] = []
    lo, hi, m, complete = 0, n, old_size, True
    while m != hi - lo:
        mid = lo + _split(hi - lo)
        if m <= mid - lo:
            proof.append(root_from_leaf_hashes(hashes[mid:hi]))
            hi = mid
        else:
            proof.append(root_from_leaf_hashes(hashes[lo:mid]))
            m -= mid - lo
            lo, complete = mid, False
    if not complete:
        proof.append(root_from_leaf_hashes(hashes[lo:hi]))
    proof.reverse()
    return proof


# --- Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2, step for step) ----


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """True iff `proof` shows leaf `leaf_hash` at `index` in the tree `root` of `size`."""
    if not (_is_hash(leaf_hash) and _is_hash(root) and all(map(_is_hash, proof))):
        return False
    if not 0 <= index < size:  # Step 1.
        return False
    fn, sn = index, size - 1  # Step 2.
    r = leaf_hash  # Step 3.
    for p in proof:  # Step 4.
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # A right edge with no sibling at these levels: skip them.
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root  # Step 5.


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff `proof` shows tree (old_size, old_root) is a prefix of (new_size, new_root)."""
    if not (_is_hash(old_root) and _is_hash(new_root) and all(map(_is_hash, proof))):
        return False
    if not 0 <= old_size <= new_size:
        return False
    # Trivial cases the RFC algorithm does not cover: the proof must be empty.
    if old_size == 0:
        # Every tree extends the empty tree, whose head is fixed.
        if proof or old_root != EMPTY_ROOT:
            return False
        return new_size > 0 or new_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:  # Step 1.
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # Step 2: old tree is a left subtree.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1  # Step 3.
    while fn & 1:  # Step 4.
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # Step 5.
    for c in path[1:]:  # Step 6.
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0  # Step 7.
