"""Origin findings in words on the report page (issues 5, 7): no raw keys, French names, gaps said."""

from __future__ import annotations

import re

import pytest

from schemas import Report
from schemas.report import CampaignVariant, OriginBreakdown
from synthesis import html_origin as words
from synthesis.html import render_report_page, route_id
from tests.synthesis.test_html import IMG, SCRIPT, make_report


def t(key: str, **values) -> str:
    """The French strings of the page, as the renderer uses them."""
    from synthesis.html import _strings

    text = _strings()["fr"].get(key, key)
    return text.format(**values) if values else text


def origin_report() -> Report:
    """The tiny report with origin findings shaped as ``synthesis.origin`` writes them."""
    report = make_report()
    report.origin = {
        "contributions": 8,
        "distinct_authors": 6,
        "in_campaigns": 2,
        "campaigns": 1,
        "author_types": {
            "citizen": 5, "organisation_for_profit": 1, "elected_or_institution": 1, "unknown": 1,
        },
        "channels": {"web": 6, "papier": 1, "inconnu": 1},
        "bursts": {
            "hours": 48,
            "baseline": 1.0,
            "threshold": 8.4,
            "bursts": [{"hour": "2019-02-01T10:00:00", "count": 12, "in_campaigns": 9}],
        },
        "participation": {
            "level": "departement",
            "participants": 6,
            "located": 5,
            "location_status": {"ok": 5, "missing": 1},
            "rows": [
                {"territory": "75", "contributions": 4, "population": 2_100_000, "per_10000": 0.019,
                 "index": 3.1, "flag": "over"},
                {"territory": "2A", "contributions": 0, "population": 160_000, "per_10000": 0.0,
                 "index": 0.0, "flag": "absent"},
                {"territory": "13", "contributions": 1, "population": 2_000_000, "per_10000": 0.005,
                 "index": 0.4, "flag": "under"},
            ],
            "absent": ["2A"],
            "over_represented": ["75"],
            "under_represented": ["13"],
        },
        "attribution": "La Poste (ODbL); Insee",
    }  # fmt: skip
    q = report.questions[0]
    q.origin = {
        "kept": 7,
        "very_active_authors": 1,
        "very_active_contributions": 4,
        "repeated_short_answers": [{"text": SCRIPT, "count": 3}],
    }
    camp = q.campaigns[0]
    camp.authors_unknown = 1
    camp.first_seen, camp.last_seen = "2019-02-01T10:05:00", "2019-02-02T18:30:00"
    camp.densest_hour, camp.densest_hour_count = "2019-02-01T10:05:00", 2
    camp.variants = [
        CampaignVariant(text=SCRIPT, count=1, kind="exact", contribution_ids=["c5"]),
        CampaignVariant(
            text=IMG, count=1, kind="near", diff=f"-«{SCRIPT}» +«{IMG}»", contribution_ids=["c8"]
        ),
    ]
    theme_b = q.clusters[1]
    theme_b.members[1].flags = [
        "campaign:q1-camp-0",
        "organisation",
        "organisation:for_profit",
        "very_active_author",
    ]
    report.manifest.settings["active_author_threshold"] = 3
    return report


@pytest.fixture(scope="module")
def page() -> str:
    return render_report_page(origin_report())


def section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start : page.index("</section>", start)]


def test_helpers_speak_french():
    assert words.territory_name("75", t) == "Paris (75)"
    assert words.territory_name("2A", t) == "Corse-du-Sud (2A)"
    assert words.territory_name("R11", t) == "Île-de-France"
    assert words.territory_name("inconnu", t) == "code postal non renseigné ou inexploitable"
    assert words.territory_name("etranger", t) == "hors de France"
    assert words.territory_name("988", t) == "Nouvelle-Calédonie (988)"
    # a city's participation is by commune: "commune 54395" named no place a reader knows
    assert words.territory_name("54395", t) == "Nancy (54395)"
    assert words.territory_name("75111", t) == "Paris 11e Arrondissement (75111)"
    assert words.format_datetime("2019-02-01T11:40:48", "fr") == "1er février 2019 à 11 h 40"
    assert words.format_datetime("2019-03-18 22:24:47", "en") == "18 March 2019, 22:24"
    assert words.parse_diff("-«a b» +«c»") == [("-", "a b"), ("+", "c")]
    assert words.parse_diff("+«coupé…") == [("+", "coupé")] and words.parse_diff("=") == []
    assert words.weight_text(1.0, t, str) is None
    assert "1/4" in words.weight_text(0.25, t, lambda v, d=0: f"{v:.{d}f}")


