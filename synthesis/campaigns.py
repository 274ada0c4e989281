"""Campaigns as the report shows them (issue 5): the groups of copied texts ``synthesis.duplicates`` finds in
one question, kept when ``campaign_min_size`` distinct authors wrote them, each with its template, variants,
members, times and themes; texts copied into several questions joined across them; and the counts by author
that :mod:`synthesis.origin` weighs each member with.

Counting rules: a contribution without author counts as one distinct (unknown) author and weighs 1; an author
with N kept answers to a question weighs 1/N on each, so an author's weights sum to 1 per question.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from schemas import Campaign, CampaignMember, QuestionReport, Report, RunSettings
from schemas.report import CampaignVariant
from synthesis.duplicates import EXACT, CampaignDetector, CampaignGroup
from synthesis.prepare import dedup_key
from synthesis.records import Contribution, anonymous_participants
from synthesis.shingles import without_question
from synthesis.times import (
    days_only,
    instant,
    parse_clock,
    parse_time,
)


def campaign_flag(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


def author_weights(items: Sequence[Contribution]) -> list[float]:
    """1/N per contribution, N = its author's contributions in ``items``; 1 without author."""
    n = Counter(c.author_ref for c in items if c.author_ref is not None)
    return [1.0 / n[c.author_ref] if c.author_ref is not None else 1.0 for c in items]


def distinct_authors(items: Iterable[Contribution]) -> tuple[int, int]:
    """(distinct authors, contributions without author); the contributions without author count as their
    submissions (:func:`synthesis.records.anonymous_participants`): an anonymous Grand Débat row pasting one
    text into five questions is one author, not five."""
    items = list(items)
    unknown = sum(1 for c in items if c.author_ref is None)
    known = len({c.author_ref for c in items if c.author_ref is not None})
    return known + anonymous_participants(items), unknown


def word_diff(template: str, text: str, max_chars: int = 200) -> str:
    """A short word-level diff of ``text`` against ``template``: ``-removed`` / ``+added`` fragments in the
    texts' own words, compared as copies are (``dedup_key``: case, accents and punctuation aside), so that a
    variant's diff shows the words it changed, not « -«taxe» +«Taxe» » beside them."""
    a = [w for w in template.split() if dedup_key(w)]
    b = [w for w in text.split() if dedup_key(w)]
    keys_a, keys_b = [dedup_key(w) for w in a], [dedup_key(w) for w in b]
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append("-«" + " ".join(a[i1:i2]) + "»")
        if op in ("replace", "insert"):
            parts.append("+«" + " ".join(b[j1:j2]) + "»")
    out = " ".join(parts) or "="
    return out if len(out) <= max_chars else out[: max_chars - 1] + "…"


def densest_window(timestamps: Sequence[float], width: float = 3600.0) -> tuple[int, int]:
    """Start (index in sorted ``timestamps``) of the densest ``width``-second window starts, and its count."""
    t = np.sort(np.asarray(timestamps, dtype=float))
    if not len(t):
        return -1, 0
    ends = np.searchsorted(t, t + width, side="left")
    counts = ends - np.arange(len(t))
    best = int(np.argmax(counts))
    return best, int(counts[best])


def set_campaign_times(
    campaign: Campaign, members: Sequence[Contribution], doubtful: bool = False
) -> Campaign:
    """First and last timestamps of a campaign and its densest one-hour window (when times of day are
    known: :func:`parse_clock`); ``doubtful``: see :func:`parse_time`."""
    times = sorted(
        (t for t in (parse_time(c.created_at, doubtful) for c in members) if t is not None), key=instant
    )
    campaign.first_seen = campaign.last_seen = campaign.densest_hour = None
    campaign.densest_hour_count = 0
    if times:
        campaign.first_seen, campaign.last_seen = times[0].isoformat(), times[-1].isoformat()
    clocks = sorted(
        (t for t in (parse_clock(c.created_at, doubtful) for c in members) if t is not None), key=instant
    )
    if clocks and not days_only(clocks):
        start, count = densest_window([(instant(t) - instant(clocks[0])).total_seconds() for t in clocks])
        campaign.densest_hour, campaign.densest_hour_count = clocks[start].isoformat(), count
    return campaign


