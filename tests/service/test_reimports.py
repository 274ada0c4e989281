"""Re-imports over time: a newer export updates what changed in its rows; an import of the whole export of a file
(``mode=replace``) withdraws the contributions that file no longer holds: later runs exclude them with the
reason, earlier runs keep reading them, nothing is silently lost."""

from __future__ import annotations

from sqlmodel import Session, select

from service.models import Contribution
from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import empty_consultation, make_run, upload


def _run(client, runner, h, cid: int) -> dict:
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    runner.drain()
    run = client.get(f"/api/runs/{r.json()['id']}", headers=h).json()
    assert run["status"] == "succeeded", run
    return client.get(f"/api/runs/{run['id']}/report", headers=h).json()


def _excluded(report: dict) -> dict[str, str]:
    return {e["source_id"]: e["reason"] for q in report["questions"] for e in q["excluded"]}


def test_a_full_export_withdraws_the_contributions_it_no_longer_holds(client, keys, runner, engine):
    h = keys.h()
    rows = consultation_rows()
    done = make_run(client, runner, h, rows=rows)
    cid = done.consultation_id
    erased = {"c3", "c20"}  # spam removed by moderation, a participant's erasure request
    smaller = to_csv([r for r in rows if r["id"] not in erased])

    # a partial file in the default mode (merge) withdraws nothing: the organiser did not say it is whole
    merged = upload(client, cid, smaller, h, name="export.csv")
    assert merged.json()["mode"] == "merge" and merged.json()["withdrawn"] == 0

    imp = upload(client, cid, smaller, h, name="export.csv", mode="replace")
    assert imp.status_code == 201, imp.text
    assert imp.json()["mode"] == "replace" and imp.json()["withdrawn"] == 2
    assert imp.json()["unchanged"] == len(rows) - 2 and imp.json()["added"] == 0

    report = _run(client, runner, h, cid)
    counts = report["manifest"]["counts"]
    assert counts["contributions"] == len(rows)  # counted, never silently dropped
    assert counts["clustered"] + counts["noise"] + counts["excluded"] == counts["contributions"]
    reasons = _excluded(report)
    assert set(reasons) >= erased
    assert all(
        reasons[s].startswith("retirée de l'export du ") and "export.csv" in reasons[s] for s in erased
    )
    placed = {m["source_id"] for q in report["questions"] for cl in q["clusters"] for m in cl["members"]}
    placed |= {n["source_id"] for q in report["questions"] for n in q["noise"]}
    assert not placed & erased

    # the earlier run still reads them
    before = {m["source_id"] for q in done.report["questions"] for cl in q["clusters"] for m in cl["members"]}
    before |= {n["source_id"] for q in done.report["questions"] for n in q["noise"]}
    assert erased <= before
    again = client.get(f"/api/runs/{done.run_id}/report", headers=h).json()
    assert not set(_excluded(again)) & erased

    # the contribution says which import withdrew it
    with Session(engine) as s:
        erased_id = s.exec(select(Contribution.id).where(Contribution.source_id == "c3")).one()
    shown = client.get(f"/api/contributions/{erased_id}", headers=h).json()
    assert shown["withdrawn_import_id"] == imp.json()["id"]

    # the whole export holding them again brings them back
    back = upload(client, cid, to_csv(rows), h, name="export.csv", mode="replace")
    assert back.json()["withdrawn"] == 0 and back.json()["updated"] == 2
    assert not set(_excluded(_run(client, runner, h, cid))) & erased


def test_a_full_export_withdraws_only_the_rows_of_its_own_file(client, keys, runner):
    # another file of the consultation (comments beside proposals) is not the export being replaced
    h = keys.h()
    rows = consultation_rows()
    cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
    upload(client, cid, to_csv(rows[:10]), h, name="propositions.csv")
    upload(client, cid, to_csv(rows[10:20]), h, name="commentaires.csv")
    imp = upload(client, cid, to_csv(rows[:8]), h, name="propositions.csv", mode="replace")
    assert imp.json()["withdrawn"] == 2
    consultation = client.get(f"/api/consultations/{cid}", headers=h).json()
    assert (consultation["contributions"], consultation["withdrawn"]) == (20, 2)
    unknown = upload(client, cid, to_csv(rows[:1]), h, name="autre.csv", mode="replace")
    assert unknown.json()["withdrawn"] == 0
    bad = upload(client, cid, to_csv(rows[:1]), h, name="autre.csv", mode="remplacer")
    assert bad.status_code == 422 and "mode" in bad.json()["message"]


def test_the_celery_shards_embed_no_withdrawn_text(client, keys, engine):
    # the shards embed what the run reads: a withdrawn (maybe erased) text is never embedded again
    from service.jobs.tasks import embed_shard, load_inputs, shard_texts
    from service.models import Run

    h = keys.h()
    rows = consultation_rows()
    cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
    upload(client, cid, to_csv(rows), h, name="export.csv")
    upload(client, cid, to_csv(rows[1:]), h, name="export.csv", mode="replace")
    with Session(engine) as s:
        records = load_inputs(s, cid)[0]
        run = Run(consultation_id=cid, settings=FAST_SETTINGS)
        s.add(run)
        s.commit()
        run_id = run.id
    texts = shard_texts(records, 0, 1)
    assert rows[0]["avis"] not in texts
    assert embed_shard(run_id, 0, 1, engine=engine) == len(texts)


