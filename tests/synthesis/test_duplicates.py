"""Campaign detection (issue 5): the three layers, the short-answer rule, the real Grand Débat campaigns."""

from collections import Counter

import numpy as np
import pytest

from schemas import RunSettings
from synthesis import duplicates
from synthesis.campaigns import densest_window, detect_campaigns, word_diff
from synthesis.duplicates import (
    EXACT,
    MEDOID_REFERENCES,
    NEAR,
    SEMANTIC,
    CampaignDetector,
    segments,
)
from synthesis.prepare import dedup_key, exclusion_reason
from synthesis.records import Contribution
from synthesis.shingles import contained_pairs, jaccard
from tests.utils.data import granddebat_answers

TEMPLATE = (
    "Nous demandons la suppression de la hausse de la CSG pour tous les retraités et une indexation des "
    "pensions sur le coût de la vie dès cette année."
)
OTHERS = [
    f"Réponse indépendante numéro {i} sur un sujet tout à fait différent des autres réponses {i * 7} merci"
    for i in range(40)
]


def kept_answers(name: str) -> list[Contribution]:
    texts = [t for t in granddebat_answers(name) if exclusion_reason(t) is None]
    return [Contribution(f"c{i}", f"s{i}", "q", "question", t) for i, t in enumerate(texts)]


def test_segments_key_equals_dedup_key():
    texts = granddebat_answers(limit=3000) + [
        "L’État ﬁnance œuvres",
        "e\u0301te\u0301 ÉTÉ",
        "ÀÂÄ—«»…",
        "Straße ß",
    ]
    assert [segments(t, 15)[0] for t in texts] == [dedup_key(t) for t in texts]


def test_segments_join_to_the_whole_key():
    whole, parts = segments("Première phrase assez longue pour compter ici. Deuxième ; et - fin !", 3)
    assert whole == dedup_key("Première phrase assez longue pour compter ici. Deuxième ; et - fin !")
    assert parts == ["premiere phrase assez longue pour compter ici"]


def test_exact_copies_form_a_campaign_whatever_case_accents_and_punctuation():
    texts = [
        TEMPLATE,
        TEMPLATE.upper(),
        TEMPLATE.replace(".", " !"),
        TEMPLATE.replace("é", "e"),
        TEMPLATE,
        *OTHERS,
    ]
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert len(det.groups_) == 1
    g = det.groups_[0]
    assert g.members == (0, 1, 2, 3, 4) and g.kind == EXACT and texts[g.template] == TEMPLATE


def test_fewer_than_min_size_is_not_a_campaign():
    det = CampaignDetector(min_size=5).fit([TEMPLATE] * 4 + OTHERS)
    assert det.groups_ == []


def test_short_identical_answers_are_convergent_not_campaigns():
    texts = ["La TVA sur les produits de première nécessité"] * 30 + OTHERS
    det = CampaignDetector().fit(texts)
    assert det.groups_ == [] and len(det.short_repeats_) == 1 and len(det.short_repeats_[0]) == 30


def test_light_edits_and_added_sentence_join_at_the_near_layer():
    variants = [
        TEMPLATE.replace("suppression", "supression"),
        TEMPLATE.replace("retraités", "retraites").replace("année", "anée"),
        TEMPLATE + " Les retraités ont déjà beaucoup donné depuis des années et cela suffit maintenant.",
    ]
    det = CampaignDetector(semantic_threshold=None).fit([TEMPLATE] * 3 + variants + OTHERS)
    assert len(det.groups_) == 1
    g = det.groups_[0]
    assert g.members == (0, 1, 2, 3, 4, 5) and g.kind == NEAR
    assert Counter(g.kinds) == {EXACT: 3, NEAR: 3}


