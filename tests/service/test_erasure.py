"""A participant's erasure (RGPD art. 17): ``POST /api/consultations/{id}/erasures`` removes their contributions'
texts and personal fields from everywhere the service keeps them (contributions and their previous texts, every
stored run's reports, published links, exports, cached vectors), keeps their place and counts in the runs, leaves
an audit trail without personal data, and a re-import of the export does not bring them back."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import Session, SQLModel, select

from service import crud
from service.erasure import ERASED_REASON
from service.models import Contribution, Import, Run, StoredEmbedding
from synthesis.embed import text_key
from tests.service.factories import FAST_SETTINGS, consultation_rows, to_csv
from tests.service.helpers import file_service, make_run, stored_bytes, upload

# Words no other row writes (ASCII: found byte for byte whatever the JSON escaping)
MARKER = "Zorglubienne"
UNIQUE = f"Je veux des pistes cyclables securisees rue {MARKER} devant chez moi au numero 42"
EDITED = f"Je veux des pistes cyclables securisees rue {MARKER} devant chez moi, au 42 bis"
SHARED = "Il faut des bus plus frequents le soir dans mon quartier"
AUTHOR = "Jeanne Martin-Zorglub"
ZIP = "97133"
MAPPING = json.dumps({"text": "avis", "id": "id", "author": "auteur", "question": "sujet", "postcode": "cp"})
MAPPED = {"mapping": MAPPING, "text_column": None, "id_column": None, "author_column": None}


def _rows(unique: str = UNIQUE) -> list[dict[str, str]]:
    rows = [r | {"cp": "69001"} for r in consultation_rows()]
    rows.append({"id": "rgpd-1", "auteur": AUTHOR, "avis": unique, "sujet": "velo", "cp": ZIP})
    rows.append({"id": "rgpd-2", "auteur": AUTHOR, "avis": SHARED, "sujet": "bus", "cp": ZIP})
    rows.append({"id": "other", "auteur": "user3", "avis": SHARED, "sujet": "bus", "cp": "69001"})
    return rows


def _run(client, runner, h, cid: int) -> int:
    r = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h)
    assert r.status_code == 202, r.text
    runner.drain()
    assert client.get(f"/api/runs/{r.json()['id']}", headers=h).json()["status"] == "succeeded"
    return r.json()["id"]


def _themes(report: dict):
    """Every theme and sub-theme of ``report``."""

    def walk(clusters):
        for cl in clusters:
            yield cl
            yield from walk(cl["subclusters"])

    for q in report["questions"]:
        yield from walk(q["clusters"])


def _members(report: dict) -> dict[str, str]:
    return {m["source_id"]: cl["cluster_id"] for cl in _themes(report) for m in cl["members"]}


def _quotes_are_verbatim(report: dict) -> list[dict]:
    """The report's quotes, each checked to be the verbatim text of a contribution it lists, none erased."""
    texts = {c["contribution_id"]: c for c in report["contributions"]}
    quotes = [qt for cl in _themes(report) for qt in cl["quotes"]]
    for qt in quotes:
        quoted = texts[qt["contribution_id"]]
        assert not quoted["erased"] and qt["text"] == quoted["text"]
    return quotes


