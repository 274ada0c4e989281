"""Exports and member pages of a run show what the run read, whatever was imported after it."""

from __future__ import annotations

import csv
import io

from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import clusters, make_run, upload

CORRECTED = "Texte corrigé dans un export plus récent"


def test_old_run_keeps_the_texts_it_read_after_a_corrected_import(client, keys, runner):
    """A corrected export re-imported after a run changes a contribution's text: that run's CSV export, member
    pages and split still show the text its report shows (the new text belongs to the next run)."""
    h = keys.h()
    done = make_run(client, runner, h)
    read = {c["source_id"]: c["text"] for c in done.report["contributions"]}
    imp = upload(client, done.consultation_id, to_csv(consultation_rows(changed={0: CORRECTED})), h)
    assert imp.json()["updated"] == 1

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/api/runs/{done.run_id}/export?format=csv", headers=h).text))
    )
    assert {r["source_id"]: r["text"] for r in rows} == read
    shown = {
        m["source_id"]: m["text"]
        for cl in clusters(done.report)
        for m in client.get(f"/api/runs/{done.run_id}/clusters/{cl['cluster_id']}/members", headers=h).json()[
            "data"
        ]
    }
    assert shown and all(read[s] == t for s, t in shown.items())

    # a new run reads the corrected text, and shows it
    r = client.post(
        f"/api/consultations/{done.consultation_id}/runs", json={"settings": FAST_SETTINGS}, headers=h
    )
    runner.drain()
    new = list(
        csv.DictReader(
            io.StringIO(client.get(f"/api/runs/{r.json()['id']}/export?format=csv", headers=h).text)
        )
    )
    assert {x["source_id"]: x["text"] for x in new}["c0"] == CORRECTED


def test_split_of_an_old_run_quotes_the_texts_it_read(client, keys, runner):
    """Splitting a theme of a run after a corrected import quotes the texts of that run's report, verbatim."""
    h = keys.h()
    done = make_run(client, runner, h)
    read = {c["contribution_id"]: c["text"] for c in done.report["contributions"]}
    changed = {i: row["avis"] + " (corrigé)" for i, row in enumerate(consultation_rows()[:-1])}
    upload(client, done.consultation_id, to_csv(consultation_rows(changed=changed)), h)
    theme = max(clusters(done.report), key=lambda cl: cl["size"])
    r = client.post(
        f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/split",
        json={"min_cluster_size": 3},
        headers=h,
    )
    assert r.status_code == 201, r.text
    report = client.get(f"/api/runs/{done.run_id}/report", headers=h).json()
    quotes = [q for cl in clusters(report) for q in cl["quotes"]]
    assert quotes and all(q["text"] == read[q["contribution_id"]] for q in quotes)


