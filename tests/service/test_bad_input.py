"""Bad input (issue 2 acceptance): 4xx JSON naming problem; service keeps running, nothing half-written."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from service import crud
from service.models import Contribution, Import
from tests.service.factories import consultation_rows, to_csv
from tests.service.helpers import upload


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Contribution)).one(),
            s.exec(select(func.count()).select_from(Import)).one(),
        )


BAD_FILES = {
    "not_csv": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, {}),
    "missing_text_column": ("export.csv", to_csv(consultation_rows()), {"text_column": "commentaire"}),
    "empty": ("export.csv", b"", {}),
    "header_only": ("export.csv", b"id,auteur,avis\n", {}),
    "broken_quote": ("export.csv", b'id,auteur,avis\n1,u1,"une ligne\n2,u2,correcte\n', {}),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_a_4xx_naming_the_problem(client, keys, engine, case):
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    name, content, fields = BAD_FILES[case]
    r = upload(client, cid, content, h, name=name, **fields)
    assert 400 <= r.status_code < 500, r.text
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    if case == "missing_text_column":
        assert body["code"] == "invalid_mapping" and "commentaire" in body["message"]
    if case in ("empty", "header_only"):
        assert body["code"] == "empty_file"
    if case == "broken_quote":
        assert "2" in body["message"] or body["details"].get("line")  # where the quote opens
    assert _counts(engine) == (0, 0)  # nothing half-written
    ok = upload(client, cid, to_csv(consultation_rows()), h)  # the service keeps running
    assert ok.status_code == 201


def test_english_messages_and_validation_errors(client, keys):
    h = {**keys.h(), "Accept-Language": "en"}
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    r = upload(client, cid, b"", h)
    assert r.status_code == 422 and r.json()["code"] == "empty_file"
    fr = upload(client, cid, b"", keys.h()).json()["message"]
    assert r.json()["message"] != fr
    bad = client.post("/api/consultations", json={"title": ""}, headers=h)
    assert (
        bad.status_code == 422 and bad.json()["code"] == "invalid_request" and bad.json()["details"]["errors"]
    )
    bad = client.post(f"/api/consultations/{cid}/runs", json={"settings": {"n_neighbors": 1}}, headers=h)
    assert bad.status_code == 422 and "n_neighbors" in bad.json()["message"]
    bad = upload(client, cid, b"a\n1\n", h, mapping="{not json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_unknown_embedder_is_refused_at_request_time(client, keys, engine):
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    upload(client, cid, to_csv(consultation_rows()), h)
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": {"embedder": "nope"}}, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "unknown_embedder" and "nope" in r.json()["message"]
    assert client.get(f"/api/consultations/{cid}/runs", headers=h).json()["count"] == 0


def test_a_failed_run_reports_its_reason_in_the_callers_language(client, keys, runner, engine):
    """A run that fails anyway (an embedder registered in the API process only, an older row…) keeps its
    reason, French by default and English with Accept-Language: en."""
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    upload(client, cid, to_csv(consultation_rows()), h)
    with Session(engine) as s:
        run = crud.create_run(
            session=s, consultation_id=cid, settings={"embedder": "nope"}, carry_review_from=None
        )
        run_id = run.id
    runner.submit(run_id)
    runner.drain()
    fr = client.get(f"/api/runs/{run_id}", headers=h).json()
    assert fr["status"] == "failed", fr
    assert fr["error"]["code"] == "unknown_embedder" and "nope" in fr["error"]["message"], fr
    assert fr["error"]["message"].startswith("Embedder inconnu")
    en = client.get(f"/api/runs/{run_id}", headers={**h, "Accept-Language": "en"}).json()
    assert en["error"]["message"].startswith("Unknown embedder") and "nope" in en["error"]["message"], en
    listed = client.get(f"/api/consultations/{cid}/runs", headers={**h, "Accept-Language": "en"}).json()
    assert listed["data"][0]["error"]["message"] == en["error"]["message"]
    assert client.get(f"/api/runs/{run_id}/report", headers=h).status_code == 409


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_a_seed_numpy_cannot_take_is_a_422_naming_it(client, keys, seed):
    # it was accepted, and the run failed on numpy's "Seed must be between 0 and 2**32 - 1"
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    bad = client.post(f"/api/consultations/{cid}/runs", json={"settings": {"random_state": seed}}, headers=h)
    assert bad.status_code == 422, bad.text
    assert "random_state" in bad.json()["message"]