def test_an_erasure_by_author_leaves_their_texts_nowhere_and_a_reimport_does_not_bring_them_back(tmp_path):
    folder = tmp_path / "data"
    with file_service(folder) as (client, runner, h, engine):
        key = h["X-API-Key"]
        cid = client.post("/api/consultations", json={"title": "Plan vélo"}, headers=h).json()["id"]
        assert upload(client, cid, to_csv(_rows()), h, **MAPPED).status_code == 201
        first = _run(client, runner, h, cid)
        token = client.post(f"/api/runs/{first}/publish", headers=h).json()["token"]
        # a newer export corrects the text: the first one is kept as a previous version
        assert upload(client, cid, to_csv(_rows(EDITED)), h, **MAPPED).json()["updated"] == 1
        second = _run(client, runner, h, cid)
        before = client.get(f"/api/runs/{second}/report", headers=h).json()
        with Session(engine) as s:
            model = json.loads(s.get(Run, first).report)["manifest"]["embedder"]["model_id"]
            keys = set(s.exec(select(StoredEmbedding.key)))
            ids = dict(s.exec(select(Contribution.source_id, Contribution.id)).all())
        assert {text_key(model, UNIQUE), text_key(model, EDITED), text_key(model, SHARED)} <= keys
        assert MARKER.encode() in stored_bytes(folder)

        erased = client.post(f"/api/consultations/{cid}/erasures", json={"author_ids": [AUTHOR]}, headers=h)
        assert erased.status_code == 201, erased.text
        audit = erased.json()
        assert (audit["contributions"], audit["runs"], audit["criteria"]) == (2, [first, second], ["authors"])
        assert audit["key_prefix"] == key[:10]

        stored = stored_bytes(folder)
        for personal in (MARKER, AUTHOR, ZIP):
            assert personal.encode() not in stored, personal
        with Session(engine) as s:
            keys = set(s.exec(select(StoredEmbedding.key)))
            author_ref = s.get(Contribution, ids["other"]).author_ref  # another author's, kept
        assert text_key(model, UNIQUE) not in keys and text_key(model, EDITED) not in keys
        assert text_key(model, SHARED) in keys  # another contribution still writes it
        assert author_ref is not None

        shown = client.get(f"/api/contributions/{ids['rgpd-1']}", headers=h).json()
        assert (shown["text"], shown["author_ref"], shown["zipcode"], shown["previous_versions"]) == (
            "",
            None,
            None,
            [],
        )
        assert shown["erasure_id"] == audit["id"]
        after = client.get(f"/api/runs/{second}/report", headers=h).json()
        assert after["manifest"]["counts"] == before["manifest"]["counts"]
        assert _members(after) == _members(before)  # still counted where the run placed them
        _quotes_are_verbatim(after)
        page = client.get(f"/r/{token}").text
        assert "Contribution effacée à la demande de son auteur." in page and MARKER not in page
        for fmt in ("csv", "xlsx", "polis", "json", "html"):
            exported = client.get(f"/api/runs/{first}/export?format={fmt}", headers=h).content
            assert MARKER.encode() not in exported and ZIP.encode() not in exported, fmt
        assert client.get(f"/api/consultations/{cid}", headers=h).json()["erased"] == 2
        listed = client.get(f"/api/consultations/{cid}/erasures", headers=h).json()
        assert listed["count"] == 1 and listed["data"][0] == audit

        again = upload(client, cid, to_csv(_rows()), h, **MAPPED)
        assert again.status_code == 201 and again.json()["erased"] == 2
        warning = next(w for w in again.json()["warnings"] if w["code"] == "erased_rows_skipped")
        assert "2 ligne(s)" in warning["message"]
        third = client.get(f"/api/runs/{_run(client, runner, h, cid)}/report", headers=h).json()
        reasons = {e["source_id"]: e["reason"] for q in third["questions"] for e in q["excluded"]}
        assert reasons["rgpd-1"] == reasons["rgpd-2"] == ERASED_REASON
        assert MARKER.encode() not in stored_bytes(folder)


def test_an_erasure_by_id_drops_its_quotes_and_keeps_the_others_verbatim(client, keys, runner, engine):
    h = keys.h()
    done = make_run(client, runner, h)
    quoted = [qt for q in done.report["questions"] for cl in q["clusters"] for qt in cl["quotes"]]
    target = quoted[0]
    text = next(
        c["text"] for c in done.report["contributions"] if c["contribution_id"] == target["contribution_id"]
    )
    cluster = next(cl for q in done.report["questions"] for cl in q["clusters"] if target in cl["quotes"])
    renamed = client.post(
        f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}/rename", json={"label": "Vélo"}, headers=h
    )
    assert renamed.status_code == 201, renamed.text
    with Session(engine) as s:
        of_run = Contribution.consultation_id == done.consultation_id
        contribution = s.exec(
            select(Contribution.id).where(of_run, Contribution.key == target["contribution_id"])
        ).one()
    r = client.post(
        f"/api/consultations/{done.consultation_id}/erasures",
        json={"contribution_ids": [contribution]},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["contributions"], r.json()["runs"], r.json()["criteria"]) == (
        1,
        [done.run_id],
        ["contribution_ids"],
    )
    for version in ("reviewed", "automatic"):
        report = client.get(f"/api/runs/{done.run_id}/report?version={version}", headers=h).json()
        quotes = _quotes_are_verbatim(report)
        assert target["contribution_id"] not in {qt["contribution_id"] for qt in quotes}
        assert _members(report)[target["source_id"]] == cluster["cluster_id"]  # still a member, still counted
        assert report["manifest"]["counts"] == done.report["manifest"]["counts"]
        html = client.get(f"/api/runs/{done.run_id}/report?format=html&version={version}", headers=h).text
        assert text not in html and "Contribution effacée à la demande de son auteur." in html
    english = client.get(f"/api/runs/{done.run_id}/report?format=html", headers=h | {"Accept-Language": "en"})
    assert "Contribution erased at its author" in english.text
    rows = csv.DictReader(
        io.StringIO(client.get(f"/api/runs/{done.run_id}/export?format=csv", headers=h).text)
    )
    assert {row["contribution_id"]: row["text"] for row in rows}[str(contribution)] == ""
    # a rejected quote is never replaced by an erased member
    rejected = client.post(
        f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}/quotes/reject",
        json={"contribution_id": contribution},
        headers=h,
    )
    assert rejected.status_code in (201, 422), rejected.text
    # a split of its theme neither quotes it nor loses it
    split = client.post(
        f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}/split",
        json={"min_cluster_size": 3},
        headers=h,
    )
    assert split.status_code in (201, 422), split.text
    report = client.get(f"/api/runs/{done.run_id}/report", headers=h).json()
    _quotes_are_verbatim(report)
    assert target["source_id"] in _members(report) or target["source_id"] in {
        n["source_id"] for q in report["questions"] for n in q["noise"]
    }