def test_semantic_layer_attaches_a_lone_text_to_a_copied_seed_only():
    paraphrase = (
        "Il faut abolir l'augmentation de la contribution sociale pour les personnes âgées et revaloriser "
        "toutes les pensions chaque année."
    )
    texts = [TEMPLATE] * 4 + [paraphrase] + OTHERS
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(texts), 16)).astype(np.float32)
    vectors[:5] = vectors[0] + 0.01 * rng.standard_normal((5, 16))  # the paraphrase is close in meaning
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    det = CampaignDetector(semantic_threshold=0.9).fit(texts, vectors)
    assert det.groups_[0].members == (0, 1, 2, 3, 4) and det.groups_[0].kinds[4] == SEMANTIC
    # lone texts identical in meaning are never a campaign on meaning alone
    v = np.tile(vectors[4], (6, 1))
    singles = [f"texte {i} " + " ".join(f"mot{i}{j}" for j in range(16)) for i in range(6)]
    assert CampaignDetector(semantic_threshold=0.5).fit(singles, v).groups_ == []


def test_detection_is_deterministic():
    texts = [t for t in granddebat_answers("gd_animation_transition_25.csv") if exclusion_reason(t) is None]
    a = CampaignDetector(semantic_threshold=None).fit(texts).groups_
    b = CampaignDetector(semantic_threshold=None).fit(list(texts)).groups_
    assert a == b


def test_word_diff_and_densest_window():
    assert word_diff("a b c d", "a x c d e") == "-«b» +«x» +«e»"
    assert word_diff("a b", "a b") == "="


def test_a_variants_diff_shows_its_words_not_case_accents_or_punctuation():
    # the CSG campaign's 62 copies with a sentence added read « -«taxe» +«Taxe» +«Les retraités… » »
    template = "Supprimer la taxe d'habitation pour TOUS les retraités."
    variant = "Supprimer la Taxe d’habitation pour tous les retraites - Les retraités ont assez payé !"
    assert word_diff(template, variant) == "+«Les retraités ont assez payé»"
    assert word_diff("Je paie la taxe.", "je paie la TAXE carbone") == "+«carbone»"
    assert densest_window([0, 10, 4000, 4100, 4200, 9000]) == (2, 3)
    assert densest_window([]) == (-1, 0)


@pytest.fixture(scope="module")
def fiscalite():
    kept = kept_answers("gd_animation_fiscalite_13.csv")
    return kept, detect_campaigns("164", kept, None, RunSettings())[0]


def test_fiscalite_13_csg_campaign_129_copies_and_its_longer_variants_62_and_14(fiscalite):
    # the short text (16 words, 11 distinct word pairs) and the longer one that starts with it and adds a
    # sentence were two campaigns: too few word pairs for the containment rule
    kept, campaigns = fiscalite
    csg = [c for c in campaigns if "grands perdants" in " ".join(v.text for v in c.variants)]
    assert len(csg) == 1
    counts = [v.count for v in csg[0].variants]
    assert csg[0].variants[0].kind == EXACT and counts[0] == 129  # the template: 129 identical copies
    assert dedup_key(csg[0].template) == (
        "supprimer la csg pour tous les retraites supprimer la taxe d habitation pour tous les retraites"
    )
    longer = [v for v in csg[0].variants if "grands perdants" in v.text]
    assert sorted(v.count for v in longer) == [6, 14, 62]
    assert all(v.diff and "+«Les retraités entre 2000" in v.diff for v in longer)  # the sentence added
    assert all(
        m.diff is None for m in csg[0].members if m.contribution_id in csg[0].variants[0].contribution_ids
    )
    assert csg[0].distinct_authors == csg[0].size == csg[0].authors_unknown  # no authors in this sample


def test_fiscalite_13_convergent_short_answers_are_not_campaigns(fiscalite):
    _, campaigns = fiscalite
    assert not any(
        dedup_key(c.template) in {"la tva", "tva", "la tva sur les produits de premiere necessite"}
        for c in campaigns
    )
    # eight independent wordings of « baisser la TVA sur les produits de première nécessité et l'augmenter sur
    # les produits de luxe » (16 words, at most 11 word pairs in common) are no near-copy campaign either
    assert not any("produits de luxe" in c.template for c in campaigns)


def test_transition_25_campaign_with_47_copies():
    kept = kept_answers("gd_animation_transition_25.csv")
    campaigns, _ = detect_campaigns("158", kept, None, RunSettings())
    top = campaigns[0]
    assert "position ferme" in top.template and top.variants[0].count == 47
    assert top.size >= 47 and top.campaign_id == "158-c1"