def build_campaign(
    campaign_id: str,
    group: CampaignGroup,
    kept: Sequence[Contribution],
    vectors: np.ndarray | None,
    cluster_of: Mapping[str, str],
) -> Campaign:
    """The report entry of one detected group (see :class:`schemas.Campaign`)."""
    members = [kept[i] for i in group.members]
    template = kept[group.template].text
    t_vec = vectors[group.template] if vectors is not None else None
    variants: dict[str, list[int]] = {}
    for pos, i in enumerate(group.members):
        variants.setdefault(dedup_key(kept[i].text), []).append(pos)
    diffs = {
        k: (None if group.kinds[p[0]] == EXACT else word_diff(template, kept[group.members[p[0]]].text))
        for k, p in variants.items()
    }
    entries = []
    for i in group.members:
        c = kept[i]
        sim = None if t_vec is None or vectors is None else round(float(vectors[i] @ t_vec), 6)
        entries.append(
            CampaignMember(
                contribution_id=c.contribution_id,
                source_id=c.source_id,
                similarity=sim,
                diff=diffs[dedup_key(c.text)],
            )
        )
    n_authors, unknown = distinct_authors(members)
    themes = Counter(cluster_of[c.contribution_id] for c in members if c.contribution_id in cluster_of)
    variant_list = sorted(
        (
            CampaignVariant(
                text=kept[group.members[p[0]]].text,
                count=len(p),
                kind=group.kinds[p[0]],
                diff=diffs[k],
                contribution_ids=[members[q].contribution_id for q in p],
            )
            for k, p in variants.items()
        ),
        key=lambda v: (v.kind != EXACT, -v.count, v.contribution_ids[0]),
    )
    campaign = Campaign(
        campaign_id=campaign_id,
        size=len(members),
        distinct_authors=n_authors,
        authors_unknown=unknown,
        template=template,
        members=entries,
        kind=group.kind,
        cluster_ids=[k for k, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))],
        variants=variant_list,
    )
    return set_campaign_times(campaign, members)


def campaign_texts(kept: Sequence[Contribution]) -> list[str]:
    """The texts campaigns are looked for in: each answer without the words of its question that it quotes
    (``synthesis.shingles.without_question``)."""
    return [without_question(c.text, c.question_text) for c in kept]


def fit_detector(texts: Sequence[str], vectors: np.ndarray | None, settings: RunSettings) -> CampaignDetector:
    """The campaign detector of one question, fitted on its kept texts (and their vectors, when given)."""
    return CampaignDetector(
        min_size=settings.campaign_min_size,
        min_words=settings.campaign_min_words,
        near_threshold=settings.campaign_near_threshold,
        semantic_threshold=settings.campaign_semantic_threshold,
        random_state=settings.random_state,
    ).fit(list(texts), vectors)


def copies_across_questions(
    kept_by_question: Mapping[str, Sequence[Contribution]], settings: RunSettings
) -> dict[str, str]:
    """Contribution id → ``x<k>`` for each text copied into several questions (issue 5).

    A text (one ``dedup_key``, of ``campaign_min_words`` words at least) posted in two questions or more by
    ``campaign_min_size`` distinct authors in all is one campaign even where each question holds too few of
    its copies to show one: the same comment under ten Decidim debates, two Grand Débat questions with four
    copies each. Ids ``x1``, ``x2``… go by decreasing number of copies, ties by the copied text's key: never
    by the order of the questions, which the pipeline (every question) and :func:`annotate_consultation`
    (questions in order of their first kept answer) do not share, so that both give a text the same id.
    """
    by_key: dict[str, list[Contribution]] = {}
    for kept in kept_by_question.values():
        for c in kept:
            key = dedup_key(without_question(c.text, c.question_text))
            if len(key.split()) >= settings.campaign_min_words:
                by_key.setdefault(key, []).append(c)
    groups = sorted(
        (
            (key, copies)
            for key, copies in by_key.items()
            if len({c.question_id for c in copies}) > 1
            and distinct_authors(copies)[0] >= settings.campaign_min_size
        ),
        key=lambda kc: (-len(kc[1]), kc[0]),
    )
    return {c.contribution_id: f"x{k + 1}" for k, (_, copies) in enumerate(groups) for c in copies}