def test_an_erasure_names_what_it_cannot_find_and_stays_within_its_tenant(client, keys, runner, engine):
    h = keys.h()
    done = make_run(client, runner, h)
    cid = done.consultation_id
    with Session(engine) as s:
        own = s.exec(select(Contribution.id).where(Contribution.consultation_id == cid)).first()
    url = f"/api/consultations/{cid}/erasures"

    unknown = client.post(url, json={"contribution_ids": [own, 999_999, 888_888]}, headers=h)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert "2 contribution(s) introuvable(s)" in unknown.json()["message"]
    assert "888888, 999999" in unknown.json()["message"]
    english = client.post(
        url, json={"author_ids": ["user1", "nobody"]}, headers=h | {"Accept-Language": "en"}
    )
    assert english.status_code == 404 and "author no. 2" in english.json()["message"]
    assert "nobody" not in english.text  # an author's id is never echoed
    empty = client.post(url, json={}, headers=h)
    assert empty.status_code == 422 and "Rien à effacer" in empty.json()["message"]
    assert client.post(url, json={"contribution_ids": [own]}, headers=keys.h("a_ro")).status_code == 403

    # another tenant sees neither the consultation nor its contributions
    assert client.post(url, json={"contribution_ids": [own]}, headers=keys.h("b")).status_code == 404
    other = client.post("/api/consultations", json={"title": "B"}, headers=keys.h("b")).json()["id"]
    theirs = client.post(
        f"/api/consultations/{other}/erasures", json={"contribution_ids": [own]}, headers=keys.h("b")
    )
    assert theirs.status_code == 404 and str(own) in theirs.json()["message"]
    with Session(engine) as s:
        assert s.get(Contribution, own).erasure_id is None and s.get(Contribution, own).text

    # a run under way may have read the texts: the erasure waits for it
    with Session(engine) as s:
        run = s.get(Run, done.run_id)
        run.status = "running"
        s.add(run)
        s.commit()
    busy = client.post(url, json={"contribution_ids": [own]}, headers=h)
    assert busy.status_code == 409 and str(done.run_id) in busy.json()["message"]
    assert client.get(f"/api/consultations/{cid}/erasures", headers=h).json()["count"] == 0


def test_an_erasure_of_the_withdrawn_contributions_empties_them(client, keys, runner, engine):
    h = keys.h()
    rows = consultation_rows()
    done = make_run(client, runner, h, rows=rows)
    gone = rows[3]
    upload(client, done.consultation_id, to_csv([r for r in rows if r is not gone]), h, mode="replace")
    r = client.post(
        f"/api/consultations/{done.consultation_id}/erasures", json={"withdrawn": True}, headers=h
    )
    assert r.status_code == 201 and r.json()["contributions"] == 1, r.text
    with Session(engine) as s:
        row = s.exec(select(Contribution).where(Contribution.source_id == gone["id"])).one()
        assert (row.text, row.author_ref, row.erasure_id) == ("", None, r.json()["id"])
    old = client.get(f"/api/runs/{done.run_id}/export?format=csv", headers=h).text
    assert gone["avis"] not in old
    # asked again, it erases nothing more (and says so)
    again = client.post(
        f"/api/consultations/{done.consultation_id}/erasures", json={"withdrawn": True}, headers=h
    )
    assert again.status_code == 201 and (again.json()["contributions"], again.json()["runs"]) == (0, [])


