"""Large reports (contribution pages built on demand), campaigns and the "Relecture" page in chromium."""

from __future__ import annotations

import pytest

from synthesis.html import render_report_page, route_id
from tests.browser.conftest import HOSTILE, open_page, screenshot
from tests.browser.test_report_page import assert_active, biggest_theme, go

pytestmark = pytest.mark.browser

REVIEW = [
    {"created_at": "2024-05-01T10:00:00", "actor": HOSTILE[0], "action": "rename",
     "payload": {"cluster_id": "x", "label": HOSTILE[1]}},
]  # fmt: skip


@pytest.fixture(scope="module")
def compact_page(browser, sample, tmp_path_factory):
    """The sample's report with every contribution page built on demand, and a review history."""
    path = tmp_path_factory.mktemp("compact") / "rapport.html"
    html = render_report_page(sample.report, contribution_pages=0, review=REVIEW)
    assert 'id="report-data"' in html
    path.write_text(html, encoding="utf-8")
    page, watch = open_page(browser, path.as_uri())
    yield page, watch
    page.context.close()


def test_member_link_opens_contribution_built_on_demand(compact_page, sample):
    page, watch = compact_page
    theme = biggest_theme(sample)
    texts = {c.contribution_id: c.text for c in sample.report.contributions}
    go(page, "#" + route_id("theme", theme.cluster_id))
    member = theme.members[0]
    page.locator(".page.active .member-list > li a", has_text=member.source_id).first.click()
    page.wait_for_function("() => document.querySelector('.page.active')?.id === '/contribution'")
    assert member.source_id in page.locator(".page.active h2").inner_text()
    assert (
        page.locator(".page.active blockquote.main-text").inner_text().strip()
        == texts[member.contribution_id].strip()
    )
    assert page.locator(".page.active .placement").inner_text().startswith("Classée dans le thème")
    screenshot(page, "compact-contribution")
    page.locator(".page.active .placement a").first.click()
    assert_active(page, route_id("theme", theme.cluster_id))
    assert watch.errors == [] and watch.blocked == []


def test_an_unclassified_contribution_built_on_demand_says_why(compact_page, sample):
    page, _ = compact_page
    noise = sample.report.questions[0].noise[0]
    page.evaluate("h => { location.hash = h; }", "#" + route_id("contribution", noise.contribution_id))
    page.wait_for_function(  # the one on-demand page (id "/contribution"), filled by the hash's handler
        "id => document.querySelector('.page.active h2')?.textContent.includes(id)", arg=noise.source_id
    )
    said = page.locator(".page.active .placement.noise").inner_text()
    assert said == f"Non classée\u00a0: {noise.reason}."  # French typography, as the pre-rendered pages


def test_hostile_texts_from_the_data_block_stay_text(compact_page, sample):
    page, watch = compact_page
    for text in HOSTILE:
        page.evaluate("h => { location.hash = h; }", "#" + route_id("contribution", sample.hostile_ids[text]))
        page.wait_for_function(
            "t => document.querySelector('.page.active blockquote.main-text')?.textContent === t", arg=text
        )
    assert page.locator("img").count() == 0 and watch.dialogs == [] and watch.errors == []


def test_goto_box_and_quote_in_compact_mode(compact_page, sample):
    page, _ = compact_page
    c = sample.report.contributions[7]
    page.get_by_label("Contribution n°").fill(c.source_id)
    page.get_by_role("button", name="Afficher").click()
    # The hash changes before its handler fills the one on-demand contribution page, which still shows the
    # contribution of the previous test (same module-scoped page): wait for the handler, not for the hash.
    page.wait_for_function(
        "([h, id]) => location.hash === h && document.querySelector('.page.active h2')?.textContent.includes(id)",
        arg=["#" + route_id("contribution", c.contribution_id), c.source_id],
        timeout=10_000,
    )
    assert c.source_id in page.locator(".page.active h2").inner_text()
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    page.locator(".page.active a[data-quote]").first.click()
    page.wait_for_function("() => document.querySelector('.page.active')?.id === '/contribution'")
    assert (
        page.locator(".page.active blockquote.main-text").inner_text().strip() == theme.quotes[0].text.strip()
    )


def test_compact_member_link_without_javascript_leads_to_the_page_that_says_why(browser, sample, tmp_path):
    # a member's "n° X" link pointed at "#/contribution/<id>", a page the script builds: without it, nothing
    path = tmp_path / "rapport.html"
    path.write_text(render_report_page(sample.report, contribution_pages=0), encoding="utf-8")
    page, watch = open_page(browser, path.as_uri(), javascript=False)
    try:
        theme = biggest_theme(sample)
        page.goto(path.as_uri() + "#" + route_id("theme", theme.cluster_id))
        page.locator(f'[id="{route_id("theme", theme.cluster_id)}"] .member-list > li .meta a').first.click()
        assert page.evaluate("() => location.hash") == "#/contribution"
        note = page.locator('[id="/contribution"] p.help')
        assert "sans JavaScript" in note.inner_text()
        in_view = (
            "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
        )
        assert note.evaluate(in_view)  # the last page: scrolled to the end, the note in sight
        assert watch.blocked == []
    finally:
        page.context.close()