def test_a_full_export_without_row_ids_warns_that_its_rows_are_known_by_their_line(client, keys):
    # without ids a row is its line: removing one shifts the next ones, and the last line is the one withdrawn
    h = keys.h()
    rows = consultation_rows()
    cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
    by_line = {"text_column": "avis", "id_column": "", "author_column": "auteur"}
    assert upload(client, cid, to_csv(rows), h, name="avis.csv", **by_line).json()["warnings"] == []
    imp = upload(client, cid, to_csv(rows[1:]), h, name="avis.csv", mode="replace", **by_line).json()
    assert imp["withdrawn"] == 1 and [w["code"] for w in imp["warnings"]] == ["replace_by_line"]
    assert "numéro de ligne" in imp["warnings"][0]["message"]
    en = upload(
        client,
        cid,
        to_csv(rows[1:]),
        {**h, "Accept-Language": "en"},
        name="avis.csv",
        mode="replace",
        **by_line,
    ).json()
    assert "line number" in en["warnings"][0]["message"]
    with_ids = upload(client, cid, to_csv(rows), h, name="export.csv").json()
    assert (
        upload(client, cid, to_csv(rows[1:]), h, name="export.csv", mode="replace").json()["warnings"] == []
    )
    assert with_ids["warnings"] == []


def test_a_newer_export_that_corrects_the_dates_updates_them(client, keys, runner):
    # the dates (and the other columns the export keeps) of a row are its data too: a newer export correcting
    # only them counted every row "unchanged" and kept the old dates, which the next run read (submission times)
    import json

    h = keys.h()
    mapping = json.dumps({"text": "avis", "id": "id", "author": "auteur", "date": "date"})
    rows = [{**r, "date": "2026-03-01 10:00:00"} for r in consultation_rows()]
    cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
    assert upload(client, cid, to_csv(rows), h, mapping=mapping).status_code == 201
    corrected = [{**r, "date": "2026-03-02 18:30:00"} for r in rows]
    imp = upload(client, cid, to_csv(corrected), h, mapping=mapping).json()
    assert (imp["updated"], imp["unchanged"]) == (len(rows), 0)
    report = _run(client, runner, h, cid)
    assert {c["created_at"] for c in report["contributions"]} == {"2026-03-02 18:30:00"}


def test_the_imports_of_a_consultation_are_listed_for_its_readers(client, keys):
    # the import history (which file, when, what it added, updated, withdrew) was only in each upload's answer:
    # another organiser or an auditor could not see it
    h = keys.h()
    rows = consultation_rows()
    cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
    first = upload(client, cid, to_csv(rows), h, name="export.csv").json()
    second = upload(client, cid, to_csv(rows[2:]), h, name="export.csv", mode="replace").json()
    listed = client.get(f"/api/consultations/{cid}/imports", headers=keys.h("a_ro"))
    assert listed.status_code == 200
    assert listed.json()["count"] == 2 and listed.json()["data"] == [first, second]
    assert [(i["mode"], i["withdrawn"]) for i in listed.json()["data"]] == [("merge", 0), ("replace", 2)]
    assert client.get(f"/api/consultations/{cid}/imports", headers=keys.h("b")).status_code == 404


def test_the_runs_after_a_withdrawal_show_no_text_of_the_withdrawn_contributions(client, keys, runner):
    # a participant's erasure: the runs after it counted the contribution among the excluded ones but still
    # printed its text in their report (JSON, HTML, public link) and their exports; earlier runs keep it
    import csv
    import io

    h = keys.h()
    rows = consultation_rows()
    done = make_run(client, runner, h, rows=rows)
    erased = rows[3]
    upload(client, done.consultation_id, to_csv([r for r in rows if r is not erased]), h, mode="replace")
    r = client.post(
        f"/api/consultations/{done.consultation_id}/runs", json={"settings": FAST_SETTINGS}, headers=h
    )
    runner.drain()
    run_id = r.json()["id"]
    report = client.get(f"/api/runs/{run_id}/report", headers=h).json()
    shown = {c["source_id"]: c["text"] for c in report["contributions"]}
    assert shown[erased["id"]] == "" and _excluded(report)[erased["id"]].startswith("retirée")
    assert erased["avis"] not in client.get(f"/api/runs/{run_id}/report?format=html", headers=h).text
    for fmt in ("csv", "polis"):
        assert erased["avis"] not in client.get(f"/api/runs/{run_id}/export?format={fmt}", headers=h).text
    exported = csv.DictReader(
        io.StringIO(client.get(f"/api/runs/{run_id}/export?format=csv", headers=h).text)
    )
    assert {r["source_id"]: r["status"] for r in exported}[erased["id"]] == "excluded"
    # the run made before it keeps the text it read
    old = client.get(f"/api/runs/{done.run_id}/export?format=csv", headers=h).text
    assert erased["avis"] in old
    assert {c["source_id"]: c["text"] for c in done.report["contributions"]}[erased["id"]] == erased["avis"]


def test_an_import_refuses_a_mode_it_does_not_know(engine, tmp_path):
    import pytest

    from service.imports import import_file

    path = tmp_path / "export.csv"
    path.write_bytes(to_csv(consultation_rows()))
    with Session(engine) as s:
        consultation = empty_consultation(s)
        with pytest.raises(ValueError, match="'remplacer' is none of"):
            import_file(
                session=s, consultation=consultation, path=path, filename="export.csv", mode="remplacer"
            )
