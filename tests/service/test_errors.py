"""The one error model: a request that fails before its key is checked still answers 401 to a caller without one."""

from __future__ import annotations

import pytest

MANY_FIELDS = {f"f{i}": "x" for i in range(1100)}
UNREADABLE_BODIES = [
    ("/api/consultations", {"content": b"{", "headers": {"content-type": "application/json"}}),
    ("/api/consultations/1/runs", {"content": b"[", "headers": {"content-type": "application/json"}}),
    ("/api/runs/1/moves", {"content": b"{", "headers": {"content-type": "application/json"}}),
    ("/api/consultations/1/imports", {"content": b"abc", "headers": {"content-type": "multipart/form-data"}}),
    ("/api/imports/preview", {"files": {"file": ("a.csv", b"x")}, "data": MANY_FIELDS, "headers": {}}),
]


@pytest.mark.parametrize(
    ("url", "request_"), UNREADABLE_BODIES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_an_unreadable_body_is_401_without_a_valid_key(client, keys, url, request_):
    # FastAPI parses a JSON or multipart body before the key's dependency: anyone learnt the body's faults
    for headers, message in (({}, "manquant"), ({"X-API-Key": "sk_inconnue"}, "inconnue")):
        r = client.post(url, **{**request_, "headers": {**request_["headers"], **headers}})
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "unauthorized" and message in r.json()["message"]
    en = client.post(url, **{**request_, "headers": {**request_["headers"], "Accept-Language": "en"}})
    assert en.status_code == 401 and "Missing X-API-Key" in en.json()["message"]
    # with a valid key, the body's fault is answered as before
    r = client.post(url, **{**request_, "headers": {**request_["headers"], **keys.h()}})
    assert r.status_code in (400, 422) and r.json()["code"] in ("bad_request", "invalid_request"), r.text


@pytest.mark.parametrize(
    ("url", "request_"), UNREADABLE_BODIES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_an_unreadable_body_is_403_with_a_read_only_key_where_the_route_writes(client, keys, url, request_):
    # a read-only key got the body's 400/422 on a route that writes, where a readable body answers 403
    r = client.post(url, **{**request_, "headers": {**request_["headers"], **keys.h("a_ro")}})
    if url == "/api/imports/preview":  # a preview stores nothing: read-only keys may use it
        assert r.status_code == 400 and r.json()["code"] == "bad_request", r.text
    else:
        assert r.status_code == 403 and r.json()["code"] == "forbidden", r.text