def test_compact_links_get_their_own_address_once_focused(compact_page, sample):
    page, _ = compact_page
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    route = route_id("contribution", theme.members[3].contribution_id)  # shown, and no other test pointed at
    link = page.locator(f'.page.active .member-list > li .meta a[data-c="{route[len("/contribution/") :]}"]')
    assert link.get_attribute("href") == "#/contribution"
    link.focus()
    assert link.get_attribute("href") == "#" + route


def test_review_page_in_the_nav(compact_page):
    page, watch = compact_page
    page.click('nav.site a[href="#/relecture"]')
    assert_active(page, "/relecture")
    text = page.locator(".page.active").inner_text()
    assert "Cette page montre la version relue" in text and HOSTILE[0] in text and HOSTILE[1] in text
    screenshot(page, "relecture")
    assert watch.dialogs == [] and page.locator("img").count() == 0


def test_campaigns_page_template_and_theme_link(report_page, sample):
    page, watch = report_page
    campaigns = [camp for q in sample.report.questions for camp in q.campaigns]
    if not campaigns:
        pytest.skip("no campaign in this sample")
    go(page, "#/campagnes")
    card = page.locator(f'[id="{route_id("campagne", campaigns[0].campaign_id)}"]')
    assert card.locator("[data-template]").inner_text().strip() == campaigns[0].template.strip()
    screenshot(page, "campaigns-detail")
    link = card.locator("[data-themes] a").first
    if link.count():
        href = link.get_attribute("href")
        link.click()
        assert_active(page, href[1:])
    assert watch.errors == []


def test_campaign_template_is_escaped(browser, sample, tmp_path):
    report = sample.report.model_copy(deep=True)
    q = report.questions[0]
    if not q.campaigns:
        pytest.skip("no campaign in this sample")
    q.campaigns[0].template = HOSTILE[1]
    q.clusters[0].members[0].flags = [HOSTILE[0]]
    path = tmp_path / "rapport.html"
    path.write_text(render_report_page(report), encoding="utf-8")
    page, watch = open_page(browser, path.as_uri())
    try:
        go(page, "#/campagnes")
        assert page.locator(".page.active [data-template]").first.inner_text() == HOSTILE[1]
        go(page, "#" + route_id("contribution", q.clusters[0].members[0].contribution_id))
        assert HOSTILE[0] in page.locator(".page.active ul.flags").inner_text()
        assert page.locator("img").count() == 0 and watch.dialogs == [] and watch.errors == []
    finally:
        page.context.close()


def test_a_page_built_on_demand_marks_the_french_words_on_the_english_page(browser, sample, tmp_path):
    # the contribution page the script builds showed the French text, question and theme on the English page
    # with no lang: read with English pronunciation (RGAA 8.7)
    path = tmp_path / "report.html"
    path.write_text(render_report_page(sample.report, lang="en", contribution_pages=0), encoding="utf-8")
    page, watch = open_page(browser, path.as_uri())
    try:
        member = biggest_theme(sample).members[0]
        page.evaluate("h => { location.hash = h; }", "#" + route_id("contribution", member.contribution_id))
        page.wait_for_function("() => document.querySelector('.page.active')?.id === '/contribution'")
        assert page.locator(".page.active blockquote.main-text").get_attribute("lang") == "fr"
        assert page.locator(".page.active .placement a").first.get_attribute("lang") == "fr"
        assert page.locator(".page.active h2").evaluate("el => el.closest('[lang]').lang") == "en"
        assert watch.errors == []
    finally:
        page.context.close()


def test_a_reason_built_on_demand_marks_the_french_themes_it_names(browser, sample, tmp_path):
    # the English reason of a non classée built by the script ("isolated: ... the closest, « label », ...")
    # read the French label as English, where the pre-rendered page marks it
    path = tmp_path / "report.html"
    path.write_text(render_report_page(sample.report, lang="en", contribution_pages=0), encoding="utf-8")
    page, watch = open_page(browser, path.as_uri())
    try:
        noise = next(n for n in sample.report.questions[0].noise if n.reason_code in ("isolated", "between"))
        page.evaluate("h => { location.hash = h; }", "#" + route_id("contribution", noise.contribution_id))
        page.wait_for_function("() => document.querySelector('.page.active .placement.noise') !== null")
        marked = page.locator('.page.active .placement.noise span[lang="fr"]')
        assert marked.count() >= 1 and marked.first.inner_text().startswith("« ")
        assert watch.errors == []
    finally:
        page.context.close()


def test_a_link_activated_without_pointer_nor_focus_opens_its_contribution(compact_page, sample):
    # a member's link got its own address when pointed at, pressed or focused: activated otherwise (a screen
    # reader's default action, a voice command: a bare click event) it led to "#/contribution", a page titled
    # "Contribution n°" with no contribution
    page, _ = compact_page
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    member = theme.members[1]
    link = page.locator(".page.active .member-list > li a", has_text=member.source_id).first
    link.evaluate("a => a.click()")
    page.wait_for_function("h => location.hash === h", arg="#/contribution/" + member.contribution_id)
    assert_active(page, "/contribution")
    assert member.source_id in page.locator(".page.active h2").inner_text()