def test_territory_index_is_read_only_where_enough_were_expected():
    # 2 contributions of a département where 0.84 were expected (the sample's « Aucun » theme): no reading
    rows = words.distribution(
        {"10": 2, "59": 12, "75": 6}, str, t, index={"10": 2.37, "59": 2.4, "75": 0.3}
    ).rows
    notes = {r.name: r.note for r in rows}
    assert notes == {"59": t("index.high"), "10": "", "75": t("index.low")}


def test_flags_in_words():
    flags = words.explain_flags(
        ["campaign:q1-c2", "organisation", "organisation:non_profit", "very_active_author"], t, 3
    )
    assert [f.campaign_id for f in flags] == ["q1-c2", None, None]
    # the flag names its evidence: the export's declared author type, never a guess from a name
    assert flags[1].text == (
        "L'auteur est une organisation à but non lucratif, selon le type d'auteur indiqué dans l'export "
        "(jamais deviné d'après un nom ou un texte)."
    )
    assert "plus de 3 contributions" in flags[2].text
    assert words.flag_badges(["organisation", "organisation:for_profit"], t) == [
        "organisation à but lucratif"
    ]


def test_overview_who_speaks_without_raw_keys(page):
    who = section(page, "/")
    for raw in (
        "distinct_authors",
        "author_types",
        "organisation_for_profit",
        "over_represented",
        "{&#34;",
        "{'",
    ):
        assert raw not in who, raw
    assert "8 contributions de 6 participants distincts" in who
    for name in ("citoyen·ne", "organisation à but lucratif", "élu·e ou institution", "inconnu"):
        assert f'<th scope="row">{name}</th>' in who
    assert "Paris (75)" in who and "Corse-du-Sud (2A)" in who and "Bouches-du-Rhône (13)" in who
    assert "Territoires absents" in who and "sur-représentés" in who and "sous-représentés" in who
    assert (
        "1er février 2019, de 10 h à 11 h : 12 dépôts, dont 9 avec une contribution dans une campagne" in who
    )
    assert "sans code postal\u00a0: 1" in who
    assert "1 auteur a écrit plus de 3 contributions" in who
    assert "&lt;script&gt;" in who and SCRIPT not in who  # a repeated short answer, escaped


def test_territory_sources_are_cited_where_territories_are_shown():
    report = origin_report()
    assert "La Poste (ODbL); Insee" in render_report_page(report)
    report.origin["participation"]["located"] = 0  # no postcode in the file: no territory, no source
    assert "La Poste (ODbL); Insee" not in render_report_page(report)


def test_many_questions_fold_their_methodology_tables():
    # the République numérique's 230 questions made a page 300,000 px tall
    report = make_report()
    (question,) = report.questions
    assert '<details class="method-question">' not in render_report_page(report)
    report.questions = [question.model_copy(update={"question_id": f"q{i}"}) for i in range(4)]
    assert render_report_page(report).count('<details class="method-question">') == 4


def test_a_burst_outside_campaigns_says_no_zero():
    # it read "1er février 2019 à 10 h 00 à 11 h : 12 contributions, dont 0 dans une campagne" (now "dépôts")
    report = origin_report()
    report.origin["bursts"]["bursts"][0]["in_campaigns"] = 0
    assert "1er février 2019, de 10 h à 11 h : 12 dépôts</li>" in render_report_page(report)
    assert "1 February 2019, 10:00 to 11:00: 12 submissions</li>" in render_report_page(report, lang="en")


def test_missing_values_are_said_not_left_empty():
    report = origin_report()
    report.origin["participation"] = {"participants": 6, "located": 0, "rows": []}
    report.origin["bursts"] = {"hours": 0, "baseline": None, "bursts": []}
    report.origin["channels"] = {"inconnu": 8}
    who = section(render_report_page(report), "/")
    assert "Code postal non renseigné : la participation par territoire ne peut pas être calculée." in who
    assert "Heures de dépôt non renseignées ou illisibles" in who and "Canal de dépôt non renseigné." in who


