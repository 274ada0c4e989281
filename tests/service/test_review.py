"""Human review: rename, merge, split, move, reject a quote; history; automatic version kept; carried over."""

from __future__ import annotations

import uuid

import pytest

from tests.service.factories import FAST_SETTINGS, TOPICS, consultation_rows
from tests.service.helpers import clusters, make_run


def _carried_run(client, runner, done, h):
    """A new run of ``done``'s consultation carrying its review, run to its end: the answer of its request."""
    r = client.post(
        f"/api/consultations/{done.consultation_id}/runs",
        json={"settings": FAST_SETTINGS, "carry_review_from": done.run_id},
        headers=h,
    )
    runner.drain()
    return r


def _report(client, run_id, h, version="reviewed"):
    return client.get(f"/api/runs/{run_id}/report", params={"version": version}, headers=h).json()


def _member_ids(client, run_id, cluster_id, h):
    page = client.get(f"/api/runs/{run_id}/clusters/{cluster_id}/members", params={"limit": 1000}, headers=h)
    return [m["contribution_id"] for m in page.json()["data"]]


def test_review_actions_and_history(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    base = f"/api/runs/{done.run_id}"
    a, b = clusters(done.report)[:2]

    r = client.post(f"{base}/clusters/{a['cluster_id']}/rename", json={"label": "Vélo"}, headers=h)
    assert r.status_code == 201, r.text
    act = r.json()
    assert (
        act["actor"] == "agent-a" and act["before"]["label"] == a["label"] and act["after"]["label"] == "Vélo"
    )

    moved = _member_ids(client, done.run_id, b["cluster_id"], h)[0]
    r = client.post(
        f"{base}/moves", json={"contribution_id": moved, "to_cluster_id": a["cluster_id"]}, headers=h
    )
    assert r.status_code == 201, r.text
    assert moved in _member_ids(client, done.run_id, a["cluster_id"], h)
    detail = client.get(f"/api/contributions/{moved}", headers=h).json()["assignments"][0]
    assert detail["cluster_id"] == a["cluster_id"] and detail["auto_cluster_id"] == b["cluster_id"]

    r = client.post(f"{base}/moves", json={"contribution_id": moved, "to_cluster_id": None}, headers=h)
    assert r.status_code == 201
    assert client.get(f"/api/contributions/{moved}", headers=h).json()["assignments"][0]["status"] == "noise"

    quote = _report(client, done.run_id, h)["questions"][0]["clusters"][0]["quotes"][0]
    qid = next(
        m["contribution_id"]
        for m in client.get(
            f"{base}/clusters/{a['cluster_id']}/members", params={"limit": 1000}, headers=h
        ).json()["data"]
        if m["key"] == quote["contribution_id"]
    )
    r = client.post(
        f"{base}/clusters/{a['cluster_id']}/quotes/reject", json={"contribution_id": qid}, headers=h
    )
    assert r.status_code == 201, r.text
    reviewed = _report(client, done.run_id, h)
    theme_a = next(c for c in clusters(reviewed) if c["cluster_id"] == a["cluster_id"])
    assert quote["contribution_id"] not in {q["contribution_id"] for q in theme_a["quotes"]}
    assert len(theme_a["quotes"]) == len(a["quotes"])  # replaced by the next central member
    texts = {c["contribution_id"]: c["text"] for c in reviewed["contributions"]}
    assert all(texts[q["contribution_id"]] == q["text"] for q in theme_a["quotes"])

    r = client.post(
        f"{base}/clusters/{b['cluster_id']}/merge", json={"into_cluster_id": a["cluster_id"]}, headers=h
    )
    assert r.status_code == 201, r.text
    reviewed = _report(client, done.run_id, h)
    ids = {c["cluster_id"] for c in clusters(reviewed)}
    assert b["cluster_id"] not in ids
    merged = next(c for c in clusters(reviewed) if c["cluster_id"] == a["cluster_id"])
    assert merged["size"] == a["size"] + b["size"] - 1 and merged["label"] == "Vélo"
    counts = reviewed["manifest"]["counts"]
    assert counts["contributions"] == counts["clustered"] + counts["noise"] + counts["excluded"]
    assert [x["action"] for x in reviewed["review"]["history"]] == [
        "rename",
        "move",
        "move",
        "reject_quote",
        "merge",
    ]

    automatic = _report(client, done.run_id, h, "automatic")
    assert automatic["review"]["version"] == "automatic"
    assert [c["cluster_id"] for c in clusters(automatic)] == [c["cluster_id"] for c in clusters(done.report)]
    auto_members = client.get(
        f"{base}/clusters/{b['cluster_id']}/members", params={"version": "automatic"}, headers=h
    ).json()
    assert auto_members["count"] == b["size"] and auto_members["label"] == b["label"]
    history = client.get(f"{base}/review", headers=h).json()
    assert history["count"] == 5 and all(x["created_at"] for x in history["data"])


def test_split_recluster_members(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    base = f"/api/runs/{done.run_id}"
    a, b = clusters(done.report)[:2]
    client.post(
        f"{base}/clusters/{b['cluster_id']}/merge", json={"into_cluster_id": a["cluster_id"]}, headers=h
    )
    r = client.post(f"{base}/clusters/{a['cluster_id']}/split", json={"min_cluster_size": 5}, headers=h)
    assert r.status_code == 201, r.text
    parts = r.json()["after"]["parts"]
    assert len(parts) >= 2
    reviewed = _report(client, done.run_id, h)
    sizes = {c["cluster_id"]: c["size"] for c in clusters(reviewed)}
    assert (
        sum(sizes[p["cluster_id"]] for p in parts) + r.json()["after"]["remainder"] == a["size"] + b["size"]
    )
    for p in parts:
        assert len(_member_ids(client, done.run_id, p["cluster_id"], h)) == p["size"]
    bad = client.post(
        f"{base}/clusters/{parts[0]['cluster_id']}/split", json={"min_cluster_size": 500}, headers=h
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_review"


def _move_first(client, run_id, source, target, h) -> int:
    """Move the first member of theme ``source`` into theme ``target``; its contribution id."""
    moved = _member_ids(client, run_id, source["cluster_id"], h)[0]
    r = client.post(
        f"/api/runs/{run_id}/moves",
        json={"contribution_id": moved, "to_cluster_id": target["cluster_id"]},
        headers=h,
    )
    assert r.status_code == 201, r.text
    return moved


def _themes(report):
    """Every theme and sub-theme of ``report``."""
    out, todo = [], clusters(report)
    while todo:
        out.append(todo.pop())
        todo += out[-1]["subclusters"]
    return out


def _placed(report):
    """contribution key -> (weight, flags) of every member and « non classée » item."""
    found = {m["contribution_id"]: (m["weight"], m["flags"]) for t in clusters(report) for m in t["members"]}
    return found | {
        n["contribution_id"]: (n["weight"], n["flags"]) for q in report["questions"] for n in q["noise"]
    }


def test_who_speaks_in_each_theme_is_counted_again_after_a_review(client, keys, runner):
    # the merged theme kept the breakdown of its former self (its participants, weight and campaigns counted
    # on half its members), a split's parts had none, and a moved contribution lost its flags and 1/N weight
    h = keys.h()
    done = make_run(client, runner, h)
    base = f"/api/runs/{done.run_id}"
    a, b = clusters(done.report)[:2]
    r = client.post(
        f"{base}/clusters/{b['cluster_id']}/merge", json={"into_cluster_id": a["cluster_id"]}, headers=h
    )
    assert r.status_code == 201, r.text
    r = client.post(f"{base}/clusters/{a['cluster_id']}/split", json={"min_cluster_size": 5}, headers=h)
    assert r.status_code == 201, r.text
    part = r.json()["after"]["parts"][0]["cluster_id"]
    moved = _member_ids(client, done.run_id, part, h)[0]
    r = client.post(f"{base}/moves", json={"contribution_id": moved, "to_cluster_id": None}, headers=h)
    assert r.status_code == 201, r.text
    reviewed = _report(client, done.run_id, h)
    for theme in _themes(reviewed):
        origin, members = theme["origin"], theme["members"]
        assert (
            origin["contributions"] == theme["size"] == len(members) == sum(origin["author_types"].values())
        )
        assert origin["weighted"] == pytest.approx(sum(m["weight"] for m in members))
        assert origin["distinct_authors"] <= len(members)
    assert _placed(reviewed) == _placed(done.report)  # each keeps its weight and flags (very active authors)
    assert any("very_active_author" in flags for _, flags in _placed(reviewed).values())


def test_invalid_review_actions(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    base = f"/api/runs/{done.run_id}"
    a = clusters(done.report)[0]
    r = client.post(f"{base}/clusters/nope/rename", json={"label": "x"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "invalid_review"
    r = client.post(
        f"{base}/clusters/{a['cluster_id']}/merge", json={"into_cluster_id": a["cluster_id"]}, headers=h
    )
    assert r.status_code == 422
    excluded = done.report["questions"][0]["excluded"]
    assert excluded  # "RAS" is excluded as a non-answer
    assert client.get(f"{base}/review", headers=h).json()["count"] == 0


def test_rerun_carries_review_and_keeps_old_run(client, keys, runner):
    h = keys.h()
    done = make_run(client, runner, h)
    a = clusters(done.report)[0]
    client.post(
        f"/api/runs/{done.run_id}/clusters/{a['cluster_id']}/rename", json={"label": "Mon thème"}, headers=h
    )
    client.post(f"/api/runs/{done.run_id}/clusters/nope/rename", json={"label": "x"}, headers=h)  # refused
    r = _carried_run(client, runner, done, h)
    new = r.json()["id"]
    assert client.get(f"/api/runs/{new}", headers=h).json()["status"] == "succeeded"
    new_report = _report(client, new, h)
    assert "Mon thème" in {c["label"] for c in clusters(new_report)}
    [carried] = new_report["review"]["history"]
    assert carried["carried_from"] is not None and carried["actor"] == "agent-a"
    assert "Mon thème" in {c["label"] for c in clusters(_report(client, done.run_id, h))}  # old run untouched
    auto = _report(client, new, h, "automatic")
    assert "Mon thème" not in {c["label"] for c in clusters(auto)}
    assert len(TOPICS) and consultation_rows()


def test_no_unclassified_item_names_a_theme_the_review_removed():
    # after a merge, an item "between" the two themes still named the merged one (gone from the report), and
    # one whose closest theme was emptied by moves named it too
    from service.review import ops
    from tests.synthesis.test_html import make_report

    def named(report):
        return {(n.closest_cluster_id, n.other_cluster_id) for q in report.questions for n in q.noise}

    report = make_report()
    (item,) = report.questions[0].noise
    item.reason_code, item.closest_cluster_id, item.other_cluster_id = "between", "q1-0", "q1-1"
    ops.merge(report, "q1-1", "q1-0")
    assert named(report) == {("q1-0", None)}

    report = make_report()
    (gone,) = [cl for cl in report.questions[0].clusters if cl.cluster_id == "q1-1"]
    for m in list(gone.members):
        ops.move(report, m.contribution_id, m.source_id, "q1-0")
    assert "q1-1" not in {cl.cluster_id for cl in report.questions[0].clusters}
    assert named(report) == {(None, None)} and report.questions[0].noise[0].closest_similarity is None


def test_carried_quote_rejections_keep_every_rejected_quote_out(client, keys, runner):
    """Two quotes rejected one after the other (the second being the first one's replacement) stay out of the
    theme when the review is carried to a new run: the first one does not come back as the second's replacement."""
    h = keys.h()
    done = make_run(client, runner, h)
    theme = max(clusters(done.report), key=lambda cl: cl["size"])
    base = f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/quotes/reject"
    members = client.get(
        f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members", params={"limit": 1000}, headers=h
    ).json()["data"]
    api_id = {m["key"]: m["contribution_id"] for m in members}
    rejected = []
    for _ in range(2):
        report = _report(client, done.run_id, h)
        quote = next(cl for cl in clusters(report) if cl["cluster_id"] == theme["cluster_id"])["quotes"][0]
        r = client.post(base, json={"contribution_id": api_id[quote["contribution_id"]]}, headers=h)
        assert r.status_code == 201, r.text
        rejected.append(quote["contribution_id"])
    old_quotes = {
        q["contribution_id"] for cl in clusters(_report(client, done.run_id, h)) for q in cl["quotes"]
    }
    assert not old_quotes & set(rejected)

    r = _carried_run(client, runner, done, h)
    new_report = _report(client, r.json()["id"], h)
    assert [a["after"].get("skipped") for a in new_report["review"]["history"]] == [None, None]
    new_quotes = {q["contribution_id"] for cl in clusters(new_report) for q in cl["quotes"]}
    assert not new_quotes & set(rejected)


def test_a_carried_review_page_names_the_earlier_run_and_the_actions_not_carried(client, keys, runner):
    """The new run's « Relecture » page said « reprise de l'analyse n° N » with N the earlier action's id, not the
    earlier run's, and showed an action that could not be carried (a split) as if it had been done."""
    h = keys.h()
    done = make_run(client, runner, h)
    first, second, third = clusters(done.report)[:3]
    base = f"/api/runs/{done.run_id}"
    rename = client.post(f"{base}/clusters/{first['cluster_id']}/rename", json={"label": "Vélo"}, headers=h)
    merge = {"into_cluster_id": third["cluster_id"]}
    merged = client.post(f"{base}/clusters/{second['cluster_id']}/merge", json=merge, headers=h)
    split = client.post(
        f"{base}/clusters/{third['cluster_id']}/split", json={"min_cluster_size": 5}, headers=h
    )
    assert [rename.status_code, merged.status_code, split.status_code] == [201, 201, 201], split.text
    r = _carried_run(client, runner, done, h)
    new = r.json()["id"]
    history = client.get(f"/api/runs/{new}/review", headers=h).json()["data"]
    assert [a["carried_from_run"] for a in history] == [done.run_id] * 3
    assert [a["carried_from"] for a in history] != [done.run_id] * 3  # action ids: 1, 2, 3
    assert [bool(a["after"].get("skipped")) for a in history] == [False, False, True]
    assert history[2]["after"]["skipped_en"]
    for lang, carried, not_carried in (
        ("fr", f"reprise de l&#39;analyse n° {done.run_id}", "non reprise"),
        ("en", f"carried from run no. {done.run_id}", "not carried over"),
    ):
        page = client.get(
            f"/api/runs/{new}/report", params={"format": "html"}, headers={**h, "Accept-Language": lang}
        ).text
        assert page.count(carried) == 3 and page.count(not_carried) == 1, lang


def test_two_reviewers_at_once_keep_both_corrections(client, keys, runner, engine):
    """Two reviewers act on one run at the same time: the second action, whose request read the run before the
    first one was stored, is applied on top of it; the first correction was lost from the reviewed report (and
    its theme's label put back) while the history still listed it."""
    from sqlmodel import Session

    from service.models import Run
    from service.review.store import record_action

    h = keys.h()
    done = make_run(client, runner, h)
    first, second = clusters(done.report)[:2]
    with Session(engine) as late:
        stale = late.get(Run, done.run_id)  # the second reviewer's request has read the run
        r = client.post(
            f"/api/runs/{done.run_id}/clusters/{first['cluster_id']}/rename",
            json={"label": "Vélo"},
            headers=h,
        )
        assert r.status_code == 201
        payload = {"cluster_id": second["cluster_id"], "label": "Transports"}
        record_action(session=late, run=stale, action="rename", payload=payload, actor="agent-b")
    labels = {c["cluster_id"]: c["label"] for c in clusters(_report(client, done.run_id, h))}
    assert (labels[first["cluster_id"]], labels[second["cluster_id"]]) == ("Vélo", "Transports")
    export = client.get(f"/api/runs/{done.run_id}/export", params={"format": "csv"}, headers=h).text
    assert "Vélo" in export and "Transports" in export
    assert client.get(f"/api/runs/{done.run_id}/review", headers=h).json()["count"] == 2


def test_the_automatic_version_keeps_a_moved_members_automatic_strength(client, keys, runner):
    """A member moved by the review has the reviewed report's strength in the reviewed version, and keeps its
    automatic strength (and rank) in the automatic version of its first theme."""
    h = keys.h()
    done = make_run(client, runner, h)
    theme = clusters(done.report)[0]
    url = f"/api/runs/{done.run_id}/clusters/{theme['cluster_id']}/members"
    before = client.get(url, params={"version": "automatic", "limit": 1000}, headers=h).json()["data"]
    moved = before[0]
    r = client.post(
        f"/api/runs/{done.run_id}/moves",
        json={"contribution_id": moved["contribution_id"], "to_cluster_id": None},
        headers=h,
    )
    assert r.status_code == 201, r.text
    after = client.get(url, params={"version": "automatic", "limit": 1000}, headers=h).json()["data"]
    assert after == before
    reviewed = client.get(url, params={"limit": 1000}, headers=h).json()["data"]
    assert moved["contribution_id"] not in {m["contribution_id"] for m in reviewed}


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_engine(request, tmp_path):
    """A database that two threads reach through two connections (the in-memory one shares one connection)."""
    from sqlmodel import SQLModel

    from service.core.db import make_engine
    from tests.service.conftest import drop_schema, postgres_engine

    schema = f"t_{uuid.uuid4().hex[:12]}"
    if request.param == "postgres":
        eng = postgres_engine(schema)
    else:
        eng = make_engine(f"sqlite:///{tmp_path / 'review.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()
    if request.param == "postgres":
        drop_schema(schema)


def _run_on(engine):
    """A finished run made through the API on ``engine``."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from service import crud
    from service.core.config import Settings
    from service.jobs.inprocess import InProcessRunner
    from service.main import create_app

    runner = InProcessRunner(engine)
    settings = Settings(
        environment="test", database_url="sqlite://", run_migrations=False, jobs_autostart=False
    )
    with Session(engine) as s:
        tenant = crud.create_tenant(session=s, name="Ville A")
        _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="agent-a")
        s.commit()
    with TestClient(create_app(settings, engine=engine, runner=runner)) as client:
        return make_run(client, runner, {"X-API-Key": key})


def test_a_split_embeds_what_the_cache_lacks_while_the_run_is_locked(shared_engine):
    """A split embeds its theme's texts (their written forms chosen among its members only, so some are not in
    the cache) and stores the vectors while its action holds the run's lock; on SQLite, whose lock is the whole
    database's, the cache's own connection waited for it (busy_timeout, 30 s) and failed: 'database is
    locked'."""
    from sqlalchemy import delete, func
    from sqlmodel import Session, select

    from service.models import Run, StoredEmbedding
    from service.review import store

    done = _run_on(shared_engine)
    with Session(shared_engine) as s:
        s.execute(delete(StoredEmbedding))
        s.commit()
    a, b = clusters(done.report)[:2]
    for action, payload in (
        ("merge", {"cluster_id": b["cluster_id"], "into_cluster_id": a["cluster_id"]}),
        ("split", {"cluster_id": a["cluster_id"], "min_cluster_size": 5}),
    ):
        with Session(shared_engine) as s:
            run = s.get(Run, done.run_id)
            store.record_action(session=s, run=run, action=action, payload=payload, actor="agent-a")
    with Session(shared_engine) as s:
        assert s.exec(select(func.count()).select_from(StoredEmbedding)).one() > 0  # the vectors are kept


def test_two_reviewers_acting_at_the_same_instant_keep_both_corrections(shared_engine, monkeypatch):
    """Both requests read the reviewed report before either stores: the later one must wait for the earlier one's
    commit and build on it. SQLite has no SELECT ... FOR UPDATE (SQLAlchemy leaves it out), so the run was not
    locked there and the later reviewer's save put the earlier one's theme label back."""
    import threading

    from sqlmodel import Session

    from service.models import Run
    from service.review import store

    done = _run_on(shared_engine)
    first, second = clusters(done.report)[:2]

    read_by_a, b_done = threading.Event(), threading.Event()
    apply = store.apply_action

    def slow_apply(report, session, run, action, payload, rejected):
        if payload.get("label") == "Vélo":  # reviewer A has read the report; B acts before A stores
            read_by_a.set()
            b_done.wait(timeout=2)
        return apply(report, session, run, action, payload, rejected)

    monkeypatch.setattr(store, "apply_action", slow_apply)

    def act(label: str, cluster_id: str, actor: str) -> None:
        with Session(shared_engine) as s:
            run = s.get(Run, done.run_id)
            payload = {"cluster_id": cluster_id, "label": label}
            store.record_action(session=s, run=run, action="rename", payload=payload, actor=actor)

    a = threading.Thread(target=act, args=("Vélo", first["cluster_id"], "agent-a"))
    a.start()
    assert read_by_a.wait(timeout=10)
    try:
        act("Transports", second["cluster_id"], "agent-b")
    finally:
        b_done.set()
        a.join()
    with Session(shared_engine) as s:
        report = store.current_report(s.get(Run, done.run_id))
    labels = {c.cluster_id: c.label for q in report.questions for c in q.clusters}
    assert (labels[first["cluster_id"]], labels[second["cluster_id"]]) == ("Vélo", "Transports")


def test_a_review_after_a_new_import_counts_who_speaks_as_the_run_read_it(client, keys, runner):
    """A newer export corrects every postcode (Nancy's 54000 to Paris' 75001, same texts); a reviewer then moves
    one contribution in the run made before it. The move recounted every theme's territories from the
    contributions' current postcodes, so themes the move never touched said « 75 » while the run, its
    consultation-wide counts and its exports read « 54 »."""
    import json

    from tests.service.factories import to_csv
    from tests.service.helpers import upload

    h = keys.h()
    mapping = json.dumps({"text": "avis", "id": "id", "author": "auteur", "postcode": "cp"})
    rows = [{**r, "cp": "54000"} for r in consultation_rows()]
    cid = client.post("/api/consultations", json={"title": "Plan climat"}, headers=h).json()["id"]
    assert upload(client, cid, to_csv(rows), h, mapping=mapping).status_code == 201
    run = client.post(f"/api/consultations/{cid}/runs", json={"settings": FAST_SETTINGS}, headers=h).json()
    runner.drain()
    before = _report(client, run["id"], h)
    a, b, *others = clusters(before)
    assert others and all(set(c["origin"]["territories"]) == {"54"} for c in clusters(before))
    newer = upload(client, cid, to_csv([{**r, "cp": "75001"} for r in rows]), h, mapping=mapping)
    assert newer.json()["updated"] == len(rows)
    _move_first(client, run["id"], a, b, h)
    after = {c["cluster_id"]: c for c in clusters(_report(client, run["id"], h))}
    for c in (a, b, *others):
        assert set(after[c["cluster_id"]]["origin"]["territories"]) == {"54"}, c["cluster_id"]
    untouched = others[0]["cluster_id"]
    assert (
        after[untouched]["origin"]
        == next(c for c in clusters(before) if c["cluster_id"] == untouched)["origin"]
    )


def test_a_run_whose_report_lists_no_contributions_is_still_reviewed(client, keys, runner, engine):
    """Reports stored before Report.contributions existed list none: a merge, split or move recounted the origin
    of the contributions the report listed, found none of its members, and answered 500 (KeyError)."""
    import json

    from sqlmodel import Session

    from service.models import Run

    h = keys.h()
    done = make_run(client, runner, h)
    with Session(engine) as s:
        run = s.get(Run, done.run_id)
        old = json.loads(run.report)
        old["contributions"] = []
        run.report = json.dumps(old)
        s.add(run)
        s.commit()
    a, b = clusters(done.report)[:2]
    moved = _move_first(client, done.run_id, a, b, h)
    assert moved in _member_ids(client, done.run_id, b["cluster_id"], h)


def _merged(engine, done) -> str:
    """The run's first two themes merged (a theme that splits), its id."""
    from sqlmodel import Session

    from service.models import Run
    from service.review import store

    a, b = clusters(done.report)[:2]
    with Session(engine) as s:
        payload = {"cluster_id": b["cluster_id"], "into_cluster_id": a["cluster_id"]}
        store.record_action(
            session=s, run=s.get(Run, done.run_id), action="merge", payload=payload, actor="a"
        )
    return a["cluster_id"]


def _split_watched(monkeypatch, during):
    """``store.split`` (the clustering of a split) calling ``during()`` on its first call; the calls counted."""
    from service.review import store

    calls = []
    real = store.split

    def watched(*args, **kwargs):
        calls.append(during() if not calls else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "split", watched)
    return calls


def test_a_split_clusters_without_holding_the_database(tmp_path, monkeypatch):
    """Clustering a large theme takes seconds; on SQLite the run's lock is the whole database's, so every import
    and review of the service waited for it, and failed after the 30 s busy timeout. Another connection that
    will not wait now writes while the split clusters."""
    import sqlite3

    from sqlmodel import Session, SQLModel

    from service.core.db import make_engine
    from service.models import Run
    from service.review import store

    path = tmp_path / "review.db"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    done = _run_on(engine)

    def write_elsewhere() -> str:
        other = sqlite3.connect(path, timeout=0)
        try:
            with other:
                other.execute("UPDATE tenants SET name = name")
            return "written"
        except sqlite3.OperationalError as exc:
            return str(exc)
        finally:
            other.close()

    merged = _merged(engine, done)
    calls = _split_watched(monkeypatch, write_elsewhere)
    with Session(engine) as s:
        payload = {"cluster_id": merged, "min_cluster_size": 5}
        store.record_action(
            session=s, run=s.get(Run, done.run_id), action="split", payload=payload, actor="a"
        )
    engine.dispose()
    assert calls == ["written"]  # once: nothing was stored meanwhile, the split computed ahead is kept


def test_a_split_computed_while_another_reviewer_acted_is_computed_again_on_their_version(
    shared_engine, monkeypatch
):
    from sqlmodel import Session

    from service.models import Run
    from service.review import store

    done = _run_on(shared_engine)
    merged, other = _merged(shared_engine, done), clusters(done.report)[2]

    def rename_elsewhere() -> None:
        with Session(shared_engine) as s:
            payload = {"cluster_id": other["cluster_id"], "label": "Vélo"}
            store.record_action(
                session=s, run=s.get(Run, done.run_id), action="rename", payload=payload, actor="b"
            )

    calls = _split_watched(monkeypatch, rename_elsewhere)
    with Session(shared_engine) as s:
        payload = {"cluster_id": merged, "min_cluster_size": 5}
        store.record_action(
            session=s, run=s.get(Run, done.run_id), action="split", payload=payload, actor="a"
        )
    assert len(calls) == 2  # the rename was stored while the split computed: done again under the lock
    with Session(shared_engine) as s:
        report = store.current_report(s.get(Run, done.run_id))
    labels = {c.cluster_id: c.label for q in report.questions for c in q.clusters}
    assert labels[other["cluster_id"]] == "Vélo"
    assert merged + "-s1" in labels and merged + "-s2" in labels


def test_a_review_after_a_new_import_counts_the_authors_the_run_read(client, keys, runner):
    """A newer export names other authors (one pseudonym per row instead of seven participants, same texts); a
    reviewer then moves one contribution in the run made before it. The move recounted every theme's distinct
    authors and every member's 1/N weight from the contributions' current authors (the report stores no author
    ids), and the run's CSV export named the new authors: themes the move never touched changed."""
    import csv
    import io

    from tests.service.factories import to_csv
    from tests.service.helpers import upload

    h = keys.h()
    rows = consultation_rows()
    done = make_run(client, runner, h, rows=rows)
    before = _report(client, done.run_id, h)
    a, b, *others = clusters(before)
    assert others and any(c["origin"]["distinct_authors"] < c["size"] for c in clusters(before))
    export = f"/api/runs/{done.run_id}/export?format=csv"
    authors = {
        r["source_id"]: r["author_ref"]
        for r in csv.DictReader(io.StringIO(client.get(export, headers=h).text))
    }
    newer = upload(
        client, done.consultation_id, to_csv([{**r, "auteur": f"autre{i}"} for i, r in enumerate(rows)]), h
    )
    assert newer.json()["updated"] == len(rows)
    _move_first(client, done.run_id, a, b, h)
    after = {c["cluster_id"]: c for c in clusters(_report(client, done.run_id, h))}
    for c in others:
        assert after[c["cluster_id"]]["origin"] == c["origin"], c["cluster_id"]
        assert [m["weight"] for m in after[c["cluster_id"]]["members"]] == [m["weight"] for m in c["members"]]
    assert {
        r["source_id"]: r["author_ref"]
        for r in csv.DictReader(io.StringIO(client.get(export, headers=h).text))
    } == authors
