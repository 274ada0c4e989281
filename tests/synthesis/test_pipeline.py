"""End-to-end properties of synthesis.pipeline.run on real answers: conservation, verbatim quotes, determinism."""

import html
import json

import pytest

from schemas import RunSettings
from synthesis import background
from synthesis.embed.parallel import resolve_workers
from synthesis.html import render_report_page
from synthesis.pipeline import run
from synthesis.records import Contribution, RejectedRow
from synthesis.report import render_json
from tests.utils.data import granddebat_answers
from tests.utils.fake_embedder import FAKE_EMBEDDER, register_fake_embedder

QUESTION = "Quels sont selon vous les impôts qu'il faut baisser en priorité ?"


def contributions(n: int = 800) -> list[Contribution]:
    texts = granddebat_answers(limit=n) + ["", "   ", "?!…", "RAS", "Néant", "je ne sais pas"]
    return [
        Contribution(
            contribution_id=f"c{i}",
            source_id=f"s{i}",
            question_id="164",
            question_text=QUESTION,
            text=t,
            line=i + 2,
        )
        for i, t in enumerate(texts)
    ] + [
        Contribution(
            contribution_id="trashed",
            source_id="t1",
            question_id="164",
            question_text=QUESTION,
            text="Supprimer la taxe d'habitation",
            excluded="corbeille (trashed) dans l'export",
        )
    ]


@pytest.fixture(scope="module")
def fake_report():
    register_fake_embedder()
    return run(contributions(), RunSettings(embedder=FAKE_EMBEDDER), rejected=[RejectedRow(3, "ligne vide")])


def members_of(question):
    return [m for c in question.clusters for m in c.members]


def test_every_contribution_is_in_exactly_one_place(fake_report):
    q = fake_report.questions[0]
    ids = [m.contribution_id for m in members_of(q)] + [n.contribution_id for n in q.noise]
    ids += [e.contribution_id for e in q.excluded]
    assert sorted(ids) == sorted(c.contribution_id for c in contributions())
    counts = fake_report.manifest.counts
    assert counts.contributions == counts.clustered + counts.noise + counts.excluded
    assert counts.rejected == 1


def test_excluded_and_noise_items_carry_reasons(fake_report):
    q = fake_report.questions[0]
    reasons = {e.contribution_id: e.reason_code for e in q.excluded}
    assert reasons["trashed"] == "import_excluded"
    assert {"empty", "no_letters", "non_answer"} <= set(reasons.values())
    assert all(e.reason for e in q.excluded) and all(n.reason and n.reason_code for n in q.noise)


def test_quotes_are_verbatim_member_texts_with_their_source_id(fake_report):
    by_id = {c.contribution_id: c for c in contributions()}
    for c in fake_report.questions[0].clusters:
        member_ids = {m.contribution_id for m in c.members}
        assert 1 <= len(c.quotes) <= 5
        assert len({q.text for q in c.quotes}) == len(c.quotes)
        for quote in c.quotes:
            assert quote.contribution_id in member_ids
            source = by_id[quote.contribution_id]
            assert quote.text.encode() == source.text.encode() and quote.source_id == source.source_id


def strip(report):
    data = json.loads(render_json(report))
    data["manifest"].pop("timings")
    return data


def test_same_input_same_report_timings_aside(fake_report):
    again = run(contributions(), RunSettings(embedder=FAKE_EMBEDDER), rejected=[RejectedRow(3, "ligne vide")])
    assert strip(again) == strip(fake_report)


CAMPAIGN = (
    "Je demande la suppression de la taxe foncière pour les retraités modestes qui ont travaillé toute leur "
    "vie pour payer leur maison et ne peuvent plus la payer"
)