def test_a_file_without_authors_or_author_types_says_so():
    report = origin_report()
    report.origin["without_author"] = report.origin["contributions"]
    report.origin["author_types"] = {"unknown": 8}
    campaign = report.questions[0].campaigns[0]
    campaign.authors_unknown = campaign.size
    report.questions[0].origin.update(without_author=7, very_active_authors=0, very_active_contributions=0)
    who = section(render_report_page(report), "/")
    assert "8 contributions ; auteurs non renseignés dans le fichier" in who
    assert t("who.very_active.no_authors") in who
    assert (
        "Type d&#39;auteur non renseigné dans le fichier." in who
        and '<th scope="row">inconnu</th>' not in who
    )
    assert "participants distincts" not in who and "Aucun auteur n&#39;a écrit" not in who
    campaigns = section(render_report_page(report), "/campagnes")
    assert "<dd>non renseignés dans le fichier</dd>" in campaigns and "sans auteur connu" not in campaigns
    theme = report.questions[0].clusters[0]
    theme.origin.authors_unknown = theme.size  # each of its 4 contributions would count as a participant
    page = section(render_report_page(report), route_id("theme", "q1-0"))
    assert '"stat-value">—</span><span class="stat-caption">participants</span>' in page  # not 3
    for theme in report.questions[0].clusters:
        theme.origin = theme.origin or OriginBreakdown(contributions=theme.size)
        theme.origin.authors_unknown = theme.size
    themes = section(render_report_page(report), "/themes")
    assert 'value="participants"' not in themes and 'value="weighted"' in themes  # no bars of nothing
    assert 'value="participants"' in section(render_report_page(origin_report()), "/themes")
    report.questions[0].origin["without_author"] = 6  # one contribution has an author
    who = section(render_report_page(report), "/")
    assert "Aucun auteur n&#39;a écrit plus de 3 contributions" in who


def test_theme_page_origin(page):
    theme = section(page, route_id("theme", "q1-0"))
    assert "citoyen·ne" in theme and "organisation à but non lucratif" in theme
    assert "Paris (75)" in theme and "1,20" in theme  # index of Paris in this theme
    assert "&lt;img src=x onerror=alert(1)&gt;" in theme  # an odd territory key is shown as text
    assert f'href="#{route_id("campagne", "q1-camp-0")}"' in theme
    assert "Canal de dépôt non renseigné." in theme
    assert "contributions, campagnes comptées une fois" in theme  # 3: the figure counts contributions
    report = origin_report()
    report.questions[0].clusters[0].origin.author_types = {"unknown": 4}
    theme = section(render_report_page(report), route_id("theme", "q1-0"))
    assert "Type d&#39;auteur non renseigné dans le fichier." in theme and "citoyen·ne" not in theme


def test_campaigns_page(page):
    camp = section(page, "/campagnes")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in camp and SCRIPT not in camp and IMG not in camp
    assert "dont 1 contribution sans auteur connu (comptée comme un auteur)" in camp
    assert "du 1er février 2019 à 10 h 05 au 2 février 2019 à 18 h 30" in camp
    assert "2 contributions dans l&#39;heure qui suit le 1er février 2019 à 10 h 05" in camp
    assert re.search(r"<del><span class=\"sr-only\">retiré : </span>&lt;script&gt;", camp)
    assert re.search(r"<ins><span class=\"sr-only\">ajouté : </span>&lt;img", camp)
    assert f'href="#{route_id("theme", "q1-1")}"' in camp


def test_contribution_flags_and_weight(page):
    c8 = section(page, route_id("contribution", "c8"))
    assert 'Fait partie de la <a href="#/campagne/q1-camp-0">campagne n° q1-camp-0</a>' in c8
    assert "L&#39;auteur est une organisation à but lucratif, selon le type d&#39;auteur indiqué" in c8
    assert "plus de 3 contributions à cette question" in c8
    assert "Poids 1/2 (0,500)" in c8
    assert "campaign:" not in c8 and "organisation:for_profit" not in c8


def test_hostile_flag_codes_are_escaped():
    report = origin_report()
    report.questions[0].clusters[1].members[0].flags = [SCRIPT, f"campaign:{IMG}"]
    html = render_report_page(report)
    assert SCRIPT not in html and IMG not in html
    assert "Signalement « &lt;script&gt;alert(1)&lt;/script&gt; »." in html


def test_submissions_without_a_time_of_day_are_said_apart_from_the_bursts():
    report = origin_report()
    report.origin["bursts"]["undated"] = 7
    assert "7 dépôts sans heure lisible ne sont pas comptés." in section(render_report_page(report), "/")
    english = section(render_report_page(report, lang="en"), "/")
    assert "7 submissions without a readable time of day are not counted." in english


