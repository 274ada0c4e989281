"""Every route of the API on SQLite and on PostgreSQL (issue 2 item 8, issue 6)."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
from sqlmodel import Session, func, select

from service.models import Contribution, ContributionVersion
from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import clusters, file_service, make_run, stored_bytes, upload
from tests.utils.data import SHARED_DATA


def test_consultation_crud(client, keys):
    h = keys.h()
    r = client.post("/api/consultations", json={"title": "Plan vélo", "description": "2025"}, headers=h)
    assert r.status_code == 201
    body = r.json()
    assert body["id"] > 0 and body["title"] == "Plan vélo" and body["contributions"] == 0
    assert client.get(f"/api/consultations/{body['id']}", headers=h).json()["title"] == "Plan vélo"
    listed = client.get("/api/consultations", headers=h).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == body["id"]
    assert client.delete(f"/api/consultations/{body['id']}", headers=h).status_code == 204
    assert client.get(f"/api/consultations/{body['id']}", headers=h).status_code == 404


def test_deleting_a_consultation_forgets_the_vectors_of_its_texts(client, keys, runner, engine):
    """RGPD: the embedding cache keeps no vector of a deleted consultation's texts, nor any k-NN search; another
    consultation's vectors stay."""
    from service.models import StoredEmbedding, StoredKnn

    def stored() -> int:
        with Session(engine) as s:
            return s.exec(select(func.count()).select_from(StoredEmbedding)).one()

    h = keys.h()
    kept = make_run(client, runner, h)
    alone = stored()
    rows = consultation_rows()
    for row in rows:
        row["avis"] += " à Lille"  # no text in common with the first consultation
    gone = make_run(client, runner, h, rows=rows)
    assert stored() > alone
    with Session(engine) as s:
        s.add(StoredKnn(key="k", k=1, idx=b"\0" * 4, dist=b"\0" * 4))
        s.commit()
    assert client.delete(f"/api/consultations/{gone.consultation_id}", headers=h).status_code == 204
    assert stored() == alone
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(StoredKnn)).one() == 0
    # the consultation kept runs again on its cached vectors, to the same report
    again = client.post(
        f"/api/consultations/{kept.consultation_id}/runs", json={"settings": FAST_SETTINGS}, headers=h
    )
    runner.drain()
    report = client.get(f"/api/runs/{again.json()['id']}/report", headers=h).json()
    assert stored() == alone and clusters(report) == clusters(kept.report)


def test_deleting_a_consultation_leaves_none_of_its_texts_in_the_database_file(tmp_path):
    """RGPD: on SQLite a deleted consultation's texts stayed readable in the WAL log (and, with a SQLite built
    without secure_delete, in the database file's free pages); the log is emptied and freed bytes are zeroed."""
    marker = "Zorglubienne"  # ASCII: found byte for byte, whatever the JSON escaping
    rows = consultation_rows()
    rows[4]["avis"] = f"Je veux une piste cyclable rue {marker} devant chez moi"
    folder = tmp_path / "data"
    with file_service(folder) as (client, runner, h, engine):
        done = make_run(client, runner, h, rows=rows)
        with engine.connect() as conn:  # into the database file, as SQLite does on its own every 1,000 pages
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            # whatever the default the SQLite library was built with (Debian's zeroes, others do not)
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert marker.encode() in (folder / "synthese.db").read_bytes()
        assert client.delete(f"/api/consultations/{done.consultation_id}", headers=h).status_code == 204
        assert marker.encode() not in stored_bytes(folder)


def test_import_is_idempotent_and_keeps_previous_text(client, keys, engine):
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    rows = consultation_rows()
    first = upload(client, cid, to_csv(rows), h).json()
    assert first["id"] > 0 and first["accepted"] == len(rows) and first["added"] == len(rows)
    assert first["rows_read"] == len(rows) and first["rejected"] == []
    again = upload(client, cid, to_csv(rows), h).json()
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, len(rows))
    newer = [
        *consultation_rows(changed={0: "Je souhaite des pistes cyclables partout"}),
        {"id": "new1", "auteur": "u9", "avis": "Des bancs dans les parcs", "sujet": "arbres"},
    ]
    third = upload(client, cid, to_csv(newer), h).json()
    assert (third["added"], third["updated"], third["unchanged"]) == (1, 1, len(rows) - 1)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Contribution)).one() == len(rows) + 1
        old = s.exec(select(ContributionVersion)).all()
        assert len(old) == 1 and old[0].text == rows[0]["avis"]
        changed = s.get(Contribution, old[0].contribution_id)
        assert changed.text == "Je souhaite des pistes cyclables partout" and changed.version == 2
        assert changed.author_ref and changed.author_ref != "user0"  # pseudonymised, raw id stored nowhere
    detail = client.get(f"/api/contributions/{old[0].contribution_id}", headers=h).json()
    assert detail["previous_versions"][0]["text"] == rows[0]["avis"]