def test_a_question_whose_every_answer_is_a_non_answer_is_reported_not_fatal():
    # it failed the whole run (HDBSCAN's finer scale was tried on no text at all)
    register_fake_embedder()
    empty = [
        Contribution(f"n{i}", f"n{i}", "165", "Autre chose à ajouter ?", text, line=900 + i)
        for i, text in enumerate(["RAS", "Rien", "je ne sais pas", "", "Néant"])
    ]
    report = run(contributions(200) + empty, RunSettings(embedder=FAKE_EMBEDDER))
    themed, nothing = report.questions
    assert themed.clusters and not nothing.clusters and not nothing.noise
    assert sorted(e.contribution_id for e in nothing.excluded) == [c.contribution_id for c in empty]
    assert {e.reason_code for e in nothing.excluded} == {"non_answer", "empty"}
    assert "Autre chose à ajouter ?" in render_report_page(report)  # the page too
    alone = run(empty, RunSettings(embedder=FAKE_EMBEDDER))
    assert not alone.questions[0].clusters and len(alone.questions[0].excluded) == len(empty)
    page = html.unescape(render_report_page(alone))  # it read "0 a été regroupée en 0 thème"
    assert "5 ont été exclues de l'analyse avec un motif, aucune n'a été regroupée en thème et aucune" in page
    assert "aucune contribution non classée et 5 exclues pour cette question" in page  # was "0 contribution…"
    # it listed UMAP's settings and "Aucun auteur n'a écrit plus de 3 contributions" for this question
    assert "Autre chose à ajouter ? : aucune contribution n'a été analysée (toutes ont été exclues)" in page
    assert "Aucune contribution à cette question n'a été analysée : toutes ont été exclues." in page
    assert (
        "Paramètres effectivement utilisés"
        not in page.split("Autre chose à ajouter ? : aucune", 1)[1].split("</section>")[0]
    )
    assert "none was grouped into a theme" in render_report_page(alone, lang="en")


def test_terms_and_campaigns_found_in_a_worker_process_give_the_same_report(monkeypatch):
    if resolve_workers(0) < 2:
        pytest.skip("one core: terms and campaigns are always found in-process")
    register_fake_embedder()
    copies = [
        Contribution(f"k{i}", f"k{i}", "164", QUESTION, CAMPAIGN + suffix, line=1000 + i)
        for i, suffix in enumerate(["", ".", " !", "", " merci", "..", ""])
    ]
    items = contributions(300) + copies
    settings = RunSettings(embedder=FAKE_EMBEDDER)
    inline = run(items, settings)
    assert inline.questions[0].campaigns  # the copies are found

    done = []
    monkeypatch.setattr(background, "MIN_TEXTS", 0)
    for job in ("terms", "detector"):
        from_worker = getattr(background.QuestionJobs, job)
        monkeypatch.setattr(
            background.QuestionJobs,
            job,
            lambda self, q, get=from_worker: done.append(get(self, q)) or done[-1],
        )
    in_worker = run(items, settings)
    assert len(done) == 2 and None not in done  # split and fitted by the worker, not in-process
    assert strip(in_worker) == strip(inline)


@pytest.mark.slow
def test_real_embedder_end_to_end_is_deterministic():
    items = contributions(600)
    first = run(items, RunSettings())
    second = run(items, RunSettings())
    assert first.manifest.embedder.name == "use-multilingual"
    assert len(first.questions[0].clusters) >= 2
    # themes numbered by size, counting the members the noise policy let in after HDBSCAN numbered them
    sizes = [c.size for c in first.questions[0].clusters]
    assert sizes == sorted(sizes, reverse=True) and any(
        m.joined_by_noise_policy for c in first.questions[0].clusters for m in c.members
    )
    a, b = json.loads(render_json(first)), json.loads(render_json(second))
    a["manifest"].pop("timings"), b["manifest"].pop("timings")
    assert a == b


def test_a_failed_background_job_falls_back_to_none():
    def broken() -> tuple[list[str], object]:
        raise MemoryError("no room for the vectors")

    jobs = background.QuestionJobs([("164", QUESTION, lambda: broken()[0], broken)], RunSettings())
    try:
        assert jobs.terms("164") is None  # the pipeline then splits the texts in-process
        assert jobs.detector("164") is None  # and fits the detector
        assert jobs.detector("other question") is None
    finally:
        jobs.close()


def test_copies_written_differently_are_embedded_once_and_share_their_place():
    from tests.utils.fake_embedder import HashEmbedder

    class Recording(HashEmbedder):
        seen: list[str] = []

        def embed(self, texts):
            self.seen.extend(texts)
            return super().embed(texts)

    variants = ["TVA", "TVA", "TVA", "tva", "Tva.", "TVA !", "la TVA", "La tva", "la T.V.A."]
    texts = granddebat_answers(limit=300) + variants * 6
    items = [Contribution(f"c{i}", f"s{i}", "164", QUESTION, t, line=i + 2) for i, t in enumerate(texts)]
    embedder = Recording()
    q = run(items, RunSettings(), embedder=embedder).questions[0]
    # one form per answer: the most frequent ("TVA"), else the first in sorted order ("La tva" < "la TVA")
    assert {"TVA", "La tva", "la T.V.A."} <= set(embedder.seen)
    assert not {"tva", "Tva.", "TVA !", "la TVA"} & set(embedder.seen)
    place = {m.contribution_id: (c.cluster_id, m.similarity) for c in q.clusters for m in c.members}
    place.update({n.contribution_id: ("noise", n.reason_code) for n in q.noise})
    tva = {place[f"c{i}"] for i, t in enumerate(texts) if t in {"TVA", "tva", "Tva.", "TVA !"}}
    la_tva = {place[f"c{i}"] for i, t in enumerate(texts) if t in {"la TVA", "La tva"}}
    assert len(tva) == 1 and len(la_tva) == 1


