"""The readable report in a real browser (issue 7): navigation, search, quote → source, escaping, offline."""

from __future__ import annotations

import re
import unicodedata

import pytest

from schemas import RunSettings
from synthesis.html import render_report_page, route_id
from tests.browser.conftest import HOSTILE, exported_copy, open_page, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "#/",
    "themes": "#/themes",
    "unclassified": "#/non-classees",
    "campaigns": "#/campagnes",
    "methodology": "#/methodologie",
}


def fold(text: str) -> str:
    """Lower case without accents, as the page's search does."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).lower()


def go(page, hash_: str) -> None:
    """Navigate to a page route and wait until that page is shown."""
    page.evaluate("h => { location.hash = h; }", hash_)
    assert_active(page, hash_[1:])


def active_id(page) -> str:
    return page.eval_on_selector(".page.active", "el => el.id")


def assert_active(page, route: str) -> None:
    """Wait until the page whose id is ``route`` is shown (hash changes are handled asynchronously)."""
    page.wait_for_function(
        "id => document.querySelector('.page.active')?.id === id", arg=route, timeout=10_000
    )
    assert active_id(page) == route


def biggest_theme(sample):
    return max(sample.report.questions[0].clusters, key=lambda c: c.size)


def test_pages_navigation_and_screenshots(report_page, sample):
    page, watch = report_page
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Synthèse de la consultation"
    assert_active(page, "/")
    assert page.locator(".page.active .stat-value").first.inner_text() == str(
        sample.report.manifest.counts.rows_read
    )
    for name, hash_ in PAGES.items():
        page.click(f'nav.site a[href="{hash_}"]')
        page.wait_for_function("h => location.hash === h", arg=hash_)
        assert_active(page, hash_[1:])
        assert page.locator(".page:visible").count() == 1
        assert page.locator(f'nav.site a[href="{hash_}"]').get_attribute("aria-current") == "page"
        screenshot(page, name)
    # The themes chart lists every theme, each linking to its page.
    go(page, "#/themes")
    rows = page.locator("table[data-chart] tbody tr")
    assert rows.count() == len(sample.report.questions[0].clusters)
    rows.first.locator("a").click()
    theme = biggest_theme(sample)
    assert_active(page, route_id("theme", theme.cluster_id))
    assert theme.label in page.locator(".page.active h2").inner_text()
    screenshot(page, "theme")
    if theme.subclusters:
        page.locator(".page.active .subthemes a").first.click()
        assert_active(page, route_id("theme", theme.subclusters[0].cluster_id))
        screenshot(page, "subtheme")
    page.go_back()
    assert_active(page, route_id("theme", theme.cluster_id))
    assert watch.errors == [] and watch.blocked == [] and watch.dialogs == []


def test_theme_search_and_pagination(report_page, sample):
    page, watch = report_page
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    members = page.locator(".page.active .member-list > li")
    assert members.count() == theme.size
    assert page.locator(".page.active .member-list > li:visible").count() == min(20, theme.size)
    texts = {c.contribution_id: c.text for c in sample.report.contributions}
    # Search a word of one member's text: every visible result contains it.
    target = next(m for m in theme.members if len(re.findall(r"\w{6,}", texts[m.contribution_id])) > 0)
    word = re.findall(r"\w{6,}", texts[target.contribution_id])[0]
    search = page.get_by_label("Rechercher dans les contributions de ce thème").locator("visible=true")
    search.fill(word)
    visible = page.locator(".page.active .member-list > li:visible")
    expected = sum(1 for m in theme.members if fold(word) in fold(texts[m.contribution_id]))
    assert visible.count() == min(20, expected) and expected >= 1
    for i in range(visible.count()):
        assert fold(word) in fold(visible.nth(i).locator("blockquote").inner_text())
    status = page.locator(".page.active [data-status]").inner_text()
    assert f"sur {theme.size}" in status
    assert status.endswith(" correspond" if expected == 1 else " correspondent"), status  # in agreement
    # A full-page screenshot of this (now taller) page leaves chromium's click coordinates off afterwards:
    # capture the viewport on the results instead.
    visible.first.scroll_into_view_if_needed()
    screenshot(page, "theme-search", full_page=False)
    # The found contribution's link opens its page, which says where it went.
    visible.locator("a", has_text=target.source_id).first.click()
    assert_active(page, route_id("contribution", target.contribution_id))
    assert page.locator(".page.active .placement").inner_text().startswith("Classée dans le thème")
    screenshot(page, "contribution")
    # Nonsense finds nothing; clearing brings the first page back; "next" pages through.
    go(page, "#" + route_id("theme", theme.cluster_id))
    search.fill("zzzqqqxxx")
    assert visible.count() == 0
    # the status's form for none (synthesis.plural), read by the page's script
    none = f"Aucune contribution sur {theme.size} ne correspond à la recherche."
    assert page.locator(".page.active [data-status]").inner_text() == none
    search.fill("")
    if theme.size > 20:
        page.locator(".page.active [data-next]").click()
        assert visible.count() == min(20, theme.size - 20)
        assert page.locator(".page.active [data-page-label]").inner_text().startswith("Page 2 sur")
    assert watch.errors == []


def test_quote_leads_to_its_source_contribution(report_page, sample):
    page, _ = report_page
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    quote = theme.quotes[0]
    page.locator(".page.active a[data-quote]").first.click()
    assert_active(page, route_id("contribution", quote.contribution_id))
    shown = page.locator(".page.active blockquote.main-text").inner_text()
    assert shown.strip() == quote.text.strip()
    assert quote.source_id in page.locator(".page.active h2").inner_text()
    assert (
        page.locator(".page.active .placement a").first.get_attribute("href")
        == "#" + route_id("theme", theme.cluster_id)
        or theme.subclusters
    )


def test_hostile_texts_are_shown_as_text(report_page, sample):
    page, watch = report_page
    for text in HOSTILE:
        cid = sample.hostile_ids[text]
        go(page, "#" + route_id("contribution", cid))
        assert page.locator(".page.active blockquote.main-text").inner_text() == text
        screenshot(page, "hostile-" + ("script" if "script" in text else "img"))
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1
    assert watch.dialogs == [] and watch.errors == []


def test_goto_box_finds_a_contribution_by_source_id(report_page, sample):
    page, _ = report_page
    c = sample.report.contributions[5]
    page.get_by_label("Contribution n°").fill(c.source_id)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_function("h => location.hash === h", arg="#" + route_id("contribution", c.contribution_id))
    assert_active(page, route_id("contribution", c.contribution_id))
    page.get_by_label("Contribution n°").fill("n'existe pas")
    page.get_by_role("button", name="Afficher").click()
    assert "Aucune contribution" in page.locator("[data-goto-msg]").inner_text()


def test_keyboard_skip_link_and_focus(report_page):
    page, _ = report_page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    assert_active(page, "/")
    page.focus('nav.site a[href="#/themes"]')
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#/themes'")
    # the hashchange handler runs after the hash is set: wait for it to move the focus (fails on timeout);
    # predicates are arrow functions: a bare expression is eval()ed, which the report's CSP forbids
    page.wait_for_function("() => document.activeElement.tagName === 'H2'", timeout=5000)
    assert page.evaluate("document.activeElement.closest('.page').classList.contains('active')")


def test_chart_measure_switch(report_page):
    page, _ = report_page
    go(page, "#/themes")
    stack = page.locator("table[data-chart] tbody tr .stack").first
    before = stack.evaluate("el => el.style.width")
    page.get_by_label("participants").check()
    participants = stack.evaluate("el => el.style.width")
    page.get_by_label("poids pondéré").check()
    weighted = stack.evaluate("el => el.style.width")
    assert before.endswith("%") and participants.endswith("%") and weighted.endswith("%")
    page.get_by_label("contributions", exact=True).check()
    assert float(stack.evaluate("el => el.style.width")[:-1]) == pytest.approx(float(before[:-1]), abs=0.01)


def test_print_shows_every_section_without_navigation(report_page, sample):
    page, _ = report_page
    page.emulate_media(media="print")
    assert not page.locator("nav.site").is_visible()
    theme_pages = page.locator(".page-theme")
    n = theme_pages.count()
    assert n == sum(1 + len(c.subclusters) for c in sample.report.questions[0].clusters)
    assert all(theme_pages.nth(i).is_visible() for i in range(n))
    assert page.locator(".page-methodology").is_visible() and page.locator(".page-themes").is_visible()
    page.emulate_media(media="screen")


def test_an_address_no_page_has_says_so(report_page):
    # "#/theme/999" (an old link) silently showed the overview
    page, _ = report_page
    page.evaluate("() => { location.hash = '#/theme/999'; }")
    assert_active(page, "/")
    notice = page.locator("[data-route-missing]")
    notice.wait_for(state="visible")
    assert "Aucune page de ce rapport n'a l'adresse #/theme/999" in notice.inner_text()
    go(page, "#/themes")
    go(page, "#/")
    assert notice.is_hidden()


def test_a_phone_scrolls_wide_tables_not_the_page(report_page, sample):
    # at 375 px the page scrolled sideways (786 px wide on #/themes) and the sticky menu took 254 px of 700
    page, _ = report_page
    page.set_viewport_size({"width": 375, "height": 700})
    try:
        theme = biggest_theme(sample)
        pages = ["#/themes", "#/non-classees", "#/campagnes", "#/methodologie", "#/"]
        pages += [
            "#" + route_id("theme", theme.cluster_id),
            "#" + route_id("contribution", theme.members[0].contribution_id),
        ]
        for hash_ in pages:
            go(page, hash_)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, hash_
        page.evaluate("window.scrollTo(0, 2000)")
        assert page.locator("nav.site").evaluate("el => el.getBoundingClientRect().bottom") <= 0
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_works_without_javascript(browser, sample):
    page, watch = open_page(browser, sample.path.as_uri(), javascript=False)
    try:
        assert (
            page.locator(".page-theme").first.is_visible() and page.locator(".page-methodology").is_visible()
        )
        theme = biggest_theme(sample)
        page.goto(sample.path.as_uri() + "#" + route_id("theme", theme.cluster_id))
        link = page.locator(f'[id="{route_id("theme", theme.cluster_id)}"] a[data-quote]').first
        link.click()
        target = page.locator(f'[id="{route_id("contribution", theme.quotes[0].contribution_id)}"]')
        assert target.locator("blockquote").is_visible()
        assert target.evaluate("el => Math.abs(el.getBoundingClientRect().top) < 200")
        screenshot(page, "no-javascript", full_page=False)  # every page stacked: too tall for one image
        assert watch.blocked == []
    finally:
        page.context.close()


def all_themes(sample):
    return [t for c in sample.report.questions[0].clusters for t in (c, *c.subclusters)]


def test_a_pager_is_shown_only_where_there_are_pages(report_page, sample):
    # a theme of 20 contributions or fewer showed "Page précédente / Page suivante", both disabled: the pager's
    # `hidden` attribute lost to the stylesheet's `display: flex`
    page, _ = report_page
    small = min(all_themes(sample), key=lambda t: t.size)
    large = biggest_theme(sample)
    assert small.size <= 20 < large.size
    go(page, "#" + route_id("theme", small.cluster_id))
    assert page.locator(".page.active [data-pager]").is_hidden()
    go(page, "#" + route_id("theme", large.cluster_id))
    assert page.locator(".page.active [data-pager]").is_visible()


def test_the_pager_keeps_the_keyboard_focus_on_its_last_and_first_page(report_page, sample):
    # reaching the last page with Enter on "Page suivante" disabled that button under the focus, which fell
    # to the document's top: the next Tab went to "Aller au contenu"
    page, _ = report_page
    theme = biggest_theme(sample)
    go(page, "#" + route_id("theme", theme.cluster_id))
    pages = -(-theme.size // 20)
    assert pages >= 2
    page.locator(".page.active [data-next]").focus()
    for _ in range(pages - 1):
        page.keyboard.press("Enter")
    assert page.locator(".page.active [data-next]").is_disabled()
    assert page.evaluate("document.activeElement.hasAttribute('data-prev')")
    for _ in range(pages - 1):
        page.keyboard.press("Enter")
    assert page.locator(".page.active [data-prev]").is_disabled()
    assert page.evaluate("document.activeElement.hasAttribute('data-next')")


def test_a_link_to_a_part_of_a_page_moves_the_focus_there(report_page, sample):
    # "#/non-classees/164" (or a campaign, "#/campagne/...") showed its page and scrolled to it, but the focus
    # stayed on the link, hidden with its page: a screen reader went on reading from the document's top
    page, _ = report_page
    target = route_id("non-classees", sample.report.questions[0].question_id)
    page.evaluate("h => { location.hash = h; }", "#" + target)
    assert_active(page, "/non-classees")
    page.wait_for_function("id => document.activeElement.id === id", arg=target, timeout=5000)
    page.keyboard.press("Tab")  # and the keyboard goes on from there
    assert page.evaluate("document.activeElement.closest('.page')?.id") == "/non-classees"


def test_the_keyboard_focus_is_never_hidden_under_the_sticky_menu(report_page, sample):
    # going back up a theme's member list with Shift+Tab scrolled each link just into view: under the sticky
    # menu, which hid it (WCAG 2.4.11)
    page, _ = report_page
    page.set_viewport_size({"width": 1280, "height": 700})
    try:
        go(page, "#" + route_id("theme", biggest_theme(sample).cluster_id))
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.locator(".page.active [data-next]").focus()
        hidden = []
        for _ in range(40):
            page.keyboard.press("Shift+Tab")
            where = page.evaluate(
                """() => { const e = document.activeElement;
                  const menu = document.querySelector('nav.site').getBoundingClientRect().bottom;
                  return [e.closest('main') !== null, e.getBoundingClientRect().top - menu, e.textContent]; }"""
            )
            if where[0] and where[1] < 0:
                hidden.append(where)
        assert hidden == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_without_javascript_no_control_that_needs_it(browser, sample):
    # without the script, the theme chart's measure switch, each theme's search box and pager were shown and
    # did nothing
    page, _ = open_page(browser, sample.path.as_uri(), javascript=False)
    try:
        for selector in ("[data-measure]", "[data-pager]", "input[data-filter]", "[data-goto]"):
            shown = page.locator(selector).evaluate_all(
                "els => els.filter(e => e.getClientRects().length).length"
            )
            assert shown == 0, selector
        assert page.locator(".member-list > li").first.is_visible()  # the lists themselves are all there
    finally:
        page.context.close()


def test_exported_file_offline_same_content(browser, sample, report_page, tmp_path):
    page, watch = report_page
    exported = exported_copy(sample, tmp_path / "export")
    copy, copy_watch = open_page(browser, exported.as_uri())
    try:
        for hash_ in [*PAGES.values(), "#" + route_id("theme", biggest_theme(sample).cluster_id)]:
            go(page, hash_)
            go(copy, hash_)
            assert copy.locator(".page.active").inner_text() == page.locator(".page.active").inner_text()
        # Visit every page of the copy, then check nothing asked for the network.
        copy.evaluate(
            "() => { for (const s of document.querySelectorAll('.page')) { location.hash = '#' + s.id; } }"
        )
        assert copy_watch.blocked == [] and watch.blocked == []
        assert copy_watch.errors == [] and copy_watch.dialogs == []
    finally:
        copy.context.close()


@pytest.mark.parametrize("pages", [None, 0], ids=["pre-rendered", "on-demand"])
def test_the_answers_of_one_row_lead_to_each_other(browser, tmp_path, pages):
    # "Contribution n° 2-80" opened one answer of that Grand Débat row, with no word of its other answers
    from synthesis.ingest import read_file
    from synthesis.pipeline import run
    from tests.utils.data import SAMPLES
    from tests.utils.fake_embedder import FAKE_EMBEDDER, register_fake_embedder

    register_fake_embedder()
    lines = (SAMPLES / "granddebat_fiscalite_sample.csv").read_text(encoding="utf-8").splitlines(True)
    (tmp_path / "export.csv").write_text("".join(lines[:41]), encoding="utf-8")
    result = read_file(tmp_path / "export.csv", format="granddebat", secret=b"k")
    report = run(result.contributions, RunSettings(embedder=FAKE_EMBEDDER), rejected=result.rejected)
    path = tmp_path / "rapport.html"
    path.write_text(
        render_report_page(report, **({} if pages is None else {"contribution_pages": 0})), "utf-8"
    )
    rows: dict[str, list] = {}
    for c in report.contributions:
        rows.setdefault(c.source_id, []).append(c)
    row = next(r for r in rows.values() if len(r) == 3)
    page, watch = open_page(browser, path.as_uri())
    try:
        page.get_by_label("Contribution n°").fill(row[0].source_id)
        page.get_by_role("button", name="Afficher").click()
        page.wait_for_function(
            "h => location.hash === h && document.querySelector('.page.active ul.same-row li strong')",
            arg="#" + route_id("contribution", row[0].contribution_id),
            timeout=10_000,
        )
        said = page.locator(".page.active p.same-row").inner_text()
        assert "La même ligne de l'export a donné 3 réponses" in said
        items = page.locator(".page.active ul.same-row li")
        assert items.count() == 3 and items.nth(0).locator("strong").count() == 1
        items.nth(2).locator("a").click()
        page.wait_for_function(
            "h => location.hash === h && document.querySelector('.page.active ul.same-row li:nth-child(3) strong')",
            arg="#" + route_id("contribution", row[2].contribution_id),
            timeout=10_000,
        )
        assert watch.blocked == [] and watch.errors == []
    finally:
        page.context.close()