def test_a_scrubbed_report_keeps_no_word_that_only_the_erased_contributions_wrote():
    from schemas.report import (
        Campaign,
        CampaignMember,
        CampaignVariant,
        Cluster,
        ContributionOut,
        Counts,
        EmbedderInfo,
        Keyword,
        Member,
        QuestionReport,
        Quote,
        Report,
        RunManifest,
    )
    from service.erasure import scrub_report

    texts = {"a": f"Une piste rue {MARKER}", "b": "Une piste cyclable", "c": "Une piste cyclable svp"}
    template = "Une piste cyclable pour tous, partout et tout de suite"
    cluster = Cluster(
        cluster_id="q-0",
        label=f"{MARKER.lower()} · piste",
        keywords=[Keyword(term=MARKER.lower(), weight=0.9), Keyword(term="piste", weight=0.5)],
        size=3,
        quotes=[Quote(contribution_id=k, source_id=k, text=texts[k]) for k in ("a", "b")],
        members=[
            Member(
                contribution_id="a", source_id="a", strength=1.0, matched_keywords=[MARKER.lower(), "piste"]
            ),
            Member(contribution_id="b", source_id="b", strength=0.9, matched_keywords=["piste"]),
            Member(contribution_id="c", source_id="c", strength=0.8, matched_keywords=["piste"]),
        ],
    )
    campaign = Campaign(
        campaign_id="1",
        size=3,
        distinct_authors=3,
        template=template,
        members=[
            CampaignMember(contribution_id=k, source_id=k, diff=f"+{MARKER}" if k == "a" else None)
            for k in "abc"
        ],
        variants=[
            CampaignVariant(text=template, count=2, contribution_ids=["b", "c"]),
            CampaignVariant(text=f"{template} {MARKER}", count=1, kind="near", contribution_ids=["a"]),
        ],
    )
    manifest = RunManifest(
        input_sha256="0" * 64,
        settings={},
        embedder=EmbedderInfo(name="fake", model_id="fake", version="0", dimension=2),
        versions={},
        seed=0,
        counts=Counts(contributions=3, clustered=3),
    )
    report = Report(
        manifest=manifest,
        rejected=[],
        questions=[
            QuestionReport(
                question_id="q",
                question_text="Q ?",
                clusters=[cluster],
                noise=[],
                excluded=[],
                campaigns=[campaign],
            )
        ],
        contributions=[
            ContributionOut(
                contribution_id=k, source_id=k, question_id="q", text=t, zipcode=ZIP if k == "a" else "69001"
            )
            for k, t in texts.items()
        ],
    )
    assert scrub_report(report, {"a"}) and not scrub_report(report.model_copy(deep=True), {"zz"})
    assert MARKER.lower() not in report.model_dump_json().lower()
    (cl,) = report.questions[0].clusters
    assert (cl.label, [k.term for k in cl.keywords], cl.size) == ("piste", ["piste"], 3)
    assert [qt.contribution_id for qt in cl.quotes] == ["b"] and len(cl.members) == 3
    assert [v.contribution_ids for v in report.questions[0].campaigns[0].variants] == [["b", "c"]]
    assert report.questions[0].campaigns[0].template == template  # still written by others
    assert ZIP not in report.model_dump_json()


def test_a_run_whose_process_died_does_not_hold_an_erasure_back(client, keys, runner, engine):
    # a run left "running" by a process that is gone (no sign of life for the lease) reads nothing any more: it is
    # marked failed, as the runs' routes do, and the erasure goes ahead instead of answering 409 for ever
    from datetime import timedelta

    from service.models import utcnow

    h = keys.h()
    done = make_run(client, runner, h)
    with Session(engine) as s:
        run = s.get(Run, done.run_id)
        run.status, run.worker, run.heartbeat_at = "running", "host:1", utcnow() - timedelta(hours=1)
        s.add(run)
        s.commit()
        own = s.exec(
            select(Contribution.id).where(Contribution.consultation_id == done.consultation_id)
        ).first()
    r = client.post(
        f"/api/consultations/{done.consultation_id}/erasures", json={"contribution_ids": [own]}, headers=h
    )
    assert r.status_code == 201, r.text
    assert client.get(f"/api/runs/{done.run_id}", headers=h).json()["status"] == "failed"


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).scalar()
        )


def test_an_erasure_waits_for_a_review_action_under_way_and_keeps_it(client, keys, runner, engine):
    # PostgreSQL: an erasure read a run's reviewed report while a reviewer's action held the run, then wrote its
    # scrubbed copy over the action's report once it committed: the action was recorded but lost from the report
    import threading

    import pytest

    from service.erasure import ErasureRequest, erase_contributions
    from service.models import ApiKey, Consultation

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the erasure's first write waits for the action")
    h = keys.h()
    done = make_run(client, runner, h)
    cluster = next(cl for q in done.report["questions"] for cl in q["clusters"])
    with Session(engine) as s:
        own = s.exec(
            select(Contribution.id).where(Contribution.consultation_id == done.consultation_id)
        ).first()
    reviewer = Session(engine)
    run = crud.lock_run(session=reviewer, run_id=done.run_id)  # a review action under way
    reviewed = json.loads(run.report)
    reviewed["questions"][0]["clusters"][0]["label"] = "Relu"
    run.reviewed_report = json.dumps(reviewed)
    reviewer.add(run)
    reviewer.flush()

    def erase() -> None:
        with Session(engine) as s:
            consultation = s.get(Consultation, done.consultation_id)
            key = s.exec(select(ApiKey)).first()
            erase_contributions(
                session=s,
                consultations=[consultation],
                key=key,
                request=ErasureRequest(contribution_ids=[own]),
                secret=b"",
            )

    eraser = threading.Thread(target=erase)
    eraser.start()
    while eraser.is_alive() and not _waiting_on_a_lock(engine):
        eraser.join(0.05)
    reviewer.commit()
    reviewer.close()
    eraser.join()
    report = client.get(f"/api/runs/{done.run_id}/report", headers=h).json()
    assert report["questions"][0]["clusters"][0]["label"] == "Relu" and cluster["cluster_id"]
    assert any(c["erased"] for c in report["contributions"])


