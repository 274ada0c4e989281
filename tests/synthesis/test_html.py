"""The readable HTML report (issue 7), without a browser: escaping, pages, links, no external reference."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib.resources import files

import pytest
from markupsafe import escape

from schemas import (
    Campaign,
    CampaignMember,
    Cluster,
    ContributionOut,
    Counts,
    EmbedderInfo,
    ExcludedItem,
    Keyword,
    Member,
    NoiseItem,
    QuestionReport,
    Quote,
    RejectedRowOut,
    Report,
    RunManifest,
)
from schemas.report import OriginBreakdown
from synthesis.errors import UnsupportedLanguageError
from synthesis.html import (
    CONTRIBUTION_PAGES,
    EXCERPT_CHARS,
    QUOTE_EXCERPT_CHARS,
    render_report_page,
    route_id,
)
from synthesis.ingest.granddebat import NO_ANSWER_REASON, NO_ANSWER_REASON_EN
from synthesis.report import render_html

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = 'voir https://exemple.org/x et <a href="https://evil.example">ici</a>'


def _member(cid: str, **kw) -> Member:
    return Member(contribution_id=cid, source_id=f"src-{cid}", strength=0.9, similarity=0.8, **kw)


def make_report() -> Report:
    """A tiny but complete report: two themes (one with sub-themes), noise, exclusion, a campaign, origin."""
    texts = {
        "c1": "Baisser la TVA sur les produits de première nécessité.",
        "c2": SCRIPT,
        "c3": "La TVA pèse sur les plus modestes.",
        "c4": IMG,
        "c5": "Supprimer la taxe d'habitation.",
        "c6": LINK,
        "c7": "RAS",
        "c8": "Supprimer la taxe d'habitation.",
    }
    contributions = [
        ContributionOut(
            contribution_id=cid,
            source_id=f"src-{cid}",
            question_id="q1",
            text=text,
            author_type="citizen",
            zipcode="75011",
            created_at="2019-02-01T10:00:00",
            channel="web",
        )
        for cid, text in texts.items()
    ]
    sub_a = Cluster(
        cluster_id="q1-0.0",
        label="tva, produits",
        keywords=[Keyword(term="tva", weight=0.3)],
        size=2,
        quotes=[Quote(contribution_id="c1", source_id="src-c1", text=texts["c1"])],
        members=[_member("c1"), _member("c2")],
    )
    sub_b = Cluster(
        cluster_id="q1-0.1",
        label="tva, modestes",
        keywords=[Keyword(term="modestes", weight=0.2)],
        size=2,
        quotes=[Quote(contribution_id="c4", source_id="src-c4", text=IMG)],
        members=[_member("c3"), _member("c4")],
    )
    theme_a = Cluster(
        cluster_id="q1-0",
        label=f"tva {SCRIPT}",
        keywords=[Keyword(term="tva", weight=0.5), Keyword(term=IMG, weight=0.1)],
        size=4,
        quotes=[
            Quote(contribution_id="c2", source_id="src-c2", text=SCRIPT),
            Quote(contribution_id="c1", source_id="src-c1", text=texts["c1"]),
        ],
        members=[
            _member("c1", matched_keywords=["tva"]),
            _member("c2"),
            _member("c3"),
            _member("c4", flags=["campaign"]),
        ],
        subclusters=[sub_a, sub_b],
        origin=OriginBreakdown(
            contributions=4,
            distinct_authors=3,
            weighted=3.5,
            without_campaigns=3,
            author_types={"citizen": 3, "organisation_non_profit": 1},
            territories={"75": 3, IMG: 1},
            territory_index={"75": 1.2},
            campaigns=[{"campaign_id": "q1-camp-0", "count": 2}],
            campaigns_counted_once=3,
        ),
    )
    theme_b = Cluster(
        cluster_id="q1-1",
        label="taxe, habitation",
        keywords=[Keyword(term="taxe", weight=0.4)],
        size=2,
        quotes=[Quote(contribution_id="c5", source_id="src-c5", text=texts["c5"])],
        members=[_member("c5", weight=0.5), _member("c8", weight=0.5)],
    )
    campaign = Campaign(
        campaign_id="q1-camp-0",
        size=2,
        distinct_authors=1,
        template=SCRIPT,
        kind="exact",
        first_seen="2019-02-01",
        last_seen="2019-02-02",
        cluster_ids=["q1-1"],
        members=[
            CampaignMember(contribution_id="c5", source_id="src-c5"),
            CampaignMember(contribution_id="c8", source_id="src-c8", diff=IMG),
        ],
    )
    question = QuestionReport(
        question_id="q1",
        question_text="Quels impôts baisser ?",
        clusters=[theme_a, theme_b],
        noise=[
            NoiseItem(
                contribution_id="c6",
                source_id="src-c6",
                reason="isolée",
                reason_code="isolated",
                closest_cluster_id="q1-1",
                closest_similarity=0.31,
            )
        ],
        excluded=[
            ExcludedItem(
                contribution_id="c7", source_id="src-c7", reason="non-réponse", reason_code="non_answer"
            )
        ],
        campaigns=[campaign],
        origin={"very_active_authors": 1, "very_active_contributions": 3, "note": IMG},
        method={"min_cluster_size": 2},
    )
    manifest = RunManifest(
        input_sha256="ab" * 32,
        settings={"random_state": 7, "min_cluster_size": 2, "embedder": "use-multilingual"},
        embedder=EmbedderInfo(name="use-multilingual", model_id="use-m-3", version="0.2.1", dimension=512),
        versions={"synthesis": "0.1.0"},
        seed=7,
        counts=Counts(rows_read=9, rejected=1, contributions=8, excluded=1, clustered=6, noise=1),
        timings={"embed": 1.5},
        exclusion_counts={"non_answer": 1},
    )
    return Report(
        manifest=manifest,
        rejected=[RejectedRowOut(line=3, reason=SCRIPT)],
        questions=[question],
        contributions=contributions,
        origin={"organisations": 1},
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if d.get("id"):
            self.ids.append(d["id"])
        for name in ("href", "src", "action", "srcset", "poster", "data"):
            if d.get(name) is not None:
                self.links.append((tag, name, d[name]))


@pytest.fixture(scope="module")
def page() -> str:
    return render_report_page(make_report())


@pytest.fixture(scope="module")
def parsed(page) -> _Collect:
    p = _Collect()
    p.feed(page)
    return p


def test_hostile_texts_are_escaped_everywhere(page):
    assert SCRIPT not in page and IMG not in page and '<a href="https://evil.example">' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # The only <script> elements are the report's own inline script.
    assert page.count("<script") == 1 and page.count("</script>") == 1


def test_only_one_script_allowed_by_its_hash(page):
    js = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_no_external_reference(page, parsed):
    for tag, attr, value in parsed.links:
        assert value.startswith("#"), (tag, attr, value)
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.I)
    assert "@import" not in page
    assert "https://exemple.org/x" in page  # plain text of a contribution, shown as text


def test_every_page_is_present(page, parsed):
    report = make_report()
    ids = set(parsed.ids)
    assert {"/", "/themes", "/non-classees", "/campagnes", "/methodologie", "contenu"} <= ids
    for q in report.questions:
        for theme in q.clusters:
            assert route_id("theme", theme.cluster_id) in ids
            for sub in theme.subclusters:
                assert route_id("theme", sub.cluster_id) in ids
    for c in report.contributions:
        assert route_id("contribution", c.contribution_id) in ids
    assert route_id("campagne", "q1-camp-0") in ids


def test_ids_unique_and_internal_links_resolve(parsed):
    assert len(parsed.ids) == len(set(parsed.ids))
    ids = set(parsed.ids)
    for _, attr, value in parsed.links:
        if attr == "href":
            assert value[1:] in ids, value


def test_contribution_pages_say_where_and_why(page):
    def section(cid: str) -> str:
        start = page.index(f'id="{route_id("contribution", cid)}"')
        return page[start : page.index("</section>", start)]

    theme = section("c1")
    assert 'href="#/theme/q1-0"' in theme and 'href="#/theme/q1-0.0"' in theme and "0,800" in theme
    assert "tva" in theme  # matched keyword
    noise = section("c6")
    assert (
        "Non classée" in noise and "isolée" in noise and 'href="#/theme/q1-1"' in noise and "0,310" in noise
    )
    excluded = section("c7")
    assert "Exclue de l&#39;analyse" in excluded and "non-réponse" in excluded
    campaign = section("c8")
    assert 'href="#/campagne/q1-camp-0"' in campaign


def test_unclassified_and_excluded_tables_show_each_text_cut_at_a_word(page):
    start = page.index('id="/non-classees"')
    table = page[start : page.index("</section>", start)]
    assert "<td>voir https://exemple.org/x et &lt;a href=" in table and "<td>RAS</td>" in table
    report = make_report()
    long = "Une contribution très longue " + "sur les impôts locaux " * 20
    report.contributions[5].text = long  # c6, the non classée
    table = render_report_page(report)
    table = table[table.index('id="/non-classees"') :]
    shown = table[table.index("<td>Une contribution") + 4 : table.index("…</td>")]
    assert len(shown) <= EXCERPT_CHARS and long.startswith(shown + " ")  # a whole word last
    assert long not in table[: table.index("</section>")]  # the whole text is on the contribution's page
    # a large report's contribution pages are built by the script: the whole text is one click away here
    table = render_report_page(report, contribution_pages=0)
    table = table[table.index('id="/non-classees"') : table.index('id="/campagnes"')]
    assert f"<summary>Lire le texte en entier ({len(long)} caractères)</summary>" in table
    assert f'<blockquote class="text">{long}</blockquote>' in table


def test_a_long_quote_shows_its_beginning_and_the_whole_text_on_demand():
    report = make_report()
    long = "Article 12 - Qualification juridique des données " + "et de leur réutilisation " * 40
    theme = report.questions[0].clusters[1]
    theme.quotes[0].text = long
    page = render_report_page(report)
    start = page.index(f'id="{route_id("theme", theme.cluster_id)}"')
    quotes = page[start : page.index("</ul>", page.index('class="quotes"', start))]
    excerpt = quotes[quotes.index('<blockquote class="text">') + 25 : quotes.index("…</blockquote>")]
    assert len(excerpt) <= QUOTE_EXCERPT_CHARS and long.startswith(excerpt + " ")
    n = f"{len(long):,}".replace(",", "\u202f")
    assert f"<summary>Lire l&#39;extrait en entier ({n} caractères)</summary>" in quotes
    assert f'<blockquote class="text">{long}</blockquote></details>' in quotes  # verbatim, whole
    assert "<details" not in render_report_page(make_report()).split('class="quotes"')[1].split("</ul>")[0]


def test_quotes_link_to_their_source_contribution(page):
    for m in re.finditer(r'<a href="#(/contribution/[^"]+)" data-quote>', page):
        assert f'id="{m.group(1)}"' in page
    assert page.count("data-quote") == 5


def test_counts_and_methodology(page):
    assert "synthese analyse FICHIER --seed 7 --min-cluster-size 2 --out rapport.html" in page
    assert "ab" * 32 in page and "use-m-3" in page
    assert "non-réponse (« RAS »" in page  # exclusion reason label with its count
    assert "3,5" in page  # weighted size of theme q1-0


def test_theme_chart_bars_use_numbers_only(parsed):
    for _tag, attrs in parsed.tags:
        style = attrs.get("style")
        if style is not None:
            assert re.fullmatch(r"width:\d+(\.\d+)?%", style), style


def test_english_and_unknown_language():
    html = render_report_page(make_report(), lang="en")
    assert '<html lang="en">' in html and "Methodology" in html and "Where it went, and why" in html
    # English sets no space before a colon, French a no-break one
    assert (
        'Theme: <span lang="fr">tva' in html and " : " not in html.split("<body", 1)[1].split("<script", 1)[0]
    )
    assert "Thème\u00a0: <span>tva" in render_report_page(make_report())
    with pytest.raises(UnsupportedLanguageError, match="de"):
        render_report_page(make_report(), lang="de")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_table_has_a_caption(lang):
    # the tables of non classées and of excluded contributions had none (RGAA 5.4: a data table's title is
    # tied to it), only a heading above them that did not name the question
    html = render_report_page(make_report(), lang=lang)
    tables = re.findall(r"<table\b[^>]*>\s*(<caption\b[^>]*>.*?</caption>)?", html, re.S)
    assert tables and all(tables), [i for i, caption in enumerate(tables) if not caption]
    assert re.search(r"<caption[^>]*>[^<]*1[^<]*<span[^>]*>Quels impôts baisser \?</span></caption>", html)


def test_the_contributions_words_are_marked_as_french_on_the_english_page():
    # the English page had no lang on the French texts, question, theme labels and keywords: a screen reader
    # read them with English pronunciation (RGAA 8.7: a change of language is marked)
    report = make_report()
    body = render_report_page(report, lang="en").split("<body", 1)[1]
    for marked in (
        '<span lang="fr">Quels impôts baisser ?</span>',
        'Theme: <span lang="fr">tva',
        '<th scope="row" lang="fr">taxe</th>',
        'lang="fr">taxe, habitation</a>',
        '<blockquote class="text" lang="fr">La TVA pèse sur les plus modestes.</blockquote>',
        'data-text-lang="fr"',  # for the pages the script builds
    ):
        assert marked in body, marked
    parsed = _Collect()
    parsed.feed(body)
    assert {d.get("lang") for tag, d in parsed.tags if tag == "blockquote"} == {"fr"}
    # the French page marks nothing, nor does the English page of answers written in English
    assert " lang=" not in render_report_page(report).split("<body", 1)[1]
    # ... nor where the language is not told (Chinese, as in Polis' vTaiwan): never a wrong one
    for text in ("We need more bike lanes and the buses should run at night", "我们需要更多的自行车道"):
        other = report.model_copy(  # the importers' reasons aside: French whatever the data
            update={
                "contributions": [c.model_copy(update={"text": text}) for c in report.contributions],
                "rejected": [],
            }
        )
        assert " lang=" not in render_report_page(other, lang="en").split("<body", 1)[1], text


def test_the_french_words_inside_english_sentences_are_marked_too():
    # the question inside the chart's caption and the methodology's titles, the keywords a member shares
    # with its theme, a campaign copy's added words and the importers' reasons where they have no English one were read as
    # English on the English page
    body = render_report_page(make_report(), lang="en").split("<body", 1)[1]
    for marked in (
        'Theme sizes — <span lang="fr">Quels impôts baisser ?</span>',
        'Parameters actually used — <span lang="fr">Quels impôts baisser ?</span>',
        'keywords: <span lang="fr">tva</span>',
        '<dd lang="fr">tva</dd>',
        'line 3: <span lang="fr">&lt;script&gt;',
    ):
        assert marked in body, marked
    report = make_report()
    report.questions[0].campaigns[0].members[1].diff = "-«taxe» +«impôt»"
    body = render_report_page(report, lang="en").split("<body", 1)[1]
    assert '<del><span class="sr-only">removed: </span><span lang="fr">taxe</span></del>' in body
    french = render_report_page(make_report()).split("<body", 1)[1]
    assert " lang=" not in french and "Taille des thèmes — Quels impôts baisser ?" in french


def test_the_themes_named_in_a_reason_are_marked_as_french_on_the_english_page():
    # "isolated: no theme close enough (the closest, « taxe, habitation », ...)": the French label inside the
    # English reason was read as English, on the non classées table and the contribution's page
    report = make_report()
    body = render_report_page(report, lang="en").split("<body", 1)[1]
    assert body.count('the closest, <span lang="fr">« taxe, habitation »</span>, is outside') == 2
    report.questions[0].noise[0].reason_code = None  # a reason without code: the pipeline's French, as is
    body = render_report_page(report, lang="en").split("<body", 1)[1]
    assert '<td><span lang="fr">isolée</span></td>' in body
    assert "the closest, « taxe" not in render_report_page(make_report())


@pytest.mark.parametrize("pages", [CONTRIBUTION_PAGES, 0], ids=["pre-rendered", "on-demand"])
def test_every_reason_for_a_non_classee_is_translated_with_its_themes(pages):
    # the English page read "between" and "too_short" (and "Unclassified: between." on a contribution's page)
    report = make_report()
    noise = report.questions[0].noise[0]
    for code, words in [
        ("between", "between two themes: « taxe, habitation » and « tva "),
        ("isolated", "isolated: no theme close enough (the closest, « taxe, habitation », is outside"),
        ("too_short", "too short to be attached to a theme (fewer than 2 meaningful words)"),
        ("no_theme", "no theme was formed for this question"),
    ]:
        noise.reason_code, noise.other_cluster_id = code, "q1-0" if code == "between" else None
        html = render_report_page(report, lang="en", contribution_pages=pages)
        html = re.sub(r'<span lang="fr">(« [^<]* »)</span>', r"\1", html)  # the labels, marked as French
        assert html.count(words) == 2, code  # the table, and the contribution's page or its data
        assert f">{code}<" not in html and f"{code}." not in html


def test_deterministic_and_same_as_render_html(page):
    assert render_report_page(make_report()) == page == render_html(make_report())


def test_route_ids_are_safe():
    assert route_id("theme", "164-0.1") == "/theme/164-0.1"
    assert route_id("contribution", 'a b"<') == "/contribution/a~20b~22~3C"
    assert route_id("contribution", "é") == "/contribution/~C3~A9"


def test_report_without_contributions_still_renders():
    report = make_report().model_copy(update={"contributions": []})
    html = render_report_page(report)
    assert 'id="/contribution/c1"' in html and "Texte non disponible" in html


def test_methodology_names_every_parameter_and_explains_a_sampled_fit():
    import numpy as np

    from schemas import RunSettings
    from synthesis.cluster import cluster_embeddings

    rng = np.random.default_rng(0)
    x = np.repeat(rng.standard_normal((4, 16)), 400, axis=0) + 0.3 * rng.standard_normal((1600, 16))
    params = cluster_embeddings(
        x / np.linalg.norm(x, axis=1, keepdims=True), random_state=0, max_fit=600
    ).params
    assert params["fitted_on"] < params["distinct_texts"]
    report = make_report()
    report.questions[0].method = params
    report.manifest.settings = RunSettings(fit_max=1000, umap_epochs=30).model_dump()
    strings = json.loads((files("synthesis") / "static" / "i18n.json").read_text("utf-8"))
    sentence = {"fr": "tiré au hasard (graine 0) en compte 600", "en": "the random sample (seed 0) holds 600"}
    for lang in ("fr", "en"):
        assert not {f"setting.{k}" for k in [*params, *RunSettings.model_fields]} - set(strings[lang])
        html = render_report_page(report, lang=lang)
        assert sentence[lang] in html and "--fit-max 1000 --umap-epochs 30" in html
        yes = {"fr": "oui", "en": "yes"}[lang]
        assert f"subclusters</code></th><td>{yes}</td>" in html  # a boolean, not the number 1
        assert "territory</code></th><td>—</td>" in html  # none declared, not "[]"
    report.manifest.settings["territory"] = ["75", "92"]
    assert 'territory</code></th><td><code>["75", "92"]</code></td>' in render_report_page(report)
    assert sentence["fr"] not in render_report_page(make_report())  # no sample, no sentence


def test_a_closed_question_shows_its_options_escaped():
    from schemas.report import ChoiceCount

    report = make_report()
    question = report.questions[0].model_copy(
        update={
            "choices": [
                ChoiceCount(option=SCRIPT, count=30, share=0.6),
                ChoiceCount(option="Non", count=25, share=0.5),
            ]
        }
    )
    report = report.model_copy(update={"questions": [question]})
    fr, en = render_report_page(report), render_report_page(report, lang="en")
    assert "Question fermée : réponses par option (2 options)" in fr and "60,0" in fr and "50,0" in fr
    assert "Closed question: answers per option (2 options)" in en
    assert SCRIPT not in fr and "&lt;script&gt;alert(1)&lt;/script&gt;" in fr
    assert "Question fermée" not in render_report_page(make_report())  # free text: no tally


def test_counts_agree_with_their_words():
    # the overview read "1 campagnes détectées", the subtitle "1 question(s)"
    html = render_report_page(make_report())  # one question, one campaign, one "non classée", one exclusion
    assert "1 question —" in html and "question(s)" not in html
    assert "2 thèmes, 1 non classée, 1 exclue, 1 campagne détectée." in html
    assert "1 campagne (textes déposés plusieurs fois, à l&#39;identique ou presque) regroupe 2" in html
    assert "1 unclassified, 1 excluded, 1 campaign detected." in render_report_page(make_report(), lang="en")
    # and "0 campagne détectée", "0 a été rejetée" read "aucune"
    report = make_report()
    report.questions[0].campaigns = []
    report.manifest.counts.rejected = 0
    html = render_report_page(report)
    assert "1 exclue, aucune campagne détectée." in html and "0 campagne" not in html
    assert "lues ; aucune n&#39;a été rejetée." in html and "0 a été rejetée" not in html
    assert '<span class="stat-value">0</span><span class="stat-caption">ligne rejetée</span>' in html
    assert '<span class="stat-caption">lignes lues</span>' in html
    for page in (html, render_report_page(make_report())):
        assert not re.search(r"(?<![\d\u202f\u00a0])[01] (?:contributions|lignes|thèmes|exemplaires)\b", page)
    assert "none was rejected" in render_report_page(report, lang="en")
    # a question with no theme, nothing excluded: "0 thème, 5 non classées, 0 exclue" (a Decidim debate)
    report.questions[0].clusters, report.questions[0].excluded = [], []
    assert (
        "1 contribution : aucun thème, 1 non classée, aucune exclue, aucune campagne"
        in render_report_page(report)
    )
    assert "1 contribution: no theme, 1 unclassified, none excluded, no campaign" in render_report_page(
        report, lang="en"
    )


def test_a_sub_theme_named_as_its_theme_says_why():
    # "transports en commun" under "transports en commun": no keyword of its own, written by a tenth of its
    # members, told it from its theme; the page says so rather than leave the reader wondering
    report = make_report()
    theme = report.questions[0].clusters[0]
    theme.label = "produits · tva"
    theme.subclusters[0].label = "tva · produits"  # the same words, in another order
    strings = json.loads((files("synthesis") / "static" / "i18n.json").read_text("utf-8"))
    for lang in ("fr", "en"):
        html = render_report_page(report, lang=lang)
        hint, short = strings[lang]["subtheme.named_as_theme"], strings[lang]["subtheme.named_as_theme.short"]
        assert html.count(escape(hint)) == 1 and html.count(f"({escape(short)})") == 1
    assert escape(strings["fr"]["subtheme.named_as_theme"]) not in render_report_page(make_report())


def test_rejected_rows_say_their_reason_in_the_pages_language():
    # the English page listed "line 21: aucune réponse : toutes les cellules de question de la ligne sont vides"
    report = make_report()
    french, english = NO_ANSWER_REASON, NO_ANSWER_REASON_EN
    report.rejected = [RejectedRowOut(line=21, reason=french, reason_en=english)]
    assert escape(english) in render_report_page(report, lang="en")
    assert escape(french) not in render_report_page(report, lang="en")
    assert escape(french) in render_report_page(report) and escape(english) not in render_report_page(report)
    report.rejected = [RejectedRowOut(line=21, reason=french)]  # a report made before reasons were in English
    assert escape(french) in render_report_page(report, lang="en")


def test_a_share_is_written_as_each_language_writes_it():
    # the English page wrote "21.2 %", the French spacing
    from synthesis.html import _percent

    assert _percent(212, 1000) == "21,2\u00a0%"
    assert _percent(212, 1000, "en") == "21.2%"
    assert _percent(1, 0, "en") == "—"


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_chart_colours_stand_out_from_the_page_and_from_each_other():
    # the campaign part of each bar (#b3b3f5) was 1.97:1 on white, under WCAG 1.4.11's 3:1 for a chart's parts
    css = files("synthesis").joinpath("static/report.css").read_text(encoding="utf-8")
    colour = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    for background in ("#ffffff", colour["bg-alt"], colour["blue"]):
        assert _contrast(colour["campaign"], background) >= 3, background
    assert _contrast(colour["blue"], "#ffffff") >= 3