def test_real_embeddings_on_a_small_sample():
    """With the default USE embedder: a light paraphrase of the 47-copy text joins its copies, the 120 other
    real answers stay out. USE is sensitive to layout: a copy with a leading "- " has cosine ~0.8 to the
    template, which is why exact copies are grouped on ``dedup_key``, not on vectors."""
    from synthesis.embed import get_embedder

    texts = [t for t in granddebat_answers("gd_animation_transition_25.csv") if exclusion_reason(t) is None]
    copies = [t for t in texts if "position ferme en faveur" in t][:6]
    others = [t for t in texts if len(t.split()) >= 15 and "position ferme" not in t][:120]
    paraphrase = copies[0].replace("Adopter une position ferme", "Prendre une position très ferme")
    sample = [*copies, paraphrase, *others]
    kept = [Contribution(f"c{i}", f"s{i}", "q", "question", t) for i, t in enumerate(sample)]
    vectors = get_embedder("use-multilingual").embed(sample)
    campaigns, _ = detect_campaigns("158", kept, vectors, RunSettings())
    assert len(campaigns) == 1 and campaigns[0].size == 7
    sims = [m.similarity for m in campaigns[0].members]
    assert all(s is not None and s > 0.75 for s in sims), sims


def test_copies_differing_by_a_ligature_or_an_invisible_character_are_exact_copies():
    # "cœur" / "coeur" and a zero-width space pasted from a web page made copies of one text distinct texts,
    # joined (if at all) by the near layer, with their words counted apart
    text = TEMPLATE + " Le cœur de ville mérite mieux."
    copies = [text, text.replace("cœur", "coeur"), text.replace("ville", "vil\u200ble"), text, text.upper()]
    det = CampaignDetector(semantic_threshold=None).fit(copies + OTHERS)
    [group] = det.groups_
    assert group.members == (0, 1, 2, 3, 4) and set(group.kinds) == {EXACT}


SHORT_TEMPLATE = (  # 17 words but 11 distinct word pairs: fewer than the containment rule's ``min_shared``
    "Supprimer la taxe foncière pour tous les propriétaires. Supprimer la taxe d'habitation pour tous les "
    "propriétaires."
)
ADDITIONS = [
    "Ma facture a doublé en deux ans et je ne peux plus payer.",
    "Les familles rurales sont les premières touchées par cette injustice.",
    "Je travaille loin de chez moi et je n'ai pas de transport en commun.",
    "Mon père retraité vit avec sept cents euros par mois seulement.",
    "C'est une question de justice sociale et de respect des citoyens.",
]


def test_a_template_pasted_with_a_personal_sentence_added_is_a_variant_of_its_campaign():
    with_additions = [f"{SHORT_TEMPLATE} {a}" for a in ADDITIONS] + [f"{ADDITIONS[0]} {SHORT_TEMPLATE}"]
    texts = [SHORT_TEMPLATE] * 8 + with_additions + OTHERS
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert len(det.groups_) == 1
    g = det.groups_[0]
    assert g.members == tuple(range(14)) and texts[g.template] == SHORT_TEMPLATE
    assert Counter(g.kinds) == {EXACT: 8, NEAR: 6}
    kept = [Contribution(f"c{i}", f"s{i}", "q", "question", t) for i, t in enumerate(texts)]
    [campaign] = detect_campaigns("q", kept, None, RunSettings(campaign_semantic_threshold=None))[0]
    diffs = {v.diff for v in campaign.variants if v.kind == NEAR}
    assert diffs == {f"+«{a}»" for a in ADDITIONS[1:]} | {f"+«{ADDITIONS[0]}»"}


def test_two_texts_sharing_one_sentence_stay_two_campaigns():
    common = (
        "Je suis retraité depuis dix ans et je constate chaque mois que ma pension ne suit plus les prix."
    )
    first = "Il faut indexer toutes les pensions sur l'inflation et supprimer la hausse de la CSG décidée en 2018."
    second = (
        "Nous voulons le retour de l'impôt sur la fortune et une vraie taxe sur les transactions financières."
    )
    texts = [f"{common} {first}"] * 8 + [f"{common} {second}"] * 6 + OTHERS
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert [g.members for g in det.groups_] == [tuple(range(8)), tuple(range(8, 14))]