def test_embedded_texts_are_exactly_what_a_run_embeds():
    """The service embeds ``embedded_texts`` ahead of a run (in shards): the run must need no other text."""
    from synthesis.pipeline import embedded_texts, question_texts
    from tests.utils.fake_embedder import HashEmbedder

    class Recording(HashEmbedder):
        def embed(self, texts):
            self.seen = [*getattr(self, "seen", []), *texts]
            return super().embed(texts)

    free = granddebat_answers(limit=120) + [
        "Oui",
        "RAS",
        "TVA",
        "tva !",
        "IL FAUT BAISSER LA TVA",
        "",
        "TVA : a@b.fr",
        "Aucun",
    ]
    closed = ["Oui"] * 20 + ["Non"] * 15 + ["NON"] * 3
    items = [Contribution(f"f{i}", f"s{i}", "libre", QUESTION, t, line=i) for i, t in enumerate(free)]
    items += [
        Contribution(f"c{i}", f"s{i}", "fermee", "Oui ou non ?", t, line=i) for i, t in enumerate(closed)
    ]
    items.append(Contribution("x", "sx", "libre", QUESTION, "Supprimer la CSG", line=1, excluded="corbeille"))
    remarks = ["Aucune"] + granddebat_answers(limit=30)
    items += [
        Contribution(f"r{i}", f"s{i}", "remarques", "Des remarques ?", t, line=i)
        for i, t in enumerate(remarks)
    ]
    embedder = Recording()
    run(items, RunSettings(), embedder=embedder)
    expected = embedded_texts(((c.question_id, c.text, c.excluded) for c in items), question_texts(items))
    assert sorted(set(embedder.seen)) == expected
    assert (
        "Oui" in expected
        and "Non" in expected
        and "RAS" not in expected
        and "Supprimer la CSG" not in expected
    )
    # "Aucun" answers "Quels sont... ?", "Aucune" says nothing to "Des remarques ?"
    assert "Aucun" in expected and "Aucune" not in expected
    assert "il faut baisser la tva" in expected and "tva !" not in expected


@pytest.mark.slow
def test_a_small_debate_the_default_scale_leaves_out_gets_themes():
    # the 45 comments of a real Decidim debate (Lille / Nancy, 2019), one question: the default density scale
    # formed no theme (45 « non classées »); the finer scale forms themes and leaves at most a quarter out
    from synthesis.ingest import iter_file
    from tests.utils.data import SHARED_DATA

    path = SHARED_DATA / "decidim-mel-nancy" / "commentaires_debats.csv"
    items = [c for c in iter_file(path, secret=b"test") if isinstance(c, Contribution)]
    debate = [c for c in items if c.question_id == "debate-36"]
    (q,) = run(debate, RunSettings()).questions
    assert q.method["fine_scale"] == {"min_cluster_size": 3, "min_samples": 2}
    assert len(q.clusters) >= 2 and len(q.noise) <= 0.25 * (len(debate) - len(q.excluded))
    (given,) = run(debate, RunSettings(min_cluster_size=q.method["min_cluster_size"])).questions
    assert not given.clusters and given.method["fine_scale"] is None  # the default scale, as the user set it


def test_emails_and_phone_numbers_are_cut_out_of_everything_the_report_shows():
    """RGPD (DESIGN.md): an e-mail address or a phone number is replaced by "[…]" in the texts analysed and
    shown, quotes and labels included; a text that was only an address has no word left."""
    register_fake_embedder()
    texts = granddebat_answers(limit=300)
    texts += [f"Baisser la TVA sur le carburant, écrivez-moi : ami{i}@exemple.fr" for i in range(40)]
    texts += [f"Supprimer la taxe d'habitation, appelez le 06 12 34 56 {i:02d}" for i in range(40)]
    texts += ["contact@exemple.fr"]
    items = [Contribution(f"c{i}", f"s{i}", "164", QUESTION, t, line=i + 2) for i, t in enumerate(texts)]
    report = run(items, RunSettings(embedder=FAKE_EMBEDDER))
    out = render_json(report)
    assert "exemple.fr" not in out and "06 12 34 56" not in out
    shown = {c.contribution_id: c.text for c in report.contributions}
    assert shown["c300"] == "Baisser la TVA sur le carburant, écrivez-moi : […]"
    assert shown["c340"] == "Supprimer la taxe d'habitation, appelez le […]"
    q = report.questions[0]
    assert {e.contribution_id: e.reason_code for e in q.excluded}[f"c{len(texts) - 1}"] == "no_letters"
    quotes = [qt for c in q.clusters for qt in c.quotes]
    assert any("[…]" in qt.text for qt in quotes)
    assert all(qt.text == shown[qt.contribution_id] for qt in quotes)