def test_a_celery_shard_reads_the_texts_after_an_erasure_under_way(tmp_path):
    # a shard read the consultation's texts while an erasure held it (not yet committed: the texts as they
    # were), then stored their vectors after the erasure had forgotten them
    import threading

    from service.jobs.tasks import embed_shard
    from service.models import Consultation

    folder = tmp_path / "data"
    with file_service(folder) as (client, runner, h, engine):
        cid = client.post("/api/consultations", json={"title": "c"}, headers=h).json()["id"]
        upload(client, cid, to_csv(_rows()), h, **MAPPED)
        with Session(engine) as s:
            run = Run(consultation_id=cid, settings=FAST_SETTINGS, status="running")
            s.add(run)
            s.commit()
            run_id = run.id
        eraser = Session(engine)
        crud.lock_consultation(session=eraser, consultation_id=cid)  # an erasure under way
        row = eraser.exec(select(Contribution).where(Contribution.source_id == "rgpd-1")).one()
        row.text = ""
        eraser.add(row)
        eraser.flush()
        shard = threading.Thread(target=embed_shard, args=(run_id, 0, 1), kwargs={"engine": engine})
        shard.start()
        shard.join(0.5)  # the shard reads (or waits for the erasure) meanwhile
        eraser.commit()
        eraser.close()
        shard.join()
        with Session(engine) as s:
            keys = set(s.exec(select(StoredEmbedding.key)))
            assert s.get(Consultation, cid) is not None
        assert text_key("fake-hash-64", SHARED) in keys and text_key("fake-hash-64", UNIQUE) not in keys


def test_a_word_only_the_erased_contribution_wrote_leaves_the_labels_and_the_review_history(
    client, keys, runner, engine
):
    # a theme's label naming a word only the erased contribution wrote (a street): the reports and the themes
    # dropped it, but the review history kept it in the labels it recorded before and after each action
    from service.models import Theme

    h = keys.h()
    done = make_run(client, runner, h)
    word = MARKER.lower()
    with Session(engine) as s:
        run = s.get(Run, done.run_id)
        report = json.loads(run.report)
        cluster = report["questions"][0]["clusters"][0]
        member = cluster["members"][0]
        cluster["label"] = f"{word} · {cluster['label']}"
        cluster["keywords"].insert(0, {"term": word, "weight": 1.0})
        member["matched_keywords"] = [word, *member["matched_keywords"]]
        run.report = json.dumps(report)
        theme = s.exec(
            select(Theme).where(Theme.run_id == run.id, Theme.cluster_id == cluster["cluster_id"])
        ).one()
        theme.label = theme.auto_label = cluster["label"]
        s.add_all([run, theme])
        s.commit()
        target = s.exec(
            select(Contribution.id).where(
                Contribution.consultation_id == done.consultation_id,
                Contribution.key == member["contribution_id"],
            )
        ).one()
    url = f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}"
    assert client.post(f"{url}/rename", json={"label": "Vélo"}, headers=h).status_code == 201
    assert word in client.get(f"/api/runs/{done.run_id}/review", headers=h).text
    erased = client.post(
        f"/api/consultations/{done.consultation_id}/erasures", json={"contribution_ids": [target]}, headers=h
    )
    assert erased.status_code == 201, erased.text
    assert word not in client.get(f"/api/runs/{done.run_id}/review", headers=h).text
    for version in ("reviewed", "automatic"):
        assert word not in client.get(f"/api/runs/{done.run_id}/report?version={version}", headers=h).text
        members = client.get(f"{url}/members?version={version}", headers=h).json()
        assert word not in members["label"]


def _decidim_files() -> tuple[bytes, bytes]:
    """A Decidim proposals export (proposal 7 by the participant who asks for erasure, 8 by another) and the
    comments on them, as the platform's open-data download writes them."""
    url = "https://participez.example.fr/processes/budget/f/3/proposals/"
    proposals = (
        "id;category/id;category/name/fr;title;body;votes;comments;created_at;url;author/id;author/name\n"
    )
    proposals += f"7;;;Une passerelle rue {MARKER};Une passerelle pour traverser la voie ferree;3;6;;{url}7;41;{AUTHOR}\n"
    proposals += f"8;;;Des bancs au parc;Plus de bancs et d'ombre au parc central;2;6;;{url}8;42;Paul\n"
    comments = "id;created_at;body;author/id;author/name;alignment;depth;commentable_id;commentable_type;"
    comments += "root_commentable_url\n"
    for i in range(12):
        root = 7 if i < 6 else 8
        body = f"Avis numero {i} : oui, bonne idee, surtout pour les enfants du quartier"
        comments += (
            f"{100 + i};;{body};{50 + i};Voisin {i};1;0;{root};Decidim::Proposals::Proposal;{url}{root}\n"
        )
    return proposals.encode(), comments.encode()