def test_a_file_imported_twice_is_counted_once_in_the_report(client, keys, runner):
    # the second import adds nothing, yet the report listed every rejected row twice and counted 2 x 1 rejected
    # rows beside the rows' distinct ids as the rows read (25 read, 2 rejected, for 24 rows and 1 rejected)
    h = keys.h()
    rows = [*consultation_rows(), {"id": "c0", "auteur": "user1", "avis": "Un second c0", "sujet": "velo"}]
    reports = []
    for times in (1, 2):
        cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
        for _ in range(times):
            assert len(upload(client, cid, to_csv(rows), h).json()["rejected"]) == 1  # the id seen twice
        run = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
        runner.drain()
        reports.append(client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json())
        reports[-1]["manifest"].pop("timings")
    once, twice = reports
    counts = twice["manifest"]["counts"]
    assert (counts["rows_read"], counts["rejected"], len(twice["rejected"])) == (len(rows), 1, 1)
    assert counts["rows_read"] == counts["rejected"] + counts["contributions"]
    assert twice == once


def test_a_newer_export_of_a_file_replaces_its_rejected_rows_in_the_report(client, keys, runner):
    # export.csv downloaded again a week later (7 more rows, the same row with a duplicate id): the report read
    # both versions' rejected rows, 2 rejected rows (lines 32 and 39 of "export.csv") and 39 rows read, for a
    # file of 38 rows, 1 of them rejected; a version imported after it is that file again, as service.imports
    # knows a file by its name
    h = keys.h()
    rows = consultation_rows()
    twin = {"id": "c0", "auteur": "user1", "avis": "Un second c0", "sujet": "velo"}
    older, newer = to_csv([*rows[:30], twin]), to_csv([*rows, twin])
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    for content in (older, newer):
        assert len(upload(client, cid, content, h).json()["rejected"]) == 1
    run = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    runner.drain()
    report = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()
    counts = report["manifest"]["counts"]
    assert (counts["rows_read"], counts["rejected"], counts["contributions"]) == (len(rows) + 1, 1, len(rows))
    assert [(r["line"], r["file"]) for r in report["rejected"]] == [(len(rows) + 2, None)]


def test_two_files_sharing_ids_are_counted_row_by_row_in_the_report(client, keys, runner):
    # a Decidim process's proposals (196) and debate comments (693) share 92 ids: the report counted the rows
    # read as their distinct ids, 797 rows read for 889 contributions of one row each
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "Grand débat MEL"}, headers=h).json()["id"]
    for name in ("propositions-libres.csv", "commentaires_debats.csv", "propositions-libres.csv"):
        content = (SHARED_DATA / "decidim-mel-nancy" / name).read_bytes()
        imp = client.post(f"/api/consultations/{cid}/imports", files={"file": (name, content)}, headers=h)
        assert imp.status_code == 201, imp.text
    run = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    runner.drain()
    counts = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()["manifest"]["counts"]
    assert counts["rows_read"] == 196 + 693 == counts["contributions"] and counts["rejected"] == 0


def test_rejected_rows_of_several_files_name_their_file(client, keys, runner):
    # the report listed "ligne 26 : identifiant en double" twice, from two files, without saying which
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    for name, prefix in (("velo.csv", "a"), ("bus.csv", "b")):
        rows = [{**r, "id": prefix + r["id"]} for r in consultation_rows()]
        rows.append({**rows[0], "avis": "Un second"})  # the same id: rejected
        assert upload(client, cid, to_csv(rows), h, name=name).status_code == 201
    run = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    runner.drain()
    report = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()
    line = len(consultation_rows()) + 2
    assert [(r["file"], r["line"]) for r in report["rejected"]] == [("velo.csv", line), ("bus.csv", line)]
    page = client.get(f"/api/runs/{run.json()['id']}/report", params={"format": "html"}, headers=h).text
    assert f"bus.csv, ligne {line}" in page and f"velo.csv, ligne {line}" in page


