"""Accessibility of the report page (RGAA 4.1, which maps onto WCAG 2.1 AA): an automated axe-core audit of
each state a reader meets (every page, a theme searched and paged, the English page, a phone's width, the
review page, without the script), then what axe cannot judge: the keyboard, the zoom, status messages.

axe-core comes inside the ``axe-playwright-python`` wheel (the dev extra) and is run in the page itself: nothing
is loaded from the network. An automated audit finds a part of the failures only; it proves no conformity.
"""

from __future__ import annotations

import pytest

from synthesis.html import render_report_page, route_id
from tests.browser.conftest import open_page
from tests.browser.test_report_page import assert_active, biggest_theme, go

pytestmark = pytest.mark.browser

# WCAG 2.0 and 2.1, levels A and AA: the criteria RGAA 4.1 takes up
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["#/", "#/themes", "#/non-classees", "#/campagnes", "#/methodologie"]
PHONE = {"width": 320, "height": 640}  # RGAA 10.11: no loss of content nor function at 320 CSS px


def violations(page) -> list[str]:
    """The axe-core violations of the page as it is now shown: ``rule-id: target, …`` each."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    result = axe.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']}: " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result.response["violations"]
    ]


def assert_no_violations(page, state: str) -> None:
    found = violations(page)
    assert found == [], f"{state}: axe-core finds {len(found)} violated rule(s):\n" + "\n".join(found)


def theme_routes(sample) -> list[str]:
    theme = biggest_theme(sample)
    routes = ["#" + route_id("theme", theme.cluster_id)]
    routes += ["#" + route_id("theme", sub.cluster_id) for sub in theme.subclusters[:1]]
    return routes + ["#" + route_id("contribution", theme.members[0].contribution_id)]


@pytest.fixture
def wide_page(browser, sample):
    page, watch = open_page(browser, sample.path.as_uri())
    yield page
    assert watch.blocked == [] and watch.errors == []
    page.context.close()


def test_every_page_passes_the_audit(wide_page, sample):
    for hash_ in PAGES + theme_routes(sample):
        go(wide_page, hash_)
        assert_no_violations(wide_page, hash_)


def test_a_searched_and_paged_theme_passes_the_audit(wide_page, sample):
    theme = biggest_theme(sample)
    go(wide_page, "#" + route_id("theme", theme.cluster_id))
    wide_page.locator(".page.active [data-filter]").fill("impôt")
    assert_no_violations(wide_page, "theme searched")
    wide_page.locator(".page.active [data-filter]").fill("")
    wide_page.locator(".page.active [data-next]").click()
    wide_page.locator(".page.active details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    assert_no_violations(wide_page, "theme, page 2, folded blocks opened")


def test_every_page_passes_the_audit_at_a_phone_s_width(wide_page, sample):
    wide_page.set_viewport_size(PHONE)
    for hash_ in PAGES + theme_routes(sample):
        go(wide_page, hash_)
        assert_no_violations(wide_page, f"{hash_} at 320 px")


def test_the_english_page_passes_the_audit(browser, sample, tmp_path):
    path = tmp_path / "report-en.html"
    path.write_text(render_report_page(sample.report, lang="en"), encoding="utf-8")
    page, _ = open_page(browser, path.as_uri())
    try:
        assert page.locator("html").get_attribute("lang") == "en"
        for hash_ in ["#/", *theme_routes(sample)[:1], "#/methodologie"]:
            go(page, hash_)
            assert_no_violations(page, f"English {hash_}")
    finally:
        page.context.close()


def test_the_review_page_and_a_page_built_on_demand_pass_the_audit(browser, sample, tmp_path):
    review = [{"created_at": "2024-05-01T10:00:00", "actor": "relecteur 1", "action": "rename",
               "payload": {"cluster_id": biggest_theme(sample).cluster_id, "label": "Fiscalité locale"}}]  # fmt: skip
    path = tmp_path / "rapport-relu.html"
    path.write_text(render_report_page(sample.report, contribution_pages=0, review=review), encoding="utf-8")
    page, _ = open_page(browser, path.as_uri())
    try:
        go(page, "#/relecture")
        assert_no_violations(page, "#/relecture")
        member = biggest_theme(sample).members[0]
        page.evaluate("h => { location.hash = h; }", "#/contribution/" + member.contribution_id)
        assert_active(page, "/contribution")
        assert_no_violations(page, "contribution page built on demand")
    finally:
        page.context.close()


def test_a_table_wider_than_a_phone_scrolls_with_the_keyboard(wide_page):
    # at 320 px the methodology's tables (no link in them) scrolled sideways, but only with a mouse or a finger:
    # no tab stop in them, so the keyboard could not reach their right-hand columns (WCAG 2.1.1); any table
    # wider than the screen now takes the focus, and the arrow keys scroll it
    go(wide_page, "#/non-classees")
    table = wide_page.locator(".page.active table.list").first
    assert table.get_attribute("tabindex") is None  # fits: no tab stop for nothing
    wide_page.set_viewport_size(PHONE)
    wide_page.wait_for_function("() => document.querySelector('.page.active table.list').tabIndex === 0")
    table.focus()
    assert table.evaluate("t => t.matches(':focus') && t.scrollLeft === 0")
    wide_page.keyboard.press("ArrowRight")
    wide_page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    wide_page.set_viewport_size({"width": 1280, "height": 900})
    wide_page.wait_for_function(
        "() => !document.querySelector('.page.active table.list').hasAttribute('tabindex')"
    )


def test_without_the_script_a_phone_s_tables_of_codes_wrap(browser, sample):
    # without the script nothing gives a wide table a tab stop: at 320 px the methodology's tables of settings
    # and versions (long codes, no link) scrolled sideways out of the keyboard's reach
    page, _ = open_page(browser, sample.path.as_uri(), javascript=False)
    try:
        page.set_viewport_size(PHONE)
        tables = page.locator(".page-methodology table.kv")
        assert tables.count() >= 2
        wide = tables.evaluate_all(
            "ts => ts.filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.outerHTML.slice(0, 80))"
        )
        assert wide == []
    finally:
        page.context.close()


def test_the_skip_link_keeps_the_page_s_address(wide_page, sample):
    # "Aller au contenu" set the address to "#contenu": the page shown lost its own address, and a reload (or
    # that address bookmarked, shared) showed no page at all, every one hidden by the script
    route = "#" + route_id("theme", biggest_theme(sample).cluster_id)
    go(wide_page, route)
    wide_page.focus("a.skip")
    wide_page.keyboard.press("Enter")
    wide_page.wait_for_function("() => document.activeElement.id === 'contenu'")
    assert wide_page.evaluate("location.hash") == route
    wide_page.keyboard.press("Tab")  # on into the page shown: its breadcrumb
    assert wide_page.evaluate("document.activeElement.closest('.page.active .crumbs') !== null")
    wide_page.reload()
    assert_active(wide_page, route[1:])
    wide_page.goto(sample.path.as_uri() + "#contenu")  # such an address, written before, opened
    assert_active(wide_page, route[1:])  # (the same document: the page shown stays)
    wide_page.reload()
    assert_active(wide_page, "/")
    assert wide_page.locator(".page:visible").count() == 1


@pytest.mark.parametrize("viewport", [(683, 384), (960, 540)], ids=["1366x768", "1920x1080"])
def test_at_200_percent_zoom_the_menu_scrolls_away(wide_page, sample, viewport):
    # zoomed to 200 % on a 1366 × 768 laptop (683 × 384 CSS px), the sticky menu, wrapped on three lines, hid
    # 42 % of the screen above every page it scrolled
    width, height = viewport
    wide_page.set_viewport_size({"width": width, "height": height})
    go(wide_page, "#" + route_id("theme", biggest_theme(sample).cluster_id))
    wide_page.evaluate("() => window.scrollTo(0, 2000)")
    assert wide_page.locator("nav.site").evaluate("el => el.getBoundingClientRect().bottom") <= 0
    assert wide_page.evaluate("document.documentElement.scrollWidth") <= width  # and no sideways scroll


def test_turning_a_page_of_members_is_announced(wide_page, sample):
    # "Page suivante" changed the twenty contributions shown, but the list's live region (role=status) kept its
    # text: a screen reader said nothing, and the focus stays on the button below the list (WCAG 4.1.3)
    theme = biggest_theme(sample)
    go(wide_page, "#" + route_id("theme", theme.cluster_id))
    status = wide_page.locator(".page.active [data-status]")
    assert status.get_attribute("role") == "status"
    pages = -(-theme.size // 20)
    wide_page.locator(".page.active [data-next]").click()
    assert status.inner_text().endswith(f" — Page 2 sur {pages}")
    wide_page.locator(".page.active [data-prev]").click()
    assert status.inner_text().endswith(f" — Page 1 sur {pages}")
    wide_page.locator(".page.active [data-filter]").fill("impôt")  # a search says its count alone
    assert "Page" not in status.inner_text()


def test_an_unknown_contribution_number_marks_the_field_in_error(wide_page, sample):
    # "Aucune contribution n'a cet identifiant." appeared beside the field, which neither said it was in error
    # nor was described by it: a screen reader's user back on the field heard neither (RGAA 11.10)
    field = wide_page.get_by_label("Contribution n°")
    field.fill("n'existe pas")
    wide_page.get_by_role("button", name="Afficher").click()
    assert field.get_attribute("aria-invalid") == "true"
    assert wide_page.evaluate("document.activeElement.id") == "goto-input"
    described = field.evaluate("e => document.getElementById(e.getAttribute('aria-describedby')).textContent")
    assert described == "Aucune contribution n'a cet identifiant."
    field.fill(sample.report.contributions[5].source_id)  # corrected: no longer in error
    assert field.get_attribute("aria-invalid") is None
    wide_page.get_by_role("button", name="Afficher").click()
    assert_active(wide_page, route_id("contribution", sample.report.contributions[5].contribution_id))
    assert field.get_attribute("aria-invalid") is None


def test_the_charts_stay_drawn_in_a_contrast_theme(wide_page):
    # Windows' contrast themes (forced colours) paint every background with the theme's: the themes' bars and
    # the legend's swatches took the page's own colour and vanished, and the buttons lost their box
    go(wide_page, "#/themes")
    wide_page.emulate_media(forced_colors="active")
    try:
        page_colour = wide_page.evaluate("getComputedStyle(document.body).backgroundColor")
        colours = wide_page.evaluate(
            """() => ['.page.active .bar[data-own]', '.page.active .bar.campaign', '.page.active .swatch']
                 .map(s => getComputedStyle(document.querySelector(s)).backgroundColor)"""
        )
        assert page_colour not in colours, (page_colour, colours)
        button = wide_page.locator("nav.site button[type=submit]")
        assert button.evaluate("b => getComputedStyle(b).borderTopStyle") != "none"
    finally:
        wide_page.emulate_media(forced_colors="none")