def _question_groups(
    kept: Sequence[Contribution],
    detector: CampaignDetector,
    settings: RunSettings,
    across: Mapping[str, str],
) -> list[CampaignGroup]:
    """The detector's groups written by ``campaign_min_size`` distinct authors or holding a text copied into
    other questions (:func:`copies_across_questions`), and the rest of those copies as exact groups."""
    groups = [
        g
        for g in detector.groups_
        if distinct_authors(kept[i] for i in g.members)[0] >= settings.campaign_min_size
        or any(kept[i].contribution_id in across for i in g.members)
    ]
    taken = {i for g in groups for i in g.members}
    rest: dict[str, list[int]] = {}
    for i, c in enumerate(kept):
        if i not in taken and c.contribution_id in across:
            rest.setdefault(across[c.contribution_id], []).append(i)
    groups += [CampaignGroup(tuple(m), (EXACT,) * len(m), m[0]) for m in rest.values()]
    return sorted(groups, key=lambda g: (-len(g.members), g.members[0]))


def detect_campaigns(
    question_id: str,
    kept: Sequence[Contribution],
    vectors: np.ndarray | None,
    settings: RunSettings,
    cluster_of: Mapping[str, str] | None = None,
    detector: CampaignDetector | None = None,
    across: Mapping[str, str] | None = None,
) -> tuple[list[Campaign], CampaignDetector]:
    """Campaigns among the kept contributions of one question, ids ``<question_id>-c<k>`` largest first.

    A group of copies is a campaign when ``campaign_min_size`` distinct authors wrote it (each contribution
    without author counting as one): one author pasting a text six times is a very active author, not a
    campaign of six participants. ``across`` (:func:`copies_across_questions`) adds the copies of texts
    posted into other questions too, however few here; each campaign names them in ``across_questions``.

    ``detector``: one already fitted by :func:`fit_detector` on these texts and vectors (in a worker process,
    see ``synthesis.background``); fitted here otherwise.
    """
    usable = vectors if vectors is not None and len(vectors) == len(kept) and len(kept) else None
    detector = detector or fit_detector(campaign_texts(kept), usable, settings)
    across = across or {}
    campaigns = []
    for k, g in enumerate(_question_groups(kept, detector, settings, across)):
        campaign = build_campaign(f"{question_id}-c{k + 1}", g, kept, usable, cluster_of or {})
        shared = Counter(x for i in g.members if (x := across.get(kept[i].contribution_id)))
        campaign.across_questions = [x for x, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))]
        campaigns.append(campaign)
    return campaigns, detector


def campaign_count(questions: Iterable[QuestionReport]) -> int:
    """The consultation's campaigns: one per campaign of one question, and one per set of texts copied into
    several questions (:func:`copies_across_questions`), however many questions hold a part of it: campaigns
    sharing a copied text are one, whichever order or share of its texts each holds (one question's
    campaign of texts x1 and x2, another's of x2 and x1, a third's of x1 alone)."""
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.setdefault(x, x) != x:
            x = root[x]
        return x

    alone = 0
    for c in (c for q in questions for c in q.campaigns):
        if not c.across_questions:
            alone += 1
            continue
        first = find(c.across_questions[0])
        for x in c.across_questions[1:]:
            root[find(x)] = first
    return alone + len({find(x) for x in list(root)})


def campaigns_across_questions(
    report: Report, kept_by_question: Mapping[str, Sequence[Contribution]], across: Mapping[str, str]
) -> list[dict[str, object]]:
    """Each text copied into several questions (``across``, :func:`copies_across_questions`): its template,
    copies, distinct authors, copies per question and the per-question campaigns that hold them."""
    copies: dict[str, list[Contribution]] = {}
    for kept in kept_by_question.values():
        for c in kept:
            if c.contribution_id in across:
                copies.setdefault(across[c.contribution_id], []).append(c)
    out: list[dict[str, object]] = []
    for x, members in sorted(copies.items(), key=lambda kv: int(kv[0][1:])):
        authors, unknown = distinct_authors(members)
        out.append(
            {
                "id": x,
                "template": members[0].text,
                "size": len(members),
                "distinct_authors": authors,
                "authors_unknown": unknown,
                "questions": dict(Counter(c.question_id for c in members)),
                "campaign_ids": [
                    cp.campaign_id for q in report.questions for cp in q.campaigns if x in cp.across_questions
                ],
            }
        )
    return out