def test_the_comments_on_an_erased_proposal_no_longer_read_its_title(client, keys, runner, engine):
    # Decidim: the comments on a proposal answer it by its title (its author's words), which stayed their
    # question's text in the contributions and every report after the proposal was erased, and came back with
    # the next import of the proposals' open-data ZIP
    from tests.utils.archives import zip_bytes

    h = keys.h()
    proposals, comments = _decidim_files()
    cid = client.post("/api/consultations", json={"title": "Budget"}, headers=h).json()["id"]

    def imported(name: str, content: bytes) -> dict:
        r = client.post(f"/api/consultations/{cid}/imports", files={"file": (name, content)}, headers=h)
        assert r.status_code == 201, r.text
        return r.json()

    imported("proposals.csv", proposals)
    imported("proposal_comments.csv", comments)
    run = _run(client, runner, h, cid)
    assert MARKER in client.get(f"/api/runs/{run}/report", headers=h).text
    with Session(engine) as s:
        ids = dict(s.exec(select(Contribution.key, Contribution.id)).all())
    r = client.post(
        f"/api/consultations/{cid}/erasures", json={"contribution_ids": [ids["proposal-7"]]}, headers=h
    )
    assert r.status_code == 201, r.text

    report = client.get(f"/api/runs/{run}/report", headers=h)
    assert (
        MARKER not in report.text
        and MARKER not in client.get(f"/api/runs/{run}/report?format=html", headers=h).text
    )
    question = {q["question_id"]: q["question_text"] for q in report.json()["questions"]}
    assert question["proposal-7"] == "Proposition n° 7" and question["proposal-8"] == "Des bancs au parc"
    assert client.get(f"/api/contributions/{ids['comment-100']}", headers=h).json()["question_text"] == (
        "Proposition n° 7"
    )
    # the platform still holds it: its next open-data download names it again beside its comments
    host = "participez.example.fr"
    download = zip_bytes(
        {f"{host}-open-data-proposals.csv": proposals, f"{host}-open-data-proposal_comments.csv": comments}
    )
    for name, content in (("open-data.zip", download), ("proposal_comments.csv", comments)):
        assert imported(name, content)["erased"] == (name == "open-data.zip")
        with Session(engine) as s:
            texts = set(s.exec(select(Contribution.question_text).where(Contribution.consultation_id == cid)))
        assert not any(MARKER in t for t in texts), name
    assert MARKER not in client.get(f"/api/runs/{_run(client, runner, h, cid)}/report", headers=h).text


def test_a_new_version_of_a_file_without_ids_cannot_bring_an_erased_text_back(client, keys, runner, engine):
    # rows without ids are known by their line: a newer export that lost a row before the erased one shifted it
    # onto the line before, whose contribution then took the erased text back (and its author)
    h = keys.h()
    rows = [{"auteur": r["auteur"], "avis": r["avis"]} for r in consultation_rows()]
    rows[3] = {"auteur": AUTHOR, "avis": UNIQUE}
    cid = client.post("/api/consultations", json={"title": "Sans identifiants"}, headers=h).json()["id"]

    def imported(content: bytes):
        return client.post(
            f"/api/consultations/{cid}/imports",
            files={"file": ("export.csv", content, "text/csv")},
            data={"text_column": "avis", "author_column": "auteur"},
            headers=h,
        )

    assert imported(to_csv(rows)).status_code == 201
    r = client.post(f"/api/consultations/{cid}/erasures", json={"author_ids": [AUTHOR]}, headers=h)
    assert r.status_code == 201 and r.json()["contributions"] == 1, r.text

    shifted = imported(to_csv(rows[1:]))  # the first row moderated out: every line moves up by one
    assert shifted.status_code == 422 and "ne donne pas d'identifiant" in shifted.json()["message"]
    with Session(engine) as s:
        texts = set(s.exec(select(Contribution.text).where(Contribution.consultation_id == cid)))
        assert (
            UNIQUE not in texts
            and s.exec(select(Import).where(Import.consultation_id == cid)).all()[-1].id == 1
        )
    english = client.post(
        f"/api/consultations/{cid}/imports",
        files={"file": ("export.csv", to_csv(rows[1:]), "text/csv")},
        data={"text_column": "avis", "author_column": "auteur"},
        headers=h | {"Accept-Language": "en"},
    )
    assert english.status_code == 422 and "gives its rows no id" in english.json()["message"]
    again = imported(to_csv(rows))  # the same bytes: the lines are the same, the erased one skipped
    assert again.status_code == 201 and again.json()["erased"] == 1


