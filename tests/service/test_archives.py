"""ZIP exports through the API: the import and its preview read every contribution file of a Decidim open-data
download or a Polis export with their side files, as the command line does for files on disk, and say which
files they read or skipped and why; hostile archives are a clear 4xx or a stated skip, and the service goes on."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.models import Contribution, Import
from synthesis.ingest import read_file
from tests.service.conftest import service_app
from tests.service.factories import consultation_rows, to_csv
from tests.service.helpers import upload
from tests.utils.archives import DECIDIM, HOST, POLIS, decidim_zip, polis_zip, zip_bytes

EN = {"Accept-Language": "en"}


def _consultation(client, h) -> int:
    return client.post("/api/consultations", json={"title": "t"}, headers=h).json()["id"]


def _post(client, h, cid: int | None, name: str, content: bytes):
    url = f"/api/consultations/{cid}/imports" if cid is not None else "/api/imports/preview"
    return client.post(url, files={"file": (name, content, "application/zip")}, headers=h)


def _stored(engine, cid: int) -> dict[str, Contribution]:
    with Session(engine) as s:
        rows = s.exec(select(Contribution).where(Contribution.consultation_id == cid)).all()
        return {c.key: c for c in rows}


def test_decidim_open_data_zip_imports_every_contribution_file_with_the_debates_titles(client, keys, engine):
    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    h = keys.h()
    cid = _consultation(client, h)
    r = _post(client, h, cid, f"{HOST}-open-data.zip", decidim_zip())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == body["added"] == 196 + 29 + 693 and body["rejected"] == []
    members = {m["name"]: m for m in body["members"]}
    read = {n: (m["kind"], m["rows"]) for n, m in members.items() if m["status"] == "read"}
    assert read == {
        f"{HOST}-open-data-proposals.csv": ("proposals", 196),
        f"{HOST}-open-data-debates.csv": ("debates", 29),
        f"{HOST}-open-data-debate_comments.csv": ("comments", 693),
    }
    assert "meetings" in members[f"{HOST}-open-data-meetings.csv"]["reason"]
    # the comments answer their debate by its title, as the command line reads them beside the debates export
    on_disk = read_file(DECIDIM / "commentaires_debats.csv")
    stored = _stored(engine, cid)
    assert all(stored[c.contribution_id].question_text == c.question_text for c in on_disk.contributions)
    assert not any(c.question_text.startswith("Débat n°") for c in stored.values())
    again = _post(client, h, cid, f"{HOST}-open-data (1).zip", decidim_zip()).json()
    assert again["unchanged"] == 918 and again["added"] == 0  # the same archive again adds nothing
    en = _post(client, {**h, **EN}, cid, "x.zip", decidim_zip()).json()
    assert {m["name"]: m["reason"] for m in en["members"]}["LISEZMOI.md"].startswith("not a readable export")


def test_a_decidim_comments_export_uploaded_after_its_debates_answers_them_by_title(client, keys, engine):
    # the service never saw the debates export beside the comments: uploaded one after the other, each
    # comment answered "Débat n° 23" where the command line (and the ZIP) gives the debate's title
    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    h = keys.h()
    cid = _consultation(client, h)
    assert upload(client, cid, (DECIDIM / "debats.csv").read_bytes(), h, name="debats.csv").status_code == 201
    r = upload(client, cid, (DECIDIM / "commentaires_debats.csv").read_bytes(), h, name="commentaires.csv")
    assert r.status_code == 201, r.text
    on_disk = read_file(
        DECIDIM / "commentaires_debats.csv"
    )  # beside debats.csv, as the command line reads it
    stored = _stored(engine, cid)
    assert all(stored[c.contribution_id].question_text == c.question_text for c in on_disk.contributions)
    assert not any(c.question_text.startswith("Débat n°") for c in stored.values())


def test_polis_zip_gives_the_question_of_its_summary_which_a_lone_comments_file_cannot(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    alone = upload(client, cid, (POLIS / "comments.csv").read_bytes(), h, name="comments.csv")
    assert alone.status_code == 201, alone.text
    questions = {c.question_text for c in _stored(engine, cid).values()}
    assert questions == {f"consultation-{cid}"}  # no summary beside the upload: the folder's name
    r = _post(client, h, cid, "export.zip", polis_zip(None))
    assert r.status_code == 201, r.text
    assert r.json()["updated"] == 39 and r.json()["added"] == 0  # the same comments, now with their question
    questions = {(c.question_id, c.question_text) for c in _stored(engine, cid).values()}
    assert len(questions) == 1 and questions.pop()[1].startswith("What is the best way to engage")
    statuses = {m["name"]: m["status"] for m in r.json()["members"]}
    assert statuses == {
        "comments.csv": "read",
        "participants-votes.csv": "skipped",
        "summary.csv": "side",
        "votes.csv": "skipped",
    }


def test_preview_of_a_zip_lists_its_files_in_the_callers_language(client, keys):
    r = _post(client, {**keys.h(), **EN}, None, "polis.zip", polis_zip())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["member"] == "london.youth.policing/comments.csv" and body["format"] == "polis"
    reasons = {m["name"].rsplit("/", 1)[-1]: m["reason"] for m in body["members"]}
    assert reasons["votes.csv"] == "Polis votes: not contributions"


def test_a_run_counts_each_row_of_each_file_of_a_zip_and_names_its_file(client, keys, engine):
    # rows were told apart by (import, source id): a proposal and a comment of one Decidim ZIP both "515"
    # were one row (92 rows of 918 lost from the count once another file was imported), and a rejected row
    # of a ZIP lost the name of its file in the report
    from service.jobs.tasks import load_inputs

    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    h = keys.h()
    cid = _consultation(client, h)
    spreadsheets = zip_bytes(
        {"a.csv": b"id;avis\n1;Des bus\n1;Doublon\n", "b.csv": b"id;avis\n1;Des trains\n"}
    )
    assert _post(client, h, cid, "tableurs.zip", spreadsheets).status_code == 201
    with Session(engine) as s:
        _, _, rejected, rows_read, _, _ = load_inputs(s, cid)
    assert rows_read == 3 and [(r.file, r.line) for r in rejected] == [("a.csv", 3)]
    assert _post(client, h, cid, f"{HOST}-open-data.zip", decidim_zip()).status_code == 201
    with Session(engine) as s:
        _, _, rejected, rows_read, _, _ = load_inputs(s, cid)
    assert rows_read == 3 + 196 + 29 + 693
    assert [(r.file, r.line) for r in rejected] == [("tableurs.zip/a.csv", 3)]


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(Contribution)).one(),
            s.exec(select(func.count()).select_from(Import)).one(),
        )


def test_a_zip_bomb_is_413_naming_the_limit_and_the_service_goes_on(engine, runner, keys):
    app = service_app(engine, runner, max_upload_bytes=200_000, max_archive_bytes=300_000)
    h = keys.h()
    bomb = zip_bytes({"avis.csv": b"id,avis\n" + b"1" * 5_000_000})  # 5 MB unpacked, a few kB packed
    spread = zip_bytes({f"q{i}.csv": b"id,avis\n" + b"1" * 150_000 for i in range(3)})
    with TestClient(app) as client:
        cid = _consultation(client, h)
        for content, said in (
            (bomb, "la limite de 200\u00a0000 octets par fichier de l'archive"),
            (spread, "L'archive décompressée dépasse la limite de 300\u00a0000 octets"),
        ):
            for where in (cid, None):
                r = _post(client, h, where, "bomb.zip", content)
                assert r.status_code == 413 and r.json()["code"] == "archive_too_large", r.text
                assert said in r.json()["message"], r.json()
        en = _post(client, {**h, **EN}, cid, "bomb.zip", bomb).json()
        assert "exceeds, unpacked, the limit of 200,000 bytes per file" in en["message"]
        many = zip_bytes({f"f{i}.csv": b"id,avis\n1,a\n" for i in range(1001)})
        r = _post(client, h, cid, "many.zip", many)
        assert r.status_code == 422 and r.json()["code"] == "invalid_archive", r.text
        assert "1001 membres (limite : 1000)" in r.json()["message"]
        assert _counts(engine) == (0, 0)  # nothing half-written
        ok = upload(client, cid, to_csv(consultation_rows()), h)  # the service keeps answering
        assert ok.status_code == 201, ok.text


def test_hostile_members_are_skipped_with_their_reason_and_a_corrupt_zip_is_422(client, keys, engine):
    h = keys.h()
    cid = _consultation(client, h)
    good = b"id;avis\n1;Plus de bus le soir\n"
    data = zip_bytes(
        {"avis.csv": good, "../../../tmp/evil.csv": good, "inner.zip": zip_bytes({"x.csv": good})}
    )
    r = _post(client, {**h, **EN}, cid, "mixed.zip", data)
    assert r.status_code == 201, r.text
    reasons = {m["name"]: (m["status"], m["reason"]) for m in r.json()["members"]}
    assert reasons["../../../tmp/evil.csv"] == (
        "skipped",
        "path outside the archive ('..' or an absolute path): not read",
    )
    assert reasons["inner.zip"][0] == "skipped" and reasons["avis.csv"][0] == "read"
    assert r.json()["accepted"] == 1
    corrupt = _post(client, h, cid, "broken.zip", data[: len(data) // 2])
    assert corrupt.status_code == 422 and corrupt.json()["code"] == "invalid_archive", corrupt.text
    assert "corrompue" in corrupt.json()["message"]
    assert _counts(engine) == (1, 1)
