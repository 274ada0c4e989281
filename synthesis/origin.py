"""Participant-origin flags and per-theme breakdowns (issue 5). Flags describe; they never remove.

Per question (:func:`annotate_origin`): campaigns among kept contributions (``synthesis.duplicates``), each
member's flags and 1/N weight, and each theme's :class:`schemas.OriginBreakdown`. Per consultation
(:func:`annotate_consultation`): submission bursts, participation per 10,000 inhabitants, absent or strongly
over/under-represented territories, channels, and each theme's territory index against the whole consultation.

Counting rules: a contribution without author counts as one distinct (unknown) author and weighs 1; an author
with N kept answers to a question weighs 1/N on each, so an author's weights sum to 1 per question.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np

from schemas import Campaign, CampaignMember, Cluster, QuestionReport, Report, RunSettings
from schemas.report import CampaignVariant, OriginBreakdown
from synthesis import participation, territory
from synthesis.duplicates import EXACT, CampaignDetector, CampaignGroup
from synthesis.prepare import dedup_key
from synthesis.records import AuthorType, Contribution, anonymous_participants, submission_key
from synthesis.shingles import without_question
from synthesis.times import (
    LOCAL_TIME_ZONE,
    days_only,
    doubtful_order,
    instant,
    parse_clock,
    parse_time,
    unconfirmed_order,
    wall_clock,
)

VERY_ACTIVE = "very_active_author"
OUTSIDE_TERRITORY = "outside_territory"
UNKNOWN = "inconnu"
BURST_MADS = 5.0  # an hour is a burst above median + 5 robust standard deviations
BURST_MIN = 10  # ... and with at least this many submissions
_TYPE_FLAGS = {
    AuthorType.ORGANISATION: ("organisation",),
    AuthorType.ORGANISATION_PROFIT: ("organisation", "organisation:for_profit"),
    AuthorType.ORGANISATION_NONPROFIT: ("organisation", "organisation:non_profit"),
    AuthorType.ELECTED_OR_INSTITUTION: ("elected_or_institution",),
}


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


def _set_times(campaign: Campaign, members: Sequence[Contribution], doubtful: bool = False) -> Campaign:
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
    return _set_times(campaign, members)


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


def all_clusters(clusters: Iterable[Cluster]) -> Iterable[Cluster]:
    """Every theme of ``clusters`` and, after each, its sub-themes (at any depth)."""
    for cl in clusters:
        yield cl
        yield from all_clusters(cl.subclusters)


def member_flags(
    c: Contribution, n_answers: int, settings: RunSettings, campaign_id: str | None
) -> list[str]:
    """The short stable flag codes of one contribution (see the module docstring)."""
    flags = [campaign_flag(campaign_id)] if campaign_id else []
    flags += _TYPE_FLAGS.get(c.author_type, ())
    if c.author_ref is not None and n_answers > settings.active_author_threshold:
        flags.append(VERY_ACTIVE)
    if (
        settings.territory
        and participation.in_territory(territory.locate(c.zipcode), settings.territory) is False
    ):
        flags.append(OUTSIDE_TERRITORY)
    return flags


def _shares(counts: Mapping[str, int], total: int) -> dict[str, float]:
    return {k: round(v / total, 4) for k, v in sorted(counts.items())} if total else {}


def breakdown(
    members: Sequence[Contribution],
    weights: Mapping[str, float],
    campaign_of: Mapping[str, str],
    settings: RunSettings,
) -> OriginBreakdown:
    """Who speaks in one theme: sizes three ways, with and without campaigns, types, territories (by
    :func:`synthesis.participation.place_key`: département, collectivité d'outre-mer, abroad or unknown), channels."""
    n = len(members)
    free = [c for c in members if c.contribution_id not in campaign_of]
    camp_counts = Counter(campaign_of[c.contribution_id] for c in members if c.contribution_id in campaign_of)
    types = Counter(c.author_type.value for c in members)
    places = Counter(participation.place_key(territory.locate(c.zipcode)) for c in members)
    outside = None
    if settings.territory:
        outside = sum(1 for c in members if OUTSIDE_TERRITORY in member_flags(c, 0, settings, None))
    authors, unknown = distinct_authors(members)
    return OriginBreakdown(
        contributions=n,
        distinct_authors=authors,
        authors_unknown=unknown,
        weighted=round(sum(weights[c.contribution_id] for c in members), 6),
        without_campaigns=len(free),
        weighted_without_campaigns=round(sum(weights[c.contribution_id] for c in free), 6),
        campaigns_counted_once=len(free) + len(camp_counts),
        author_types=dict(sorted(types.items())),
        author_type_shares=_shares(types, n),
        territories=dict(sorted(places.items())),
        territory_shares=_shares(places, n),
        channels=dict(sorted(Counter(c.channel or UNKNOWN for c in members).items())),
        campaigns=[
            {"campaign_id": k, "count": v}
            for k, v in sorted(camp_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        outside_territory=outside,
    )


def annotate_origin(
    question: QuestionReport,
    items: Sequence[Contribution],
    kept: Sequence[Contribution],
    vectors: np.ndarray,
    settings: RunSettings,
    detector: CampaignDetector | None = None,
    across: Mapping[str, str] | None = None,
) -> None:
    """Add campaigns, member flags and weights, and each theme's origin breakdown to ``question`` (in place).

    ``items`` are all the question's contributions, ``kept`` those clustered (rows of ``vectors``).
    Campaigns are looked for among ``kept`` only: excluded texts (« RAS ») are not copies of anything.
    ``detector`` and ``across``: see :func:`detect_campaigns`.
    """
    cluster_of = {m.contribution_id: cl.cluster_id for cl in question.clusters for m in cl.members}
    campaigns, detector = detect_campaigns(
        question.question_id, kept, vectors, settings, cluster_of, detector, across
    )
    question.campaigns = campaigns
    campaign_of, weights, n_answers = _annotate_placed(question, kept, settings)
    very_active = [a for a, k in n_answers.items() if k > settings.active_author_threshold]
    authors, without_author = distinct_authors(kept)
    # an answer that only quotes the question is no short answer either (its text, the question, is long)
    quoted = {
        i
        for g in detector.short_repeats_
        if not without_question(kept[g[0]].text, question.question_text)
        for i in g
    }
    short = sorted((g for g in detector.short_repeats_ if g[0] not in quoted), key=lambda g: (-len(g), g[0]))
    question.origin = {
        "campaigns": len(campaigns),
        "in_campaigns": len(campaign_of),
        "kept": len(kept),
        "excluded": len(items) - len(kept),
        "distinct_authors": authors,
        "without_author": without_author,
        "weighted": round(sum(weights.values()), 6),
        "very_active_authors": len(very_active),
        "very_active_contributions": sum(n_answers[a] for a in very_active),
        "author_types": dict(sorted(Counter(c.author_type.value for c in kept).items())),
        "channels": dict(sorted(Counter(c.channel or UNKNOWN for c in kept).items())),
        # "given word for word by several people": one author repeating "Oui" is not several people
        "repeated_short_answers": [
            {"text": kept[g[0]].text, "count": len(g), "distinct_authors": a}
            for g, a in ((g, distinct_authors(kept[i] for i in g)[0]) for g in short)
            if a > 1
        ][:10],
    }


def _annotate_placed(
    question: QuestionReport, kept: Sequence[Contribution], settings: RunSettings
) -> tuple[dict[str, str], dict[str, float], Counter[str]]:
    """Each member's and « non classée » item's flags and 1/N weight, and each theme's breakdown, from the
    question's kept contributions and its campaigns; returns (campaign of, weights, answers per author)."""
    campaign_of = {m.contribution_id: cp.campaign_id for cp in question.campaigns for m in cp.members}
    weights = dict(zip((c.contribution_id for c in kept), author_weights(kept), strict=True))
    n_answers = Counter(c.author_ref for c in kept if c.author_ref is not None)
    by_id = {c.contribution_id: c for c in kept}
    flags = {
        c.contribution_id: member_flags(
            c, n_answers[c.author_ref or ""], settings, campaign_of.get(c.contribution_id)
        )
        for c in kept
    }
    for cl in all_clusters(question.clusters):
        for m in cl.members:
            m.flags, m.weight = flags[m.contribution_id], round(weights[m.contribution_id], 6)
        cl.origin = breakdown([by_id[m.contribution_id] for m in cl.members], weights, campaign_of, settings)
    for item in question.noise:
        item.flags, item.weight = flags[item.contribution_id], round(weights[item.contribution_id], 6)
    return campaign_of, weights, n_answers


def refresh_origin(report: Report, contributions: Sequence[Contribution], settings: RunSettings) -> None:
    """Recount, once a reviewer changed which theme holds which contribution (merge, split, move), what the
    origin findings derive from the themes: each theme's and sub-theme's breakdown and territory index, each
    member's and « non classée » item's flags and weight (a moved contribution keeps its own), and the themes
    each campaign is found in. The campaigns, found on the texts, and the counts of each question and of the
    consultation do not depend on the themes and stay as they are (in place)."""
    by_id = {c.contribution_id: c for c in contributions}
    for q in report.questions:
        placed = [m.contribution_id for cl in q.clusters for m in cl.members]
        _annotate_placed(q, [by_id[i] for i in placed + [n.contribution_id for n in q.noise]], settings)
        cluster_of = {m.contribution_id: cl.cluster_id for cl in q.clusters for m in cl.members}
        for cp in q.campaigns:
            themes = Counter(
                cluster_of[m.contribution_id] for m in cp.members if m.contribution_id in cluster_of
            )
            cp.cluster_ids = [k for k, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))]
    _territory_indices(report, by_id)


def _territory_indices(report: Report, by_id: Mapping[str, Contribution]) -> None:
    """Each theme's territory index against the territories of every kept contribution (in place)."""
    kept_ids = [m.contribution_id for q in report.questions for cl in q.clusters for m in cl.members]
    kept_ids += [n.contribution_id for q in report.questions for n in q.noise]
    whole = Counter(participation.place_key(territory.locate(by_id[i].zipcode)) for i in kept_ids)
    for q in report.questions:
        for cl in all_clusters(q.clusters):
            if cl.origin is not None:
                cl.origin.territory_index = participation.representation_index(
                    cl.origin.territories, whole, min_count=5
                )


def submission_times(
    contributions: Iterable[Contribution], in_campaign: set[str], doubtful: bool = False
) -> tuple[list[datetime], list[datetime], int, bool]:
    """The local time (:func:`wall_clock`) of each submission (:func:`submission_key`) with a time of day
    (:func:`parse_clock`, ``doubtful`` as there), of those with a contribution in a campaign, how many
    submissions have none, and whether some time was converted to Paris time (written with an offset, as
    Polis's UTC times)."""
    times: dict[tuple[str, int, str, str], datetime] = {}
    campaign: set[tuple[str, int, str, str]] = set()
    undated: set[tuple[str, int, str, str]] = set()
    written: list[datetime] = []  # as written, for :func:`days_only`
    zoned = False
    for c in contributions:
        key = submission_key(c)
        if (t := parse_clock(c.created_at, doubtful)) is None:
            undated.add(key)
            continue
        zoned = zoned or t.tzinfo is not None
        written.append(t)
        times[key] = wall_clock(t)
        if c.contribution_id in in_campaign:
            campaign.add(key)
    if days_only(written):
        return [], [], len(undated | set(times)), False
    kept = list(times.values())
    return kept, [t for k, t in times.items() if k in campaign], len(undated - set(times)), zoned


def bursts(timestamps: Iterable[datetime], campaign_times: Iterable[datetime] = ()) -> dict[str, object]:
    """Hours with submissions far above the consultation's hourly baseline (median and MAD, robust).

    ``timestamps`` are naive local times (:func:`wall_clock`), one per submission
    (:func:`submission_times`), ``campaign_times`` those of submissions with a campaign member. Every hour
    of each day with a submission counts, empty ones too (``hours``); days without any do not: one date
    mistyped decades away ("2091") made every hour between empty, the baseline 0 and each busy hour a
    burst. An hour is a burst when its count exceeds ``median + BURST_MADS *
    1.4826 * MAD`` (MAD floored at 1) and ``BURST_MIN``. Each burst says how many of its submissions share
    one second (``same_second``, at ``second``): hundreds at one second are an import's or a script's stamp,
    not people posting one by one. Only where the times give seconds: in a file whose every time is at
    ``:00`` ("06/02/2019 14:30"), the submissions of one minute would all "share a second".
    """
    timestamps = list(timestamps)
    hours = Counter(t.replace(minute=0, second=0, microsecond=0) for t in timestamps)
    if not hours:
        return {"hours": 0, "baseline": None, "bursts": []}
    day_index = {day: i for i, day in enumerate(sorted({h.date() for h in hours}))}
    span = 24 * len(day_index)
    counts = np.zeros(span)
    for h, k in hours.items():
        counts[24 * day_index[h.date()] + h.hour] = k
    median = float(np.median(counts))
    mad = max(float(np.median(np.abs(counts - median))), 1.0)
    limit = median + BURST_MADS * 1.4826 * mad
    in_campaigns = Counter(t.replace(minute=0, second=0, microsecond=0) for t in campaign_times)
    busiest: dict[datetime, tuple[int, datetime]] = {}  # hour -> (submissions at its busiest second, second)
    for t, k in sorted(Counter(t.replace(microsecond=0) for t in timestamps).items()):
        h = t.replace(minute=0, second=0)
        busiest[h] = max(busiest.get(h, (0, t)), (k, t), key=lambda kt: kt[0])
    seconds = any(t.second or t.microsecond for t in timestamps)  # else minutes: no second is shared
    found = [
        {
            "hour": h.isoformat(),
            "count": k,
            "in_campaigns": in_campaigns.get(h, 0),
            **({"same_second": busiest[h][0], "second": busiest[h][1].isoformat()} if seconds else {}),
        }
        for h, k in sorted(hours.items())
        if k > limit and k >= BURST_MIN
    ]
    return {"hours": span, "baseline": median, "threshold": round(limit, 3), "bursts": found}


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


def annotate_consultation(
    report: Report,
    contributions: Sequence[Contribution],
    settings: RunSettings,
    population: Mapping[str, int] | None = None,
    across: Mapping[str, str] | None = None,
) -> None:
    """Consultation-wide origin findings in ``report.origin`` and each theme's territory index (in place).

    ``across``: the texts copied into several questions, as the pipeline found them for the questions'
    campaigns (:func:`copies_across_questions`); found here when not given."""
    by_id = {c.contribution_id: c for c in contributions}
    kept_set = {m.contribution_id for q in report.questions for cl in q.clusters for m in cl.members}
    kept_set |= {n.contribution_id for q in report.questions for n in q.noise}
    kept_by_question: dict[str, list[Contribution]] = {}
    for c in contributions:  # in the pipeline's order (synthesis.pipeline.group_by_question)
        if c.contribution_id in kept_set:
            kept_by_question.setdefault(c.question_id, []).append(c)
    _territory_indices(report, by_id)
    in_campaign = {m.contribution_id for q in report.questions for cp in q.campaigns for m in cp.members}
    # dates that only read month first ("12/25/2019"): those reading either way are not read day first
    doubtful = doubtful_order(c.created_at for c in contributions)
    if doubtful:
        for q in report.questions:
            for cp in q.campaigns:
                _set_times(cp, [by_id[m.contribution_id] for m in cp.members], doubtful)
    times, campaign_times, undated, zoned = submission_times(contributions, in_campaign, doubtful)
    authors, without_author = distinct_authors(contributions)
    report.origin = {
        "contributions": len(contributions),
        "distinct_authors": authors,
        "without_author": without_author,
        "in_campaigns": len(in_campaign),
        "campaigns": campaign_count(report.questions),
        "author_types": dict(sorted(Counter(c.author_type.value for c in contributions).items())),
        "channels": dict(sorted(Counter(c.channel or UNKNOWN for c in contributions).items())),
        "campaigns_across_questions": campaigns_across_questions(
            report,
            kept_by_question,
            copies_across_questions(kept_by_question, settings) if across is None else across,
        ),
        "bursts": {
            **bursts(times, campaign_times),
            "undated": undated,
            **({"time_zone": LOCAL_TIME_ZONE} if zoned else {}),
            **({"order_doubtful": True} if doubtful else {}),
            **({"order_unconfirmed": True} if unconfirmed_order(c.created_at for c in contributions) else {}),
        },
        "participation": participation.participation_report(contributions, settings, population),
        "attribution": "Base officielle des codes postaux, La Poste (ODbL); Source : Insee, Code officiel "
        "géographique 2025 et populations légales (Licence Ouverte 2.0)",
    }