def test_a_participant_is_erased_from_every_consultation_of_the_tenant_at_once(client, keys, runner, engine):
    # a participant who answered several consultations of the collectivité: one request erases them all, another
    # tenant's consultations are out of its reach, an author found nowhere is named by position
    h = keys.h()
    rows = _rows()
    first = make_run(client, runner, h, rows=rows)
    second = make_run(client, runner, h, rows=rows)
    theirs = make_run(client, runner, keys.h("b"), rows=rows)  # another tenant's, the same participant
    url = "/api/erasures"
    assert client.post(url, json={"author_ids": [AUTHOR]}, headers=keys.h("a_ro")).status_code == 403
    unknown = client.post(url, json={"author_ids": [AUTHOR, "Personne Inconnue"]}, headers=h)
    assert unknown.status_code == 404 and "n° 2" in unknown.json()["message"]
    with Session(engine) as s:
        other = s.exec(
            select(Contribution.id).where(Contribution.consultation_id == theirs.consultation_id)
        ).first()
    assert client.post(url, json={"contribution_ids": [other]}, headers=h).status_code == 404

    r = client.post(url, json={"author_ids": [AUTHOR]}, headers=h)
    assert r.status_code == 201, r.text
    done = {e["consultation_id"]: (e["contributions"], e["runs"]) for e in r.json()["data"]}
    assert done == {first.consultation_id: (2, [first.run_id]), second.consultation_id: (2, [second.run_id])}
    for run in (first, second):
        assert MARKER not in client.get(f"/api/runs/{run.run_id}/report", headers=h).text
    assert MARKER in client.get(f"/api/runs/{theirs.run_id}/report", headers=keys.h("b")).text
    assert (
        client.get(url, headers=h).json()["count"] == 2
        and client.get(url, headers=keys.h("b")).json()["count"] == 0
    )


def test_a_full_export_without_an_erased_row_does_not_count_it_withdrawn(client, keys, runner, engine):
    # the platform erased the row too: the whole export no longer holds it, but it was gone already; the import
    # said it withdrew it, and the consultation counted it withdrawn as well as erased
    h = keys.h()
    rows = consultation_rows()
    done = make_run(client, runner, h, rows=rows)
    with Session(engine) as s:
        erased = s.exec(select(Contribution.id).where(Contribution.source_id == rows[2]["id"])).one()
    url = f"/api/consultations/{done.consultation_id}"
    assert client.post(f"{url}/erasures", json={"contribution_ids": [erased]}, headers=h).status_code == 201
    rest = [r for r in rows if r is not rows[2] and r is not rows[5]]  # and another row removed by moderation
    imp = upload(client, done.consultation_id, to_csv(rest), h, mode="replace")
    assert imp.status_code == 201 and (imp.json()["withdrawn"], imp.json()["erased"]) == (1, 0)
    consultation = client.get(url, headers=h).json()
    assert (consultation["withdrawn"], consultation["erased"]) == (1, 1)


def _rows_holding(engine, needle: str) -> list[str]:
    """``table.column`` of every stored value holding ``needle`` (any table, any column, read as text)."""
    from sqlalchemy import String, cast, func
    from sqlalchemy import select as sa_select

    found = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                hit = sa_select(func.count()).where(cast(column, String).contains(needle))
                if conn.execute(hit).scalar():
                    found.append(f"{table.name}.{column.name}")
    return found


def test_no_table_holds_the_erased_texts_afterwards(client, keys, runner, engine):
    # SQLite and PostgreSQL: every column of every table, read as text
    h = keys.h()
    done = make_run(client, runner, h, rows=_rows())
    assert (
        upload(client, done.consultation_id, to_csv(_rows(EDITED)), h).status_code == 201
    )  # a previous text
    client.post(f"/api/runs/{done.run_id}/publish", headers=h)
    assert {"contributions.text", "contribution_versions.text", "runs.report"} <= set(
        _rows_holding(engine, MARKER)
    )
    r = client.post(
        f"/api/consultations/{done.consultation_id}/erasures", json={"author_ids": [AUTHOR]}, headers=h
    )
    assert r.status_code == 201, r.text
    assert _rows_holding(engine, MARKER) == [] and _rows_holding(engine, AUTHOR) == []


def test_an_author_is_found_as_a_run_read_them_after_a_newer_export_changed_the_author(client, keys, runner):
    # the export corrected the row's author since: the run still counted it as the participant's
    h = keys.h()
    rows = _rows()
    done = make_run(client, runner, h, rows=rows)
    corrected = [r | {"auteur": "Autre Personne"} if r["id"] == "rgpd-1" else r for r in rows]
    assert upload(client, done.consultation_id, to_csv(corrected), h).json()["updated"] == 1
    url = f"/api/consultations/{done.consultation_id}/erasures"
    r = client.post(url, json={"author_ids": [AUTHOR.upper(), "  autre   personne "]}, headers=h)
    assert r.status_code == 201 and r.json()["contributions"] == 2, r.text  # rgpd-1 (both) and rgpd-2
    assert MARKER not in client.get(f"/api/runs/{done.run_id}/report", headers=h).text