TVA_WORDINGS = [  # fiscalite_13: one idea, written independently in a few words (no two alike but the first two)
    "baisser la tva sur les produits de première nécessité .l' augmenter sur les produits de luxe",
    "Baisser la TVA sur les produits de première nécessité, l'augmenter sur les produits de luxe.",
    "Supprimer la TVA sur les produits de première nécessité, l'augmenter pour les produits de luxe",
    "annuler la tva sur les produits de première nécessité et l'augmenter sur les produits de lux",
    "la tva sur les produits de 1ère nécessité et l'augmenter sur les produits de luxe",
    "il convient de baisser la TVA sur les produits de première nécessite et de l'augmenter sur les produits de luxe",
    "Réduire la TVA sur tous les produits de première nécessité et l'augmenter sur les produits de luxe.",
    "La TVA sur les produits de premières nécessité et l'augmenter sur les produits de luxe.",
    "Baisser la tva sur les produits de première nécessité et l'augmenter sur le reste",
    "les impôts indirects (baisse de la TVA sur les produits de première nécessité et l'augmenter pour les "
    "produits de luxe)",
]


def test_short_wordings_of_one_idea_are_no_near_copies_but_a_short_template_pasted_40_times_is_a_campaign():
    # Jaccard 0.6 over 12 word pairs is three words changed: these ten wordings (and two exact copies) were a
    # near-copy "campaign" of nine although each shares at most 11 word pairs with the others
    assert CampaignDetector(semantic_threshold=None).fit(TVA_WORDINGS + OTHERS).groups_ == []
    pasted = (
        "Supprimer la TVA sur les produits de première nécessité et l'augmenter pour les produits de luxe."
    )
    texts = [pasted] * 40 + TVA_WORDINGS + OTHERS
    [group] = CampaignDetector(semantic_threshold=None).fit(texts).groups_
    assert group.members == tuple(range(40)) and group.kind == EXACT


def test_the_template_of_a_large_group_is_chosen_without_comparing_every_pair(monkeypatch):
    # without vectors, every unit's Jaccard to every other was summed: 20,000 variants took minutes
    calls = Counter()

    def counted(a, b):
        calls["jaccard"] += 1
        return jaccard(a, b)

    monkeypatch.setattr(duplicates, "jaccard", counted)
    texts = [TEMPLATE] * 50 + [f"{TEMPLATE} Signé {i}." for i in range(1000)]
    [group] = CampaignDetector(semantic_threshold=None).fit(texts + OTHERS).groups_
    assert group.members == tuple(range(1050)) and group.template == 0
    assert calls["jaccard"] <= 1001 * MEDOID_REFERENCES  # 1001 distinct texts: was 1001 * 1001


def test_copies_linked_to_a_larger_campaign_but_far_from_its_template_are_a_campaign_of_their_own():
    # ten copies of a text were dropped from every campaign as soon as one answer bridged them to a larger
    # campaign whose template they are not close to; alone, they were a campaign
    words = (
        "nous demandons au gouvernement de supprimer la hausse de la csg pour les retraites modestes et de "
        "revaloriser les pensions chaque annee selon l inflation constatee par l insee afin que personne ne "
        "perde du pouvoir d achat dans nos campagnes ni dans nos villes moyennes"
    ).split()
    big, bridge, other = (" ".join(words[k : k + 30]) for k in (0, 7, 14))
    texts = [big] * 50 + [bridge] + [other] * 10 + OTHERS
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert [(g.members, g.template) for g in det.groups_] == [
        (tuple(range(51)), 0),
        (tuple(range(51, 61)), 51),
    ]


def test_a_template_is_found_inside_its_copies_however_many_share_its_opening():
    # the keys sharing a template's opening words were checked in input order, the first 64 only: after 70
    # copies with a sentence added, the template itself was never checked, and its campaign was split
    additions = [f"Réponse {i} : " + ADDITIONS[i % 5] + f" Signé {i}." for i in range(70)]
    texts = [f"{SHORT_TEMPLATE} {a}" for a in additions] + [SHORT_TEMPLATE] * 5 + OTHERS
    [group] = CampaignDetector(semantic_threshold=None).fit(texts).groups_
    assert group.members == tuple(range(75)) and texts[group.template] == SHORT_TEMPLATE