def test_a_declared_territory_code_naming_no_place_is_said():
    report = origin_report()
    report.origin["participation"]["declared_unknown"] = ["Nancy"]
    who = section(render_report_page(report), "/")
    assert (
        "Ce code du territoire déclaré ne désigne aucun lieu connu" in who
        and "nom de commune) : Nancy." in who
    )
    english = section(render_report_page(report, lang="en"), "/")
    assert "This code of the declared territory names no place known" in english and "of it." in english


def test_a_long_list_of_flagged_territories_is_folded():
    # a participation by commune listed every "absent" commune in one open table: hundreds of rows
    report = origin_report()
    absent = [
        {"territory": f"54{k:03d}", "contributions": 0, "population": 9000, "per_10000": 0.0, "index": 0.0}
        for k in range(25)
    ]
    report.origin["participation"]["rows"] = [dict(r, flag="absent") for r in absent]
    who = section(render_report_page(report), "/")
    table = who[who.index("Territoires absents") :]
    shown = table[: table.index("</table>")]
    assert shown.count('<th scope="row">') == 10
    assert "Les 15 autres territoires" in table


def test_every_campaign_of_a_theme_is_named():
    # a theme's breakdown kept its 5 largest campaigns: the page named 5 of 7, the other 2 in no list
    report = origin_report()
    theme = report.questions[0].clusters[1]
    theme.origin = OriginBreakdown(
        contributions=theme.size, campaigns=[{"campaign_id": f"q1-c{k}", "count": 1} for k in range(1, 8)]
    )
    page = render_report_page(report)
    assert "Les 2 autres campagnes de ce thème" in page
    assert all(f"campagne n° q1-c{k}" in page for k in range(1, 8))


def test_a_short_answer_repeated_says_by_how_many_authors():
    report = origin_report()
    report.questions[0].origin["repeated_short_answers"] = [
        {"text": "La TVA", "count": 6, "distinct_authors": 3}
    ]
    assert "6 fois, par 3 auteurs distincts" in section(render_report_page(report), "/")
    assert "6 times, by 3 distinct authors" in section(render_report_page(report, lang="en"), "/")


def test_a_burst_at_one_second_says_so():
    # 300 submissions stamped with one second (an import's time) read as 300 people posting within the hour
    report = origin_report()
    report.origin["bursts"]["bursts"][0].update(same_second=12, second="2019-02-01T10:20:05")
    who = section(render_report_page(report), "/")
    assert "12 d&#39;entre eux portent la même seconde (1er février 2019 à 10 h 20 min 05 s)" in who
    english = section(render_report_page(report, lang="en"), "/")
    assert "12 of them carry the same second (1 February 2019, 10:20:05)" in english


def test_the_campaigns_page_states_the_rule_with_this_report_s_thresholds():
    # the page said "the same text posted many times, identical or nearly so": no size, length or similarity
    report = origin_report()
    report.manifest.settings.update(
        campaign_min_size=5,
        campaign_min_words=15,
        campaign_near_threshold=0.6,
        campaign_semantic_threshold=0.9,
    )
    page = section(render_report_page(report), "/campagnes")
    assert "un texte d&#39;au moins 15 mots" in page and "écrit par au moins 5 auteurs distincts" in page
    assert (
        "au moins 15 paires de mots en commun, soit au moins 60 % de leurs paires de mots" in page
        and "repris en entier avec des mots ajoutés" in page
        and "similarité de sens d&#39;au moins 0,90" in page
    )
    report.manifest.settings["campaign_semantic_threshold"] = None
    english = section(render_report_page(report, lang="en"), "/campagnes")
    assert "written by 5 distinct authors or more" in english and "similarity of meaning" not in english
    assert "15 word pairs shared or more, being at least 60% of their word pairs" in english
    assert "pasted whole with words added" in english


