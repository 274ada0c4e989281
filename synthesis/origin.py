"""Participant-origin flags and per-theme breakdowns (issue 5). Flags describe; they never remove.

Per question (:func:`annotate_origin`): campaigns among kept contributions (:mod:`synthesis.campaigns`), each
member's flags and 1/N weight, and each theme's :class:`schemas.OriginBreakdown`. Per consultation
(:func:`annotate_consultation`): submission bursts, participation per 10,000 inhabitants, absent or strongly
over/under-represented territories, channels, and each theme's territory index against the whole consultation.

Counting rules (:func:`synthesis.campaigns.author_weights`): a contribution without author counts as one
distinct (unknown) author and weighs 1; an author with N kept answers to a question weighs 1/N on each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np

from schemas import Cluster, QuestionReport, Report, RunSettings
from schemas.report import OriginBreakdown
from synthesis import participation, territory
from synthesis.campaigns import (
    author_weights,
    campaign_count,
    campaign_flag,
    campaigns_across_questions,
    copies_across_questions,
    detect_campaigns,
    distinct_authors,
    set_campaign_times,
)
from synthesis.duplicates import CampaignDetector
from synthesis.records import AuthorType, Contribution, submission_key
from synthesis.shingles import without_question
from synthesis.times import (
    LOCAL_TIME_ZONE,
    days_only,
    doubtful_order,
    parse_clock,
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
                set_campaign_times(cp, [by_id[m.contribution_id] for m in cp.members], doubtful)
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