def test_the_exports_say_why_an_erased_contribution_has_no_text(client, keys, runner, engine):
    # the spreadsheet showed an empty text cell with nothing saying why, and the Polis export counted the erased
    # contribution as an accepted comment with an empty body
    h = keys.h()
    done = make_run(client, runner, h, rows=_rows())
    with Session(engine) as s:
        erased = s.exec(select(Contribution.id).where(Contribution.source_id == "rgpd-1")).one()
    url = f"/api/consultations/{done.consultation_id}/erasures"
    assert client.post(url, json={"contribution_ids": [erased]}, headers=h).status_code == 201
    export = f"/api/runs/{done.run_id}/export"
    rows = {
        r["contribution_id"]: r
        for r in csv.DictReader(io.StringIO(client.get(f"{export}?format=csv", headers=h).text))
    }
    assert (rows[str(erased)]["text"], rows[str(erased)]["reason"]) == ("", ERASED_REASON)
    assert all(r["reason"] != ERASED_REASON for k, r in rows.items() if k != str(erased))
    polis = {
        r["comment-id"]: r
        for r in csv.DictReader(io.StringIO(client.get(f"{export}?format=polis", headers=h).text))
    }
    assert polis[str(erased)]["moderated"] == "-1" and polis[str(erased)]["comment-body"] == ""


def test_a_theme_s_member_list_says_which_members_were_erased(client, keys, runner, engine):
    # GET .../members listed an erased member with an empty text and nothing saying why
    h = keys.h()
    done = make_run(client, runner, h, rows=_rows())
    cluster = next(
        cl for cl in _themes(done.report) if any(m["source_id"] == "rgpd-1" for m in cl["members"])
    )
    with Session(engine) as s:
        erased = s.exec(select(Contribution.id).where(Contribution.source_id == "rgpd-1")).one()
    url = f"/api/consultations/{done.consultation_id}/erasures"
    assert client.post(url, json={"contribution_ids": [erased]}, headers=h).status_code == 201
    members = f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}/members?limit=1000"
    listed = {m["contribution_id"]: m for m in client.get(members, headers=h).json()["data"]}
    assert (listed[erased]["text"], listed[erased]["erased"]) == ("", True)
    assert not any(m["erased"] for k, m in listed.items() if k != erased)


def test_a_split_computed_while_an_erasure_commits_does_not_store_the_erased_text_s_vectors(
    client, keys, runner, engine, monkeypatch
):
    # a split is clustered before the run's lock, its new vectors stored at once: an erasure committing
    # meanwhile forgot the erased text's vectors, and the split stored them again
    from service.erasure import ErasureRequest, erase_contributions
    from service.models import ApiKey, Consultation
    from service.review import store
    from synthesis.prepare import normalise_text

    h = keys.h()
    done = make_run(client, runner, h)
    texts = {c["contribution_id"]: c["text"] for c in done.report["contributions"]}
    counts: dict[str, int] = {}
    for text in texts.values():
        counts[text] = counts.get(text, 0) + 1
    cluster = max(
        (cl for q in done.report["questions"] for cl in q["clusters"]), key=lambda cl: len(cl["members"])
    )
    target = next(m for m in cluster["members"] if counts[texts[m["contribution_id"]]] == 1)
    erased_text = texts[target["contribution_id"]]
    model = done.report["manifest"]["embedder"]["model_id"]
    with Session(engine) as s:
        own = s.exec(
            select(Contribution.id).where(
                Contribution.consultation_id == done.consultation_id,
                Contribution.key == target["contribution_id"],
            )
        ).one()
        s.execute(StoredEmbedding.__table__.delete())  # the split embeds its members again, storing them
        s.commit()
    embed_unique = store.embed_unique
    erased: list[int] = []

    def erasure_commits_meanwhile(*args, **kwargs):  # the split has read the report, not yet embedded it
        if not erased:
            erased.append(own)
            with Session(engine) as s:
                erase_contributions(
                    session=s,
                    consultations=[s.get(Consultation, done.consultation_id)],
                    key=s.exec(select(ApiKey)).first(),
                    request=ErasureRequest(contribution_ids=[own]),
                    secret=b"",
                )
        return embed_unique(*args, **kwargs)

    monkeypatch.setattr(store, "embed_unique", erasure_commits_meanwhile)
    r = client.post(
        f"/api/runs/{done.run_id}/clusters/{cluster['cluster_id']}/split",
        json={"min_cluster_size": 3},
        headers=h,
    )
    assert r.status_code in (201, 422), r.text
    assert erased, "the split embedded nothing: the race was not met"
    with Session(engine) as s:
        stored = set(s.exec(select(StoredEmbedding.key)))
    assert text_key(model, normalise_text(erased_text)) not in stored
