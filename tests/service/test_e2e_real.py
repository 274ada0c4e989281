"""End to end through the API on a real Grand Débat extract with the real default embedder (issue 2)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.service.helpers import clusters
from tests.utils.data import SAMPLES

N_ROWS = 150


def _extract() -> tuple[bytes, int]:
    with open(SAMPLES / "granddebat_fiscalite_sample.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [row for _, row in zip(range(N_ROWS), reader, strict=False)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8"), len(rows)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_real_sample_with_default_embedder(client, keys, runner):
    h = keys.h()
    content, n_rows = _extract()
    cid = client.post("/api/consultations", json={"title": "Grand Débat — fiscalité"}, headers=h).json()["id"]
    imp = client.post(
        f"/api/consultations/{cid}/imports",
        files={"file": ("gd.csv", content, "text/csv")},
        data={"format": "granddebat"},
        headers=h,
    )
    assert imp.status_code == 201, imp.text
    assert imp.json()["rows_read"] == n_rows and imp.json()["format"] == "granddebat"
    run = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": {"random_state": 0}}, headers=h
    ).json()
    runner.drain()
    status = client.get(f"/api/runs/{run['id']}", headers=h).json()
    assert status["status"] == "succeeded", status["error"]
    report = client.get(f"/api/runs/{run['id']}/report", headers=h).json()
    m = report["manifest"]
    assert m["embedder"]["name"] == "use-multilingual" and m["counts"]["rows_read"] == n_rows
    c = m["counts"]
    assert c["contributions"] == c["clustered"] + c["noise"] + c["excluded"]
    assert c["rejected"] + len({x["source_id"] for x in report["contributions"]}) <= n_rows
    texts = {x["contribution_id"]: x["text"] for x in report["contributions"]}
    for theme in clusters(report):
        members = {mm["contribution_id"] for mm in theme["members"]}
        for quote in theme["quotes"]:
            assert quote["contribution_id"] in members and texts[quote["contribution_id"]] == quote["text"]
    # the sample's third question is a closed multiple-choice one: counted option by option, through the API
    choices = {q["question_id"]: q["choices"] for q in report["questions"]}
    assert choices["164"] == choices["166"] == [] and len(choices["9001"]) == 7
    assert all(o["count"] >= 2 and 0 < o["share"] <= 1 for o in choices["9001"])
    html = client.get(f"/api/runs/{run['id']}/report", params={"format": "html"}, headers=h)
    assert html.status_code == 200 and "<html" in html.text.lower()
    assert "Question fermée : réponses par option (7 options)" in html.text
