"""Comparing two runs: both of one consultation."""

from __future__ import annotations

from tests.service.helpers import make_run


def test_runs_of_two_consultations_are_not_compared(client, keys, runner):
    # two runs of different consultations share no contribution: the comparison answered 200, every theme
    # "shared 0" and nothing moved, as if the themes had nothing in common
    h = keys.h()
    first, second = make_run(client, runner, h), make_run(client, runner, h)
    url = f"/api/runs/{first.run_id}/compare/{second.run_id}"
    r = client.get(url, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid_request"
    assert "consultations différentes" in r.json()["message"]
    en = client.get(url, headers={**h, "Accept-Language": "en"}).json()
    assert "different consultations" in en["message"]
    assert client.get(f"/api/runs/{first.run_id}/compare/{first.run_id}", headers=h).status_code == 200