def test_participants_located_by_a_commune_name_are_said_apart():
    report = origin_report()
    report.origin["participation"]["location_status"] = {"ok": 2, "commune_name": 3, "ambiguous_name": 1}
    who = section(render_report_page(report), "/")
    assert "nom de commune au lieu d&#39;un code postal (localisé dans cette commune)\u00a0: 3" in who
    english = section(render_report_page(report, lang="en"), "/")
    assert "a commune&#39;s name borne in several départements, no postcode (not located): 1" in english
    report.origin["participation"]["location_status"] = {
        "word_name": 2,
        "abroad": 1,
        "departement_name": 4,
        "region_name": 5,
    }
    who = section(render_report_page(report), "/")
    abroad = (
        "hors de France : nom ou code postal d&#39;un pays ou d&#39;une ville à l&#39;étranger, ou de Monaco"
    )
    assert abroad + " (98000)\u00a0: 1" in who
    assert (
        "mot courant ou un nom de pays (« Mer », « Suisse »), sans code postal (non localisé)\u00a0: 2" in who
    )
    english = section(render_report_page(report, lang="en"), "/")
    assert (
        "a département&#39;s name or number instead of a postcode (located in that département): 4" in english
    )


def test_a_participation_by_postcode_names_postcodes_not_the_communes_bearing_their_number():
    # a population given by postcode: the row of postcode 01100 (Oyonnax) read "Cheignieu-la-Balme (01100)",
    # the commune whose INSEE code is 01100
    row = {"territory": "01100", "contributions": 3, "population": 30000, "per_10000": 1.0, "index": 1.0}
    part = words.participation({"level": "postcode", "rows": [row], "located": 3}, t)
    assert part is not None and part.rows[0]["name"] == "code postal 01100"
    by_commune = words.participation({"level": "commune", "rows": [row], "located": 3}, t)
    assert by_commune is not None and by_commune.rows[0]["name"] == "Cheignieu-la-Balme (01100)"


def test_the_second_a_burst_s_submissions_share_is_written_with_its_seconds():
    # "12 of them carry the same second (1 February 2019, 10:20)": the second was not written, only its minute
    burst = {"hour": "2019-02-01T10:00:00", "count": 40, "same_second": 12, "second": "2019-02-01T10:20:05"}
    (fr,) = words.bursts({"bursts": [burst]}, "fr")
    (en,) = words.bursts({"bursts": [burst]}, "en")
    assert fr.second == "1er février 2019 à 10 h 20 min 05 s" and en.second == "1 February 2019, 10:20:05"
    assert words.format_datetime("2019-02-01T10:20:05", "fr") == "1er février 2019 à 10 h 20"


def test_times_given_with_an_offset_are_shown_in_paris_time_and_say_so():
    # a Polis comment's UTC time "2019-07-01T12:00:00+00:00" read "1er juillet 2019 à 12 h 00", two hours
    # before the French reader's clock showed, and nothing said it was UTC
    assert (
        words.format_datetime("2019-07-01T12:00:00+00:00", "fr")
        == "1er juillet 2019 à 14 h 00 (heure de Paris)"
    )
    assert words.format_datetime("2019-01-17T09:38:00Z", "en") == "17 January 2019, 10:38 (Paris time)"
    assert words.format_datetime("2019-12-31T23:30:00+00:00", "fr", time=False) == "1er janvier 2020"
    assert words.format_datetime("2019-01-17T10:38:00", "fr") == "17 janvier 2019 à 10 h 38"  # as written
    report = origin_report()
    report.origin["bursts"]["time_zone"] = "Europe/Paris"
    assert "Heures de Paris (heure légale française, heure d&#39;été comprise)" in section(
        render_report_page(report), "/"
    )
    assert "Times are in Paris time" in section(render_report_page(report, lang="en"), "/")


def test_dates_left_unread_for_their_order_are_said_so():
    report = origin_report()
    report.origin["bursts"]["order_doubtful"] = True
    assert "celles qui se lisent dans les deux sens (« 03/12/2019 », 3 décembre ou 12 mars)" in section(
        render_report_page(report), "/"
    )
    assert "those that read either way" in section(render_report_page(report, lang="en"), "/")
    report.origin["bursts"]["order_unconfirmed"] = True
    assert "Elles sont lues le jour en premier, comme en français" in section(render_report_page(report), "/")
    assert "they are read day first, as French writes them" in section(
        render_report_page(report, lang="en"), "/"
    )


def test_a_diff_whose_words_hold_guillemets_is_read_whole():
    # the first "»" closed the fragment: « maintenant. » was lost and the report showed « « taxe carbone »
    diff = "-«taxe.» +«« taxe carbone » maintenant.»"  # word_diff of « …la taxe. » and « …la « taxe carbone » maintenant. »
    assert words.parse_diff(diff) == [("-", "taxe."), ("+", "« taxe carbone » maintenant.")]
    assert words.parse_diff("+««b» c» -«d»") == [("+", "«b» c"), ("-", "d")]
