"""Published reports: readable without a key through their link, revocable, scoped to the publishing tenant."""

from __future__ import annotations

from tests.service.helpers import clusters, make_run


def test_published_report_is_readable_without_key_until_unpublished(client, keys, runner):
    a = keys.h("a")
    done = make_run(client, runner, a)
    label = clusters(done.report)[0]["label"]
    assert client.get("/r/not-a-token").status_code == 404

    pub = client.post(f"/api/runs/{done.run_id}/publish", headers=a)
    assert pub.status_code == 201, pub.text
    url = pub.json()["url"]
    page = client.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<!doctype html" in page.text.lower()
    assert client.get(url, params={"format": "json"}).json()["questions"][0]["clusters"][0]["label"] == label

    again = client.post(f"/api/runs/{done.run_id}/publish", headers=a).json()["url"]
    assert client.get(url).status_code == 404  # publishing again replaces the link
    assert client.delete(f"/api/runs/{done.run_id}/publish", headers=a).status_code == 204
    assert client.get(again).status_code == 404


def test_read_only_key_cannot_publish(client, keys, runner):
    done = make_run(client, runner, keys.h("a"))
    r = client.post(f"/api/runs/{done.run_id}/publish", headers=keys.h("a_ro"))
    assert r.status_code == 403


def test_the_report_page_speaks_the_readers_language(client, keys, runner):
    # the HTML report was French whatever Accept-Language, on the public link as through the API and the
    # export: an English reader could not get the English page the library renders
    a = keys.h("a")
    done = make_run(client, runner, a)
    url = client.post(f"/api/runs/{done.run_id}/publish", headers=a).json()["url"]
    en = {"Accept-Language": "en-GB,en;q=0.9"}
    pages = {
        "public": (url, {}),
        "api": (f"/api/runs/{done.run_id}/report", {"format": "html"}),
        "export": (f"/api/runs/{done.run_id}/export", {"format": "html"}),
    }
    for name, (path, params) in pages.items():
        headers = {} if name == "public" else a
        french = client.get(path, params=params, headers=headers)
        english = client.get(path, params=params, headers={**headers, **en})
        assert french.status_code == english.status_code == 200, name
        assert '<html lang="fr">' in french.text and "Méthodologie" in french.text, name
        assert '<html lang="en">' in english.text and "Methodology" in english.text, name


def test_the_home_page_speaks_the_readers_language(client):
    # the service's home page was French whatever Accept-Language, with no main landmark
    french = client.get("/").text
    english = client.get("/", headers={"Accept-Language": "en"}).text
    assert '<html lang="fr">' in french and "Documentation de l'API" in french and "<main>" in french
    assert '<html lang="en">' in english and "API documentation (OpenAPI)" in english and "<main>" in english


def test_a_published_report_names_no_reviewer(client, keys, runner):
    # the public page and JSON showed each review action's API key name, often an agent's own name
    a = keys.h("a")
    done = make_run(client, runner, a)
    first, second = clusters(done.report)[:2]
    base = f"/api/runs/{done.run_id}/clusters"
    client.post(f"{base}/{first['cluster_id']}/rename", json={"label": "Vélo"}, headers=a)
    client.post(f"{base}/{second['cluster_id']}/rename", json={"label": "Bus"}, headers=a)
    assert client.get(f"/api/runs/{done.run_id}/report", headers=a).json()["review"]["history"][0][
        "actor"
    ] == (
        "agent-a"  # the tenant's own view keeps the key's name
    )
    url = client.post(f"/api/runs/{done.run_id}/publish", headers=a).json()["url"]
    history = client.get(url, params={"format": "json"}).json()["review"]["history"]
    assert [h["actor"] for h in history] == ["relecteur 1", "relecteur 1"]
    english = client.get(url, params={"format": "json"}, headers={"Accept-Language": "en"}).json()
    assert english["review"]["history"][0]["actor"] == "reviewer 1"
    page = client.get(url).text
    assert "agent-a" not in page and "relecteur 1" in page


def test_a_link_to_no_report_is_a_page_to_a_browser(client, keys, runner):
    # a revoked or mistyped public link showed a browser the API's JSON error, raw: no language, title nor
    # heading for the citizen who followed it (RGAA 8.3, 8.5, 9.1)
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    page = client.get("/r/not-a-token", headers=browser)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text and "<title>Rapport publié introuvable</title>" in page.text
    assert "<main>" in page.text and "<h1>Rapport publié introuvable</h1>" in page.text
    english = client.get("/r/not-a-token", headers={**browser, "Accept-Language": "en"})
    assert english.status_code == 404 and '<html lang="en">' in english.text
    assert "<h1>Published report not found</h1>" in english.text
    # a program (no text/html asked for, or ?format=json) keeps the API's error
    for r in (client.get("/r/not-a-token"), client.get("/r/not-a-token?format=json", headers=browser)):
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    a = keys.h("a")
    done = make_run(client, runner, a)
    url = client.post(f"/api/runs/{done.run_id}/publish", headers=a).json()["url"]
    assert client.get(url, headers=browser).status_code == 200  # a live link is the report
    client.delete(f"/api/runs/{done.run_id}/publish", headers=a)
    assert "<h1>Rapport publié introuvable</h1>" in client.get(url, headers=browser).text  # revoked