@pytest.mark.slow
def test_a_short_answer_is_in_one_theme_whatever_its_articles():
    """The sample consultation's question 164 (real embedder): "Impôts locaux" was "non classée", isolated,
    while its theme quoted "Les impôts locaux.", and "Impôt sur le revenu" was in two themes (47 and 27)."""
    from synthesis.ingest import iter_file
    from synthesis.labels import answer_words
    from tests.utils.data import SAMPLES

    items = [
        x
        for x in iter_file(SAMPLES / "granddebat_fiscalite_sample.csv", format="granddebat", secret=b"test")
        if isinstance(x, Contribution) and x.question_id == "164"
    ]
    q = run(items, RunSettings()).questions[0]
    text = {c.contribution_id: c.text for c in items}
    theme_of = {m.contribution_id: c.cluster_id for c in q.clusters for m in c.members}
    said: dict[object, set[str]] = {}
    for cid, theme in theme_of.items():
        said.setdefault(answer_words(text[cid]), set()).add(theme)
    said.pop(None, None)
    assert not [text[n.contribution_id] for n in q.noise if answer_words(text[n.contribution_id]) in said]
    assert not {words: themes for words, themes in said.items() if len(themes) > 1}
    written = ("impôts locaux", "les impôts locaux")
    local = {theme_of.get(cid) for cid, t in text.items() if t.strip(" .-").casefold() in written}
    assert len(local) == 1 and None not in local
    assert q.method["same_answer_joined"] >= 4  # "Impôts locaux" three times, "impôts locaux" once
    assert q.method["same_answer_moved"] >= 27


def test_a_campaign_spread_over_several_questions_is_found_and_counted_once():
    # the same paragraph posted twice in each of three questions by six authors was in no campaign: campaigns
    # were detected question by question, and no question held the 5 copies a campaign needs
    register_fake_embedder()
    campaign = (
        "Nous, habitants du quartier, refusons la fermeture du bureau de poste et demandons le maintien de "
        "tous les services publics de proximité dans nos communes rurales."
    )
    answers = granddebat_answers(limit=240)
    items = []
    for q in range(3):
        texts = answers[q * 80 : (q + 1) * 80] + [campaign, campaign.upper()]
        items += [
            Contribution(
                f"q{q}-{i}", f"s{q}-{i}", f"q{q}", f"Question {q}", t, line=i + 2, author_ref=f"a{q}-{i}"
            )
            for i, t in enumerate(texts)
        ]
    report = run(items, RunSettings(embedder=FAKE_EMBEDDER))
    copies = {c.contribution_id for c in items if c.text.casefold() == campaign.casefold()}
    flagged = {
        m.contribution_id
        for q in report.questions
        for m in [*(m for cl in q.clusters for m in cl.members), *q.noise]
        if any(f.startswith("campaign:") for f in m.flags)
    }
    assert flagged == copies
    (across,) = report.origin["campaigns_across_questions"]
    assert across["size"] == across["distinct_authors"] == 6 and across["questions"] == {
        f"q{q}": 2 for q in range(3)
    }
    assert len(across["campaign_ids"]) == 3 and report.origin["in_campaigns"] == 6
    assert all(c.across_questions == ["x1"] for q in report.questions for c in q.campaigns)
    page = html.unescape(render_report_page(report))
    assert "1 campagne (textes déposés plusieurs fois" in page
    assert (
        "6 exemplaires de 6 auteurs distincts dans 3 questions en tout, comptés comme une seule campagne"
        in page
    )
    english = html.unescape(render_report_page(report, lang="en"))
    assert "6 copies by 6 distinct authors in 3 questions in all, counted as one campaign" in english


def test_a_run_collects_garbage_less_often_and_restores_the_process_thresholds():
    # at Python's default thresholds the collector walked the run's millions of objects again and again
    import gc

    from synthesis.pipeline import RUN_GC_THRESHOLDS

    seen: set[tuple[int, int, int]] = set()
    before = gc.get_threshold()
    run(
        contributions(60),
        RunSettings(embedder=FAKE_EMBEDDER),
        progress=lambda *_: seen.add(gc.get_threshold()),
    )
    assert seen == {RUN_GC_THRESHOLDS} and gc.get_threshold() == before