def test_run_report_members_contribution(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    run = client.get(f"/api/runs/{done.run_id}", headers=h).json()
    assert run["progress"] == 1.0 and run["error"] is None and run["settings"]["embedder"] == "fake-hash"
    counts = done.report["manifest"]["counts"]
    assert counts["contributions"] == counts["clustered"] + counts["noise"] + counts["excluded"]
    assert done.report["review"] == {"version": "reviewed", "history": []}
    themes = clusters(done.report)
    assert len(themes) >= 2
    theme = themes[0]
    page = client.get(
        f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members",
        params={"limit": 5, "offset": 0},
        headers=h,
    ).json()
    assert page["count"] == theme["size"] and len(page["data"]) == min(5, theme["size"])
    rest = client.get(
        f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members",
        params={"limit": 1000, "offset": 5},
        headers=h,
    ).json()
    ids = [m["contribution_id"] for m in page["data"] + rest["data"]]
    assert len(ids) == len(set(ids)) == theme["size"]
    assert {m["key"] for m in page["data"] + rest["data"]} == {m["contribution_id"] for m in theme["members"]}
    contribution = client.get(f"/api/contributions/{ids[0]}", headers=h).json()
    assert contribution["id"] == ids[0]
    [a] = contribution["assignments"]
    assert a["run_id"] == done.run_id and a["cluster_id"] == theme["cluster_id"] and a["strength"] is not None
    html = client.get(f"/api/runs/{done.run_id}/report", params={"format": "html"}, headers=h)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "historique de la relecture" in html.text
    assert client.get(f"/api/runs/{done.run_id}/clusters/nope/members", headers=h).status_code == 404
    listed = client.get(f"/api/consultations/{done.consultation_id}/runs", headers=h).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == done.run_id


def test_exports(client, keys, runner):
    h = keys.h()
    rows = consultation_rows()
    rows[1]["avis"] = '=HYPERLINK("http://x") Je souhaite des garages à vélo'
    rows[2]["avis"] = "@SUM(1) - vélo en ville pistes cyclables"
    rows[3]["avis"] = "Des pistes cyclables, écrivez-moi : velo@exemple.fr ou 06 12 34 56 78"
    done = make_run(client, runner, h, rows=rows)
    url = f"/api/runs/{done.run_id}/export"
    data = client.get(url, params={"format": "csv"}, headers=h)
    assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(data.text)))
    assert len(table) == len(rows)
    texts = {r["source_id"]: r["text"] for r in table}
    assert texts["c1"].startswith("'=HYPERLINK") and texts["c2"].startswith("'@SUM")
    # RGPD: e-mail addresses and phone numbers are cut out of every text shown, stored as written
    assert texts["c3"] == "Des pistes cyclables, écrivez-moi : […] ou […]"
    key = next(r["contribution_id"] for r in table if r["source_id"] == "c3")
    assert client.get(f"/api/contributions/{key}", headers=h).json()["text"] == texts["c3"]
    assert "exemple.fr" not in json.dumps(done.report)
    for theme in clusters(done.report):
        members = client.get(
            f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members",
            params={"limit": 1000},
            headers=h,
        )
        assert "exemple.fr" not in members.text
    assert {r["status"] for r in table} <= {"clustered", "noise", "excluded"}
    assert all(r["weight"] for r in table)
    xlsx = client.get(url, params={"format": "xlsx"}, headers=h)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "contribution_id" and len(values) == len(rows) + 1
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+")) for row in values for v in row)
    polis = client.get(url, params={"format": "polis"}, headers=h)
    assert 'filename="comments.csv"' in polis.headers["content-disposition"]
    comments = list(csv.DictReader(io.StringIO(polis.text)))
    assert "exemple.fr" not in polis.text and "exemple.fr" not in data.text
    assert list(comments[0]) == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    assert len(comments) == len(rows) and {c["moderated"] for c in comments} <= {"1", "-1"}
    as_json = client.get(url, params={"format": "json"}, headers=h).json()
    assert as_json["manifest"]["counts"] == done.report["manifest"]["counts"]
    assert "<html" in client.get(url, params={"format": "html"}, headers=h).text.lower()


