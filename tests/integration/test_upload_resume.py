"""Resuming over a bad network: an upload cut short again and again still arrives byte for byte."""
from __future__ import annotations

import io
import random
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.support.uploads import Tus, checksum_header, pdf, sha256_hex

CUTS = 50


def test_an_upload_cut_at_random_offsets_fifty_times_completes_byte_identical(
        client: FlaskClient, make_user: Callable[..., int], auth_headers: Callable[[str], dict[str, str]]) -> None:
    rng = random.Random(20261125)
    data = pdf(rng.randbytes(2 * 1024 * 1024))
    make_user("field-officer", "inspector")
    tus = Tus(client, auth_headers("field-officer"))
    created = tus.create(data, filetype="application/pdf", filename="现场笔录.pdf")
    assert created.status_code == 201
    url = created.headers["Location"]

    known = 0  # the offset the client believes in
    mishaps = {"cut": 0, "cut_with_checksum": 0, "lost_response": 0, "bad_checksum": 0}
    while known < len(data):
        chunk = data[known:known + rng.randint(1, 48 * 1024)]
        mishap = rng.choice(list(mishaps)) if sum(mishaps.values()) < CUTS and rng.random() < 0.5 else None
        if mishap in ("cut", "cut_with_checksum"):
            # the connection drops after `sent` bytes of a body announced in full
            sent = rng.randint(0, len(chunk) - 1)
            resp = tus.patch(url, known, chunk, input_stream=io.BytesIO(chunk[:sent]), content_length=len(chunk),
                             checksum=checksum_header(chunk) if mishap == "cut_with_checksum" else None)
            assert resp.status_code == 400, resp.get_json()
            before, known = known, tus.offset(url)  # the client lost its connection: ask where to resume
            # without a checksum what arrived is kept; with one the unverifiable chunk is dropped whole
            assert known == (before if mishap == "cut_with_checksum" else before + sent)
        elif mishap == "lost_response":
            assert tus.patch(url, known, chunk).status_code == 204  # stored, but the answer never came back
            stale = tus.patch(url, known, chunk)  # the client retries blindly
            assert stale.status_code == 409
            known = tus.offset(url)
        elif mishap == "bad_checksum":
            damaged = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
            resp = tus.patch(url, known, damaged, checksum=checksum_header(chunk))
            assert resp.status_code == 460
            assert tus.offset(url) == known
        else:
            resp = tus.patch(url, known, chunk, checksum=checksum_header(chunk))
            assert resp.status_code == 204, resp.get_json()
            known = int(resp.headers["Upload-Offset"])
        if mishap:
            mishaps[mishap] += 1

    assert sum(mishaps.values()) == CUTS, mishaps  # the file was long enough to suffer every planned cut
    assert all(mishaps.values()), mishaps
    status = tus.status(url)
    assert status["state"] == "completed", status
    original = client.get(f"/api/v1/evidence/{sha256_hex(data)}", headers=tus.auth)
    assert original.status_code == 200
    assert original.data == data
