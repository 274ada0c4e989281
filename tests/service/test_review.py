"""Human review: rename, merge, split, move, reject a quote; history; automatic version kept; carried over."""

from __future__ import annotations

import pytest

from tests.service.factories import FAST_SETTINGS, TOPICS, consultation_rows
from tests.service.helpers import clusters, make_run


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
    r = client.post(
        f"/api/consultations/{done.consultation_id}/runs",
        json={"settings": FAST_SETTINGS, "carry_review_from": done.run_id},
        headers=h,
    )
    runner.drain()
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