def test_compare_and_rerun_with_other_settings_does_not_reembed(client, keys, runner):
    from synthesis.embed import _LOADED

    h = keys.h()
    done = make_run(client, runner, h)
    embedder = next(e for (name, _), e in _LOADED.items() if name == "fake-hash")
    calls = embedder.calls
    r = client.post(
        f"/api/consultations/{done.consultation_id}/runs",
        json={"settings": {**FAST_SETTINGS, "min_cluster_size": 8}},
        headers=h,
    )
    runner.drain()
    other = r.json()["id"]
    assert client.get(f"/api/runs/{other}", headers=h).json()["status"] == "succeeded"
    assert embedder.calls == calls  # every vector came from the embeddings table
    cmp = client.get(f"/api/runs/{done.run_id}/compare/{other}", headers=h).json()
    assert cmp["run_id"] == done.run_id and cmp["other_run_id"] == other
    total = done.report["manifest"]["counts"]["contributions"]
    assert cmp["moved_count"] + cmp["stayed_count"] == total
    assert sum(t["size"] for t in cmp["themes"]) == total
    same = client.get(f"/api/runs/{done.run_id}/compare/{done.run_id}", headers=h).json()
    assert same["moved_count"] == 0 and all(t["size_change"] == 0 for t in same["themes"])
    assert all(
        (t["other_status"], t["other_cluster_id"]) == (t["status"], t["cluster_id"]) for t in same["themes"]
    )
    # noise and excluded contributions: one group per question and status, never lumped together
    groups = [(t["question_id"], t["status"]) for t in same["themes"] if t["status"] != "clustered"]
    assert len(groups) == len(set(groups))
    rank = {"clustered": 0, "noise": 1, "excluded": 2}
    by_question: dict[str, list[str]] = {}
    for t in same["themes"]:
        by_question.setdefault(t["question_id"], []).append(t["status"])
    assert all(s == sorted(s, key=rank.__getitem__) for s in by_question.values())  # themes, noise, excluded
    for q in done.report["questions"]:
        for status, members in (("noise", q["noise"]), ("excluded", q["excluded"])):
            sizes = [
                t["size"]
                for t in same["themes"]
                if (t["question_id"], t["status"]) == (q["question_id"], status)
            ]
            assert sizes == ([len(members)] if members else [])


def test_cancel(client, keys, runner):
    h = keys.h()
    cid = client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]
    upload(client, cid, to_csv(consultation_rows()), h)
    run_id = client.post(
        f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h
    ).json()["id"]
    cancelled = client.post(f"/api/runs/{run_id}/cancel", headers=h).json()
    assert cancelled["status"] == "cancelled"
    runner.drain()
    assert client.get(f"/api/runs/{run_id}", headers=h).json()["status"] == "cancelled"
    assert client.get(f"/api/runs/{run_id}/report", headers=h).json()["code"] == "conflict"
    assert client.post(f"/api/runs/{run_id}/cancel", headers=h).status_code == 409


def test_preview(client, keys):
    r = client.post(
        "/api/imports/preview",
        files={"file": ("e.csv", to_csv(consultation_rows()), "text/csv")},
        headers=keys.h(),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert "avis" in str(body)


def test_health_and_openapi(client):
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 200


def test_the_documentation_page_needs_no_other_site(client):
    # FastAPI's /docs loaded Swagger UI from cdn.jsdelivr.net: blank on an offline or intranet machine
    page = client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text
    for asset in re.findall(r"""(?:src|href)=['"](/docs-assets/[^'"]+)['"]""", page.text):
        assert client.get(asset).status_code == 200, asset
    assert len(re.findall("/docs-assets/", page.text)) == 3  # script, stylesheet, icon


def test_the_documentation_page_is_given_a_description_its_swagger_ui_reads(client):
    # the bundled Swagger UI (4.15) reads OpenAPI 2.0 and 3.0.n only: given FastAPI's 3.1.0 description, /docs
    # showed "Unable to render this definition. The provided definition does not specify a valid version field"
    # and no route at all
    from swagger_ui_bundle import swagger_ui_path

    bundled = int(re.search(r"swagger-ui-(\d+)\.", str(swagger_ui_path)).group(1))
    page = client.get("/docs").text
    url = re.search(r"""url: ['"]([^'"]+)['"]""", page).group(1)
    described = client.get(url)
    assert described.status_code == 200
    doc = described.json()
    if bundled < 5:
        assert re.fullmatch(r"3\.0\.\d+", doc["openapi"]), doc["openapi"]
        assert '{"type": "null"}' not in json.dumps(doc) and '"const"' not in json.dumps(doc)
    full = client.get("/openapi.json").json()
    assert full["openapi"].startswith("3.1") and doc["paths"].keys() == full["paths"].keys()
    member = doc["components"]["schemas"]["MemberPublic"]["properties"]["strength"]
    assert member.get("nullable") is True and member["type"] == "number", member