def test_with_a_low_min_words_answers_opening_with_a_short_copied_phrase_are_not_its_copies():
    # with min_words 5, six different answers opening with « La TVA sur les produits de première nécessité »
    # (8 words) joined the five copies of that phrase alone as "pasted whole with words added"
    phrase = "La TVA sur les produits de première nécessité"
    answers = [
        f"{phrase} {tail}"
        for tail in [
            "doit baisser parce que les familles modestes paient plus que les riches en proportion.",
            "est injuste, il faudrait plutôt taxer le kérosène des avions et les transactions financières.",
            "pèse sur les retraités ; rétablir l'impôt sur la fortune serait plus juste pour tous.",
            "devrait être nulle, compensée par une taxe sur la publicité et les produits de luxe importés.",
            "représente une grosse part de mon budget de mère seule avec deux enfants au chômage.",
            "ne devrait jamais augmenter, sinon la consommation s'effondre dans nos petites villes rurales.",
        ]
    ]
    [group] = CampaignDetector(semantic_threshold=None, min_words=5).fit([phrase] * 5 + answers).groups_
    assert group.members == (0, 1, 2, 3, 4) and group.kind == EXACT


def test_texts_pasted_inside_others_are_found_the_same_chunk_by_chunk():
    # the windows of every text were hashed at once: 8 bytes x 4 arrays per word of the question, 1.3 GB at
    # a million answers of 40 words; now chunk_size texts at a time, with the same pairs across chunks
    keys = [
        dedup_key(t) for t in [*OTHERS, SHORT_TEMPLATE, *(f"{a} {SHORT_TEMPLATE} {a}" for a in ADDITIONS)]
    ]
    whole = contained_pairs(keys, 15)
    assert whole == {(40, 41 + k) for k in range(5)}
    assert contained_pairs(keys, 15, chunk_size=3) == contained_pairs(keys, 15, chunk_size=1) == whole


def test_copies_of_a_short_template_stay_in_its_campaign_when_a_longer_version_is_the_template():
    # 30 copies of the template with a sentence (the group's template) and 8 of the template alone: the 5
    # copies of the template alone with a personal sentence were close to neither text and were left out
    longer = (
        f"{SHORT_TEMPLATE} Les propriétaires modestes des communes rurales ne peuvent plus payer ces impôts "
        "locaux qui augmentent chaque année sans contrepartie."
    )
    texts = [SHORT_TEMPLATE] * 8 + [f"{SHORT_TEMPLATE} {a}" for a in ADDITIONS] + [longer] * 30 + OTHERS
    [group] = CampaignDetector(semantic_threshold=None).fit(texts).groups_
    assert group.members == tuple(range(43)) and texts[group.template] == longer


def test_two_campaigns_sharing_a_sentence_that_one_person_posted_alone_stay_two():
    common = (
        "Je suis retraité depuis dix ans et je constate chaque mois que ma pension ne suit plus les prix."
    )
    first = "Il faut indexer toutes les pensions sur l'inflation et supprimer la hausse de la CSG décidée en 2018."
    second = (
        "Nous voulons le retour de l'impôt sur la fortune et une vraie taxe sur les transactions financières."
    )
    texts = [common] + [f"{common} {first}"] * 8 + [f"{common} {second}"] * 6 + OTHERS
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert [g.members for g in det.groups_] == [tuple(range(9)), tuple(range(9, 15))]


def test_a_template_shorter_than_min_words_is_no_campaign_even_with_personal_sentences_added():
    # the rule chosen: a text pasted whole into others needs min_words (and min_shared) words, as an exact
    # copy does; an 8-word sentence is what people write alike (« la TVA sur les produits de première
    # nécessité », 211 times in fiscalite_13), so its copies are listed as a repeated short answer instead
    template = "Je demande la suppression de la taxe foncière."
    texts = [template] * 8 + [f"{template} {a}" for a in ADDITIONS] + OTHERS
    det = CampaignDetector(semantic_threshold=None).fit(texts)
    assert det.groups_ == [] and det.short_repeats_ == [tuple(range(8))]
