"""Large reports (contribution pages on demand from a JSON block) and the "Relecture" page (issue 7)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime

import pytest

from synthesis.errors import SettingsError
from synthesis.html import render_report_page, route_id
from synthesis.html_data import json_for_script
from tests.synthesis.test_html import IMG, LINK, SCRIPT, _Collect, make_report

DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)
REVIEW = [
    {
        "created_at": datetime(2024, 5, 1, 10, 0),
        "actor": SCRIPT,
        "action": "rename",
        "payload": {"cluster_id": "q1-1", "label": IMG},
        "before": {"cluster_id": "q1-1", "label": "taxe"},
    },
    {"created_at": "2024-05-01T10:05:00", "actor": "agent", "action": "move",
     "payload": {"contribution_id": 12, "to_cluster_id": None}, "carried_from": 41, "carried_from_run": 3},
    {"created_at": "2024-05-01T10:06:00", "actor": "agent", "action": "merge",
     "payload": {"cluster_id": "q1-9", "into_cluster_id": "q1-0"}},
]  # fmt: skip


@pytest.fixture(scope="module")
def compact() -> str:
    return render_report_page(make_report(), contribution_pages=0)


def test_json_for_script_cannot_close_the_element():
    text = json_for_script({"t": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script> & <!--"}


def test_small_reports_keep_pre_rendered_pages():
    html = render_report_page(make_report())
    assert '<script type="application/json"' not in html and 'id="/contribution"' not in html
    assert html == render_report_page(make_report(), contribution_pages=8)  # 8 contributions: at the limit


def test_compact_page_has_one_dynamic_section_and_the_data(compact):
    assert 'id="/contribution/c1"' not in compact and compact.count('id="/contribution" data-dynamic') == 1
    data = json.loads(DATA.search(compact).group(1))
    items = data["items"]
    report = make_report()
    assert {it.get("id", k) for k, it in items.items()} == {c.contribution_id for c in report.contributions}
    # Texts of theme members are read from the member lists (written once); the others are in the block.
    assert items["c2"] == {"s": "src-c2", "m": 1, **{k: items["c2"][k] for k in items["c2"] if k not in "sm"}}
    assert "t" not in items["c4"] and items["c6"]["t"] == LINK and items["c7"]["t"] == "RAS"
    assert data["themes"][items["c1"]["th"]][0] == route_id("theme", "q1-0")
    shared = data["shared"]
    assert shared[items["c6"]["n"]] == "isolée"
    assert data["themes"][items["c6"]["nc"]][0] == route_id("theme", "q1-1")
    assert shared[items["c7"]["x"]] == "non-réponse" and shared[items["c1"]["a"]] == "citoyen·ne"
    assert data["campaigns"][items["c8"]["cp"][0][0]] == [route_id("campagne", "q1-camp-0"), "q1-camp-0"]
    assert items["c8"]["w"].startswith("Poids 1/2") and items["c8"]["cp"][0][2] == []
    assert data["strings"]["contribution.where"] == "Où est-elle allée, et pourquoi"
    assert data["colon"] == "\u00a0: "  # French typography ("Non classée : isolée")


def test_compact_page_is_still_safe(compact):
    block = DATA.search(compact).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert SCRIPT not in compact and IMG not in compact
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", compact, re.S)
    runnable = [body for attrs, body in scripts if "application/json" not in attrs]
    assert len(scripts) == 2 and len(runnable) == 1
    digest = base64.b64encode(hashlib.sha256(runnable[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in compact


def test_compact_links_point_to_known_contributions(compact):
    parsed = _Collect()
    parsed.feed(compact)
    ids = set(parsed.ids)
    keys = set(json.loads(DATA.search(compact).group(1))["items"])
    prefix = "#/contribution/"
    for _, attr, value in parsed.links:
        if attr == "href":
            assert value[1:] in ids or (value.startswith(prefix) and value[len(prefix) :] in keys), value


def test_compact_is_much_smaller():
    report = make_report()
    assert len(render_report_page(report, contribution_pages=0)) < len(render_report_page(report))


def test_review_page_reviewed_version():
    html = render_report_page(make_report(), review=REVIEW)
    assert '<li><a href="#/relecture">Relecture</a></li>' in html
    page = html[html.index('id="/relecture"') : html.index("</section>", html.index('id="/relecture"'))]
    assert "Cette page montre la version relue" in page and "historique de la relecture" in page
    assert "1er mai 2024 à 10 h 00" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a renommé le thème « taxe » (q1-1) en « &lt;img src=x onerror=alert(1)&gt; »" in page
    assert (
        "a déplacé la contribution 12 vers les « non classées »" in page
        and "reprise de l&#39;analyse n° 3" in page
    )
    assert "a fusionné le thème q1-9 dans le thème « tva &lt;script&gt;" in page
    assert SCRIPT not in html and IMG not in html
    assert 'class="version version-reviewed"' in html


def test_review_page_automatic_and_empty():
    html = render_report_page(make_report(), review=[], review_version="automatic")
    assert (
        "Cette page montre la version automatique" in html and "Aucune correction n&#39;a été faite." in html
    )
    assert 'id="/relecture"' not in render_report_page(make_report())
    with pytest.raises(SettingsError, match="brouillon"):
        render_report_page(make_report(), review=[], review_version="brouillon")
