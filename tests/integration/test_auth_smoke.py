def test_a_user_signs_in_and_reads_their_own_account(make_user, auth_headers, client):
    make_user("alice", "inspector")
    resp = client.get("/api/v1/auth/me", headers=auth_headers("alice"))
    assert resp.status_code == 200
    assert resp.get_json()["username"] == "alice"