def test_a_reviewed_move_is_exported_as_the_reviewed_report_shows_it(client, keys, runner):
    """A contribution moved by the review has, in the CSV export and on its theme's member page, the strength
    the reviewed report gives it (0 in its new theme, none in « non classées »), not its automatic one."""
    h = keys.h()
    done = make_run(client, runner, h)
    first, second = clusters(done.report)[:2]
    members = client.get(f"/api/runs/{done.run_id}/clusters/{first['cluster_id']}/members", headers=h).json()
    to_theme, to_noise = members["data"][0], members["data"][1]
    assert to_theme["strength"] and to_noise["strength"]
    for m, target in ((to_theme, second["cluster_id"]), (to_noise, None)):
        r = client.post(
            f"/api/runs/{done.run_id}/moves",
            json={"contribution_id": m["contribution_id"], "to_cluster_id": target},
            headers=h,
        )
        assert r.status_code == 201, r.text
    report = client.get(f"/api/runs/{done.run_id}/report", headers=h).json()
    moved = next(
        m for cl in clusters(report) for m in cl["members"] if m["contribution_id"] == to_theme["key"]
    )
    assert moved["strength"] == 0.0
    csv_text = client.get(f"/api/runs/{done.run_id}/export?format=csv", headers=h).text
    rows = {r["contribution_id"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert rows[str(to_theme["contribution_id"])]["strength"] == "0.0"
    assert rows[str(to_noise["contribution_id"])]["status"] == "noise"
    assert rows[str(to_noise["contribution_id"])]["strength"] == ""
    page = client.get(
        f"/api/runs/{done.run_id}/clusters/{second['cluster_id']}/members", params={"limit": 1000}, headers=h
    ).json()["data"]
    assert next(m for m in page if m["key"] == to_theme["key"])["strength"] == 0.0


def test_the_report_page_is_in_the_callers_language_and_the_html_export_is_that_page(client, keys, runner):
    """The HTML report, its export and its published page were French whatever Accept-Language said; the HTML
    export also lacked the review history that the report page shows."""
    h = keys.h()
    done = make_run(client, runner, h)
    theme = clusters(done.report)[0]
    rename = f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/rename"
    assert client.post(rename, json={"label": "Mobilité douce"}, headers=h).status_code == 201
    token = client.post(f"/api/runs/{done.run_id}/publish", headers=h).json()["token"]
    pages = {
        "report": (f"/api/runs/{done.run_id}/report", {"format": "html"}),
        "export": (f"/api/runs/{done.run_id}/export", {"format": "html"}),
        "published": (f"/r/{token}", {}),
    }
    for name, (url, params) in pages.items():
        for lang, history in (("fr", "Historique"), ("en", "History")):
            page = client.get(url, params=params, headers={**h, "Accept-Language": lang}).text
            assert f'<html lang="{lang}"' in page, (name, lang)
            assert history in page and "Mobilité douce" in page, (name, lang)


def test_old_run_exports_the_metadata_it_read_after_a_corrected_import(client, keys, runner):
    """A corrected export that changes a contribution's postcode (not its text): an earlier run's CSV export gave
    the new postcode while its report gives the one that run read (and counted in its territories)."""
    import json

    h = keys.h()
    rows = [{**r, "cp": "59000"} for r in consultation_rows()]
    mapping = json.dumps({"text": "avis", "id": "id", "author": "auteur", "postcode": "cp"})
    cid = client.post("/api/consultations", json={"title": "Plan climat"}, headers=h).json()["id"]
    assert upload(client, cid, to_csv(rows), h, mapping=mapping).status_code == 201
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    runner.drain()
    run_id = r.json()["id"]
    report = client.get(f"/api/runs/{run_id}/report", headers=h).json()
    read = {c["source_id"]: c["zipcode"] for c in report["contributions"]}
    assert read["c0"] == "59000"
    rows[0]["cp"] = "75001"
    assert upload(client, cid, to_csv(rows), h, mapping=mapping).json()["updated"] == 1
    exported = client.get(f"/api/runs/{run_id}/export", params={"format": "csv"}, headers=h).text
    assert {r["source_id"]: r["zipcode"] for r in csv.DictReader(io.StringIO(exported))} == read


def test_the_polis_export_dates_local_times_in_paris_time_on_every_server():
    # a submission time written without offset ("2019-02-06 23:54:17", French local time as the report shows
    # it) was turned into a timestamp in the server's own time zone, so the same export differed between
    # machines, and a French date ("06/02/2019 23:54") had no timestamp at all
    from service.exports import to_polis_comments

    rows = [
        {
            "author_ref": "a",
            "contribution_id": f"c{i}",
            "status": "kept",
            "text": "avis",
            "submitted_at": when,
        }
        for i, when in enumerate(
            ["2019-02-06 23:54:17", "06/02/2019 23:54", "2019-07-01T12:00:00+00:00", None]
        )
    ]
    stamps = [r["timestamp"] for r in csv.DictReader(io.StringIO(to_polis_comments(rows)))]
    # 22:54:17 UTC in winter (UTC+1), 22:54:00 for the French date; an instant given with its offset as is
    assert stamps == ["1549493657000", "1549493640000", "1561982400000", ""]
