"""Participant-origin flags, weights and breakdowns (issue 5), on a hand-built question report."""

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from schemas import Campaign, Cluster, Member, NoiseItem, QuestionReport, Report, RunSettings
from schemas.report import CampaignMember
from synthesis.campaigns import (
    author_weights,
    campaign_count,
    copies_across_questions,
    detect_campaigns,
    distinct_authors,
    set_campaign_times,
)
from synthesis.html_origin import format_datetime
from synthesis.ingest import read_file
from synthesis.origin import VERY_ACTIVE, annotate_consultation, annotate_origin, breakdown, bursts
from synthesis.participation import participation_report
from synthesis.records import AuthorType, Contribution
from synthesis.times import MAX_TIME_CHARS, days_only, instant, parse_clock, parse_time, wall_clock
from tests.utils.data import SHARED_DATA

CAMPAIGN = (
    "Nous demandons la suppression de la hausse de la CSG pour tous les retraités et une indexation des "
    "pensions sur le coût de la vie dès cette année."
)


def make_items() -> list[Contribution]:
    items = []
    for i in range(6):  # a campaign: 6 copies, two by the same author, within 20 minutes
        items.append(
            Contribution(
                f"camp{i}",
                f"s{i}",
                "q1",
                "Q",
                CAMPAIGN,
                author_ref="org1" if i < 2 else None,
                author_type=AuthorType.ORGANISATION_NONPROFIT if i < 2 else AuthorType.UNKNOWN,
                zipcode="75011",
                created_at=f"2019-02-01T10:{i * 4:02d}:00",
                channel="web",
            )
        )
    for i in range(5):  # a very active citizen (threshold 3)
        items.append(
            Contribution(
                f"act{i}",
                f"a{i}",
                "q1",
                "Q",
                f"Avis personnel numéro {i} sur les impôts locaux",
                author_ref="busy",
                author_type=AuthorType.CITIZEN,
                zipcode="69001",
                created_at=f"2019-02-0{i + 2}T08:00:00",
                channel="papier",
            )
        )
    for i in range(4):
        items.append(
            Contribution(
                f"oth{i}",
                f"o{i}",
                "q1",
                "Q",
                f"Une autre idée originale {i} sur la fiscalité",
                author_ref=f"u{i}",
                author_type=AuthorType.ELECTED_OR_INSTITUTION if i == 0 else AuthorType.CITIZEN,
                zipcode=["13001", "1000", "98000", "xx"][i],
            )
        )
    items.append(Contribution("ras", "r", "q1", "Q", "RAS", author_ref="u1"))
    return items


def make_question(kept: list[Contribution]) -> QuestionReport:
    def member(c):
        return Member(contribution_id=c.contribution_id, source_id=c.source_id, strength=1.0)

    first = [c for c in kept if c.contribution_id.startswith(("camp", "act0", "act1"))]
    second = [c for c in kept if c not in first and c.contribution_id != "oth3"]
    sub = Cluster(
        cluster_id="q1-0.0", label="s", keywords=[], size=3, quotes=[], members=[member(c) for c in first[:3]]
    )
    return QuestionReport(
        question_id="q1",
        question_text="Q",
        excluded=[],
        clusters=[
            Cluster(
                cluster_id="q1-0",
                label="a",
                keywords=[],
                size=len(first),
                quotes=[],
                members=[member(c) for c in first],
                subclusters=[sub],
            ),
            Cluster(
                cluster_id="q1-1",
                label="b",
                keywords=[],
                size=len(second),
                quotes=[],
                members=[member(c) for c in second],
            ),
        ],
        noise=[NoiseItem(contribution_id="oth3", source_id="o3", reason="isolée")],
    )


@pytest.fixture()
def annotated():
    items = make_items()
    kept = [c for c in items if c.contribution_id != "ras"]
    question = make_question(kept)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(kept), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = RunSettings(territory=["75", "69"])
    annotate_origin(question, items, kept, vectors, settings)
    return question, items, kept, settings


def test_campaign_found_with_authors_times_and_themes(annotated):
    question, *_ = annotated
    assert len(question.campaigns) == 1
    cp = question.campaigns[0]
    assert cp.campaign_id == "q1-c1" and cp.size == 6 and cp.template == CAMPAIGN
    assert cp.distinct_authors == 5 and cp.authors_unknown == 4  # org1 once + 4 unknown, each distinct
    assert cp.first_seen == "2019-02-01T10:00:00" and cp.last_seen == "2019-02-01T10:20:00"
    assert cp.densest_hour == "2019-02-01T10:00:00" and cp.densest_hour_count == 6
    assert cp.cluster_ids == ["q1-0"] and cp.variants[0].count == 6


def test_one_author_repeating_a_text_is_not_a_campaign():
    # one participant pasting the same paragraph six times was "a campaign: 6 contributions, 1 author"
    def copies(authors):
        return [
            Contribution(f"c{i}", f"s{i}", "q", "Q", CAMPAIGN, author_ref=a) for i, a in enumerate(authors)
        ]

    settings = RunSettings()
    assert detect_campaigns("q", copies(["busy"] * 6), None, settings)[0] == []
    assert detect_campaigns("q", copies(["busy"] * 3 + ["a", "b"]), None, settings)[0] == []
    (camp,), _ = detect_campaigns("q", copies(["busy"] * 2 + ["a", "b", "c", None]), None, settings)
    assert camp.size == 6 and camp.distinct_authors == 5
    (camp,), _ = detect_campaigns("q", copies([None] * 5), None, settings)  # no authors: each is one
    assert camp.size == camp.distinct_authors == camp.authors_unknown == 5


def test_quoting_the_question_is_not_copying():
    # six participants who quoted the question before six different answers, or answered with the question
    # alone, were "a campaign of 6": the copied text was the question's, which every participant sees
    question = (
        "Que faudrait-il faire pour mieux associer les citoyens aux grandes orientations et à la décision "
        "publique ? Comment mettre en place une démocratie plus participative ?"
    )
    own = ["Le RIC.", "Des conseils de quartier élus.", "Le tirage au sort.", "Plus de référendums locaux."]
    own += ["Voter le budget communal.", "Réduire le nombre d'élus."]

    def answers(texts):
        return [
            Contribution(f"c{i}", f"s{i}", "q", question, t, author_ref=f"a{i}") for i, t in enumerate(texts)
        ]

    settings = RunSettings()
    assert detect_campaigns("q", answers([f"{question} {o}" for o in own]), None, settings)[0] == []
    assert detect_campaigns("q", answers([question.upper()] * 6), None, settings)[0] == []
    quoting = answers([f"Comment mettre en place une démocratie plus participative ? {CAMPAIGN}"] * 6)
    (camp,), _ = detect_campaigns("q", quoting, None, settings)  # the same text after the quote: copied
    assert camp.size == 6
    # nor is an answer that only quotes the question a "short answer repeated"
    only = answers([question] * 6)
    report = QuestionReport(
        question_id="q",
        question_text=question,
        clusters=[],
        excluded=[],
        noise=[NoiseItem(contribution_id=c.contribution_id, source_id=c.source_id, reason="r") for c in only],
    )
    annotate_origin(report, only, only, np.eye(6, dtype=np.float32), settings)
    assert report.campaigns == [] and report.origin["repeated_short_answers"] == []
    # the same text after each question's own words, in five questions, is one campaign across them
    spread = {
        f"q{k}": [
            Contribution(
                f"c{k}",
                f"s{k}",
                f"q{k}",
                f"Que pensez-vous du projet n° {k} ?",
                f"Que pensez-vous du projet n° {k} ? {CAMPAIGN}",
            )
        ]
        for k in range(5)
    }
    assert copies_across_questions(spread, settings) == {f"c{k}": "x1" for k in range(5)}


def test_copies_across_questions_need_distinct_authors_and_long_texts():
    def copy(k, author, text=CAMPAIGN):
        return Contribution(f"c{k}", f"s{k}", f"q{k}", "Q", text, author_ref=author)

    settings = RunSettings()
    spread = {f"q{k}": [copy(k, f"a{k}")] for k in range(5)}
    assert copies_across_questions(spread, settings) == {f"c{k}": "x1" for k in range(5)}
    assert copies_across_questions({f"q{k}": [copy(k, "busy")] for k in range(6)}, settings) == {}
    assert (
        copies_across_questions({f"q{k}": [copy(k, f"a{k}", "Baisser la TVA")] for k in range(6)}, settings)
        == {}
    )


def test_an_anonymous_submission_is_one_participant_not_one_per_answer():
    # an anonymous Grand Débat row answering 5 questions counted as 5 participants, and the text it pasted
    # into its 5 answers as a campaign of 5 authors across questions
    items = [
        Contribution(
            f"p{k}-q{j}",
            f"p{k}",
            f"q{j}",
            "Q",
            CAMPAIGN,
            line=k + 2,
            zipcode="54000",
            created_at=f"2019-02-0{k + 1}T10:00:00",
        )
        for k in range(3)
        for j in range(5)
    ]
    assert distinct_authors(items) == (3, 15)
    assert participation_report(items, RunSettings())["participants"] == 3
    by_question = defaultdict(list)
    for c in items:
        by_question[c.question_id].append(c)
    assert copies_across_questions(by_question, RunSettings()) == {}
    # undated rows of two files, both at line 5: nothing says they are one person
    undated = [Contribution(f"u{k}", "ligne-5", f"q{k}", "Q", "t", line=5) for k in range(2)]
    assert distinct_authors(undated) == (2, 2)


def test_the_republique_numerique_single_author_repeats_are_not_campaigns():
    # both "campaigns" of the République numérique export were one author posting one argument 5 times
    result = read_file(SHARED_DATA / "republique-numerique" / "arguments.csv", secret=b"k")
    for question_id in ("135", "182"):
        kept = [c for c in result.contributions if c.question_id == question_id and not c.excluded]
        campaigns, detector = detect_campaigns(question_id, kept, None, RunSettings())
        assert [len(g.members) for g in detector.groups_] == [5] and campaigns == []


def test_weights_per_author_per_question_sum_to_one(annotated):
    question, _, kept, _ = annotated
    sums = defaultdict(float)
    author = {c.contribution_id: c.author_ref or c.contribution_id for c in kept}
    for m in [m for cl in question.clusters for m in cl.members] + question.noise:
        sums[author[m.contribution_id]] += m.weight
    assert sums and all(abs(s - 1) < 1e-6 for s in sums.values())
    assert author_weights(kept)[:2] == [0.5, 0.5]


def test_flags(annotated):
    question, *_ = annotated
    flags = {m.contribution_id: m.flags for cl in question.clusters for m in cl.members}
    flags.update({n.contribution_id: n.flags for n in question.noise})
    assert flags["camp0"] == ["campaign:q1-c1", "organisation", "organisation:non_profit"]
    assert flags["camp3"] == ["campaign:q1-c1"]
    assert VERY_ACTIVE in flags["act0"] and "outside_territory" not in flags["act0"]
    assert flags["oth0"] == ["elected_or_institution", "outside_territory"]  # Marseille is outside 75/69
    assert flags["oth3"] == []  # invalid postcode: unknown, never "outside"
    sub = question.clusters[0].subclusters[0]
    assert sub.members[0].flags == flags[sub.members[0].contribution_id] and sub.origin is not None


def test_theme_breakdowns_conserve_counts(annotated):
    question, items, kept, _ = annotated
    for cl in question.clusters:
        o = cl.origin
        assert o.contributions == cl.size == sum(o.author_types.values()) == sum(o.territories.values())
        assert sum(o.channels.values()) == cl.size
        assert o.without_campaigns == cl.size - sum(c["count"] for c in o.campaigns)
    first = question.clusters[0].origin
    first_ids = {m.contribution_id for m in question.clusters[0].members}
    assert first.without_campaigns == 2 and first.campaigns_counted_once == 3
    assert first.authors_unknown == sum(c.author_ref is None for c in kept if c.contribution_id in first_ids)
    assert first.distinct_authors == 6 and first.weighted == pytest.approx(0.5 + 0.5 + 4 + 0.4)
    assert first.channels == {"papier": 2, "web": 6} and first.outside_territory == 0
    assert question.origin["in_campaigns"] == 6 and question.origin["kept"] == len(kept)
    assert question.origin["excluded"] == len(items) - len(kept) == 1
    assert question.origin["very_active_authors"] == 1
    unknown = sum(c.author_ref is None for c in kept)
    assert question.origin["without_author"] == unknown and 0 < unknown < len(kept)


def test_short_answers_repeated_by_one_author_are_not_several_peoples():
    # "Oui" written 6 times by one participant was listed as a short answer "given word for word by several
    # people, 6 times"
    items = [Contribution(f"o{k}", f"s{k}", "q", "Q", "Oui", author_ref="busy") for k in range(6)]
    items += [Contribution(f"t{k}", f"t{k}", "q", "Q", "La TVA", author_ref=f"a{k % 3}") for k in range(6)]
    question = QuestionReport(
        question_id="q",
        question_text="Q",
        clusters=[],
        excluded=[],
        noise=[
            NoiseItem(contribution_id=c.contribution_id, source_id=c.source_id, reason="r") for c in items
        ],
    )
    annotate_origin(question, items, items, np.eye(12, dtype=np.float32), RunSettings())
    assert question.origin["repeated_short_answers"] == [
        {"text": "La TVA", "count": 6, "distinct_authors": 3}
    ]


def test_a_theme_breakdown_names_every_campaign():
    # a theme holding 7 campaigns named only the 5 largest: its other campaigns' members were in no list
    members = [Contribution(f"c{k}", f"s{k}", "q", "Q", "t", author_ref=f"a{k}") for k in range(7)]
    campaign_of = {c.contribution_id: f"q-c{k + 1}" for k, c in enumerate(members)}
    weights = {c.contribution_id: 1.0 for c in members}
    out = breakdown(members, weights, campaign_of, RunSettings())
    assert [c["campaign_id"] for c in out.campaigns] == [f"q-c{k}" for k in range(1, 8)]
    assert sum(c["count"] for c in out.campaigns) == out.contributions - out.without_campaigns == 7


def test_a_theme_counts_participants_abroad_and_overseas_apart_from_those_without_a_place():
    # "Belgique", Monaco's 98000 and Nouméa's 98800 were counted with the undisclosed and invalid postcodes
    # ("inconnu"): a theme's territories said nothing of participants outside France or in a collectivity
    zips = ["Belgique", "98000", "98800", "Nouméa", "54000", None, "xyz"]
    members = [
        Contribution(f"c{k}", f"s{k}", "q", "Q", "t", author_ref=f"a{k}", zipcode=z)
        for k, z in enumerate(zips)
    ]
    out = breakdown(members, {c.contribution_id: 1.0 for c in members}, {}, RunSettings())
    assert out.territories == {"54": 1, "988": 2, "etranger": 2, "inconnu": 2}
    assert sum(out.territories.values()) == out.contributions == 7


def test_a_campaign_mixing_naive_and_offset_times_orders_them_as_they_happened():
    # a naive time is Paris local time (as the page shows it), but was ordered as if UTC: "10:30" (8 h 30
    # UTC in April) came after "09:00Z" (11 h in Paris), and the two, 30 minutes apart, were in no one hour
    items = [
        Contribution(f"c{i}", f"c{i}", "q", "", "texte", created_at=when)
        for i, when in enumerate(["2019-04-01T09:00:00Z", "2019-04-01T10:30:00"])
    ]
    camp = set_campaign_times(
        Campaign(campaign_id="c", size=2, distinct_authors=2, template="t", members=[]), items
    )
    assert (camp.first_seen, camp.last_seen) == ("2019-04-01T10:30:00", "2019-04-01T09:00:00+00:00")
    assert camp.densest_hour == "2019-04-01T10:30:00" and camp.densest_hour_count == 2
    assert instant(datetime(2019, 1, 17, 10, 38)) == datetime(2019, 1, 17, 9, 38)  # winter: UTC+1


def test_consultation_origin(annotated):
    question, items, _, settings = annotated
    report = Report.model_construct(questions=[question], origin={})
    annotate_consultation(report, items, settings)
    o = report.origin
    assert o["in_campaigns"] == 6 and o["contributions"] == len(items)
    assert o["without_author"] == sum(c.author_ref is None for c in items)
    part = o["participation"]
    assert part["level"] == "departement" and {r["territory"] for r in part["rows"]} == {"75", "69"}
    idx = question.clusters[0].origin.territory_index
    assert idx["75"] > 1  # the campaign comes from Paris: over-represented in its theme
    assert "Base officielle des codes postaux, La Poste" in o["attribution"]


def test_participation_with_a_given_population_mapping():
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i % 3}", zipcode="75011") for i in range(9)
    ]
    out = participation_report(items, RunSettings(), {"75": 30_000, "13": 1_000_000})
    rows = {r["territory"]: r for r in out["rows"]}
    assert out["participants"] == 3 and rows["75"]["per_10000"] == 1.0 and rows["13"]["flag"] is None
    communes = participation_report(items, RunSettings(), {"75111": 100_000, "13201": 100_000})
    assert communes["level"] == "commune" and communes["located"] == 3


def test_bursts():
    times = [parse_time(f"2019-02-{d:02d}T{h:02d}:00:00") for d in range(1, 11) for h in range(0, 24, 3)]
    times += [parse_time("2019-02-05T14:30:00")] * 40
    out = bursts(times, times[-40:])
    assert [b["hour"] for b in out["bursts"]] == ["2019-02-05T14:00:00"] and out["bursts"][0][
        "in_campaigns"
    ] == 40
    assert parse_time("2019-02-05T14:30:00Z") == parse_time("2019-02-05T15:30:00+01:00")
    assert parse_time("pas une date") is None


def test_bursts_count_submissions_not_each_answer_of_one_form():
    # a Grand Débat row answering 12 questions is 12 contributions: each such row, alone in its hour, was a
    # "burst of 12 submissions" (200 bursts on a 200-row export), the real burst drowned among them
    items = [
        Contribution(
            f"p{k}-q{j}",
            f"p{k}",
            f"q{j}",
            "Q",
            "texte",
            line=k + 2,
            author_ref=f"a{k}",
            created_at=f"2019-02-{1 + k // 8:02d}T{(k * 3) % 24:02d}:10:{1 + k % 50:02d}",  # to the second
        )
        for k in range(80)
        for j in range(12)
    ]
    items += [
        Contribution(f"x{k}", f"x{k}", "q0", "Q", "texte", line=100 + k, created_at="2019-02-05T14:30:00")
        for k in range(15)
    ]
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, items, RunSettings())
    found = report.origin["bursts"]["bursts"]
    assert found == [
        {
            "hour": "2019-02-05T14:00:00",
            "count": 15,
            "in_campaigns": 0,
            "same_second": 15,  # all 15 at 14:30:00: the page says so
            "second": "2019-02-05T14:30:00",
        }
    ]


def test_dates_without_a_time_of_day_make_no_burst_and_french_dates_are_read():
    # an export dated by day only ("2019-02-06") had each day's submissions at 0 h: ten "bursts" at midnight,
    # and French day-first dates ("05/02/2019 14:30") read as no date at all, "dates not given"
    by_day = [
        Contribution(f"c{d}-{k}", f"c{d}-{k}", "q", "Q", "t", created_at=f"2019-02-{d:02d}")
        for d in range(1, 11)
        for k in range(12)
    ]
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, by_day, RunSettings())
    assert report.origin["bursts"] == {"hours": 0, "baseline": None, "bursts": [], "undated": 120}
    camp = set_campaign_times(
        Campaign(campaign_id="c", size=12, distinct_authors=12, template="t", members=[]), by_day[:12]
    )
    assert camp.first_seen == "2019-02-01T00:00:00" and camp.densest_hour is None
    french = [
        Contribution(f"f{d}-{h}", f"f{d}-{h}", "q", "Q", "t", created_at=f"{d:02d}/02/2019 {h:02d}:15")
        for d in range(1, 11)
        for h in range(0, 24, 3)
    ]
    french += [
        Contribution(f"b{k}", f"b{k}", "q", "Q", "t", created_at="05/02/2019 14h30") for k in range(30)
    ]
    annotate_consultation(report, [*french, by_day[0]], RunSettings())
    found = report.origin["bursts"]
    assert [b["hour"] for b in found["bursts"]] == ["2019-02-05T14:00:00"] and found["undated"] == 1
    assert (
        parse_time("31/02/2019 10:00") is None and parse_time("6/2/2019").isoformat() == "2019-02-06T00:00:00"
    )
    # a workbook's date cells come as date-times at midnight ("2019-02-01T00:00:00"): days, not times
    cells = [replace(c, created_at=f"{c.created_at}T00:00:00") for c in by_day]
    annotate_consultation(report, cells, RunSettings())
    assert report.origin["bursts"]["bursts"] == [] and report.origin["bursts"]["undated"] == 120
    camp = set_campaign_times(
        Campaign(campaign_id="c", size=12, distinct_authors=12, template="t", members=[]), cells[:12]
    )
    assert camp.densest_hour is None


def test_french_dates_with_two_digit_years_words_or_a_time_after_a_are_read_day_first():
    # "12/03/19", "12/03/2019 à 14:30" and "12 mars 2019 à 14h30" read as no date: undated, no burst
    for written in (
        "12/03/19 14:30",
        "12/03/2019 à 14:30",
        "12 mars 2019 à 14h30",
        "mardi 12 mars 2019, 14 h 30",
        "12.03.2019 14:30",
        "12-03-2019 14:30:00",
    ):
        assert parse_clock(written) == datetime(2019, 3, 12, 14, 30), written
    assert parse_time("12/03/19") == datetime(2019, 3, 12) and parse_clock("12/03/19") is None
    assert parse_time("1er février 2019") == datetime(2019, 2, 1) and parse_time("03/12/98") == datetime(
        1998, 12, 3
    )
    assert parse_time("2019/03/12") == datetime(2019, 3, 12)
    # day first stays the rule, and a date that only reads month first is unreadable, never another day
    assert parse_time("03/12/2019") == datetime(2019, 12, 3)
    for unreadable in ("12/25/2019", "31/02/19", "12 foo 2019", "12/03-2019", "12 mars 2019 à 25h00"):
        assert parse_time(unreadable) is None, unreadable
    french = [
        Contribution(f"f{d}-{h}", f"f{d}-{h}", "q", "Q", "t", created_at=f"{d} mars 2019 à {h}h15")
        for d in range(1, 11)
        for h in range(0, 24, 3)
    ]
    french += [
        Contribution(f"b{k}", f"b{k}", "q", "Q", "t", created_at="05/03/19 à 14:30") for k in range(30)
    ]
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, french, RunSettings())
    found = report.origin["bursts"]
    assert [b["hour"] for b in found["bursts"]] == ["2019-03-05T14:00:00"] and found["undated"] == 0


def test_a_file_whose_every_day_is_at_most_12_says_its_order_was_read_by_the_rule_only():
    # "03/12/2019", "05/11/2019", ...: nothing shows day or month first; they were read day first silently
    ambiguous = [
        Contribution(f"c{d}", f"c{d}", "q", "Q", "t", created_at=f"{d:02d}/{13 - d:02d}/2019 10:00")
        for d in range(1, 13)
    ]
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, ambiguous, RunSettings())
    assert report.origin["bursts"]["order_unconfirmed"] is True
    assert "order_doubtful" not in report.origin["bursts"]
    # one date after the 12th shows the order: nothing to say; ISO dates never need it
    shown = [*ambiguous, replace(ambiguous[0], contribution_id="x", created_at="25/03/2019 10:00")]
    for items in (shown, [replace(c, created_at="2019-03-12T10:00:00") for c in ambiguous]):
        annotate_consultation(report, items, RunSettings())
        assert "order_unconfirmed" not in report.origin["bursts"]


def test_dates_written_month_first_are_never_read_day_first_where_they_read_either_way():
    # a file written month first ("03/25/2019 14:30"): "03/12/2019" read as 3 December, a burst in
    # December and a campaign "from 3 December" that was on 12 March, without a word
    us = [
        Contribution(f"u{d}-{h}", f"u{d}-{h}", "q", "Q", "t", created_at=f"03/{d:02d}/2019 {h:02d}:15")
        for d in range(13, 24)
        for h in range(0, 24, 3)
    ]
    us += [
        Contribution(f"b{k}", f"b{k}", "q", "Q", "t", author_ref=f"a{k}", created_at="03/12/2019 14:30")
        for k in range(30)
    ]
    members = us[-30:]
    camp = Campaign(campaign_id="c", size=30, distinct_authors=30, template="t", members=[])
    camp.members = [CampaignMember(contribution_id=c.contribution_id, source_id=c.source_id) for c in members]
    set_campaign_times(camp, members)
    assert camp.first_seen == "2019-12-03T14:30:00"  # alone, day first
    report = Report.model_construct(
        questions=[QuestionReport.model_construct(campaigns=[camp], clusters=[], noise=[])], origin={}
    )
    annotate_consultation(report, us, RunSettings())
    found = report.origin["bursts"]
    assert found["bursts"] == [] and found["undated"] == 30 and found["order_doubtful"] is True
    assert camp.first_seen is None and camp.densest_hour is None
    assert parse_time("03/12/2019", doubtful=True) is None and parse_time("05/05/2019", doubtful=True)
    assert (
        parse_time("25/03/2019", doubtful=True)
        == parse_time("03/25/2019", doubtful=True)
        == datetime(2019, 3, 25)
    )
    assert parse_time("03/25/2019") is None  # alone, it reads month first only: never another day
    # French dates, day first (one after the 12th is enough to see it): read as ever, nothing said
    french = [replace(c, created_at=f"{c.created_at[3:5]}/03/2019{c.created_at[10:]}") for c in us]
    annotate_consultation(report, french, RunSettings())
    assert "order_doubtful" not in report.origin["bursts"]
    assert [b["hour"] for b in report.origin["bursts"]["bursts"]] == ["2019-03-12T14:00:00"]


def test_polis_times_are_binned_in_paris_time_summer_time_included_and_say_so(tmp_path):
    # Polis comments are dated in UTC: a burst at 14 h in Paris (UTC+2 in July) showed "de 12 h à 13 h", and
    # nothing said the hours were UTC
    moment = int(datetime(2019, 7, 5, 12, 20, tzinfo=UTC).timestamp() * 1000)
    rows = [(moment + k * 1000, k) for k in range(30)]
    rows += [
        (int(datetime(2019, 7, d, h, 5, tzinfo=UTC).timestamp() * 1000), 100 + 10 * d + h // 3)
        for d in range(1, 11)
        for h in range(0, 24, 3)
    ]
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        + "".join(f"{ms},d,{cid},{cid},0,0,1,avis {cid}\n" for ms, cid in rows),
        encoding="utf-8",
    )
    items = read_file(folder / "comments.csv").contributions
    assert items[0].created_at == "2019-07-05T12:20:00+00:00"  # the instant, as the export gives it
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, items, RunSettings())
    found = report.origin["bursts"]
    assert [b["hour"] for b in found["bursts"]] == ["2019-07-05T14:00:00"]
    assert found["time_zone"] == "Europe/Paris"
    # winter time: UTC+1; a time written without offset is taken as written, and nothing is said converted
    assert wall_clock(parse_time("2019-01-05T12:20:00Z")) == datetime(2019, 1, 5, 13, 20)
    naive = [replace(c, created_at=f"0{k % 9 + 1}/07/2019 14:{k % 60:02d}") for k, c in enumerate(items)]
    annotate_consultation(report, naive, RunSettings())
    assert "time_zone" not in report.origin["bursts"]


def test_spreadsheet_serials_english_months_and_e_mail_or_javascript_times_are_read():
    # a CSV written from a spreadsheet's date cells ("46354.5854"), "28 Nov 2026", "Nov 28, 2026", "28-Nov-26",
    # e-mail's and JavaScript's times and a fractional epoch read as no date: undated, in no burst
    assert parse_time("46354") == datetime(2026, 11, 28) and parse_clock("46354") is None
    assert parse_clock("46354.5854") == parse_clock("46354,5854") == datetime(2026, 11, 28, 14, 2, 59)
    assert parse_time("12345") is None and parse_time("99999") is None  # no plausible serial: no date
    for written in ("28 Nov 2026", "Nov 28, 2026", "28-Nov-26", "28-nov-2026", "November 28th, 2026"):
        assert parse_time(written) == datetime(2026, 11, 28), written
    paris = datetime(2026, 11, 28, 14, 3)
    for written in (
        "Sat, 28 Nov 2026 14:03:00 +0100",
        "Sat Nov 28 2026 14:03:00 GMT+0100 (heure normale d’Europe centrale)",
        "2026-11-28 13:03:00 +0000",
        "November 28, 2026 2:03 PM",
        "1795870980.0",  # 13:03 UTC
    ):
        assert wall_clock(parse_clock(written)) == paris, written
    assert parse_time("1552400000.5").microsecond == 500000


def test_a_time_beyond_any_clock_is_no_date_not_a_failed_report():
    # "9999-12-31T23:59:59-05:00" (a "never" placeholder) parsed, then failed converting to UTC or Paris time:
    # OverflowError, and the whole consultation's report with it
    items = [
        Contribution(f"c{i}", f"c{i}", "q", "Q", "t", author_ref=f"a{i}", created_at=when)
        for i, when in enumerate(
            ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00", "2019-03-12T10:00:00"]
        )
    ]
    assert parse_time(items[0].created_at) is None and parse_clock(items[1].created_at) is None
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, items, RunSettings())
    assert report.origin["bursts"]["undated"] == 2
    assert format_datetime("9999-12-31T23:59:59-05:00", "fr") == "9999-12-31T23:59:59-05:00"


def test_a_software_s_zero_date_is_no_date():
    # "1970-01-01T00:00:00Z" or "0" (an empty date as a database or a timestamp column writes it) was read as a
    # submission on 1 January 1970: a campaign "from 1 January 1970 to 12 March 2019"
    for zero in (
        "1970-01-01T00:00:00Z",
        "1970-01-01 00:00:00",
        "0000000000",
        "1899-12-30",
        "0001-01-01T00:00:00",
    ):
        assert parse_time(zero) is None, zero
    assert parse_time("1970-01-01T01:00:00+01:00") is None  # the epoch, written in Paris time
    assert parse_time("1970-01-01 12:00:00") == datetime(1970, 1, 1, 12)  # a time of day: a real time
    items = [
        Contribution(f"c{i}", f"c{i}", "q", "", "texte", created_at=when)
        for i, when in enumerate(["1970-01-01T00:00:00Z", "2019-03-12T10:00:00"])
    ]
    camp = set_campaign_times(
        Campaign(campaign_id="c", size=2, distinct_authors=2, template="t", members=[]), items
    )
    assert camp.first_seen == camp.last_seen == "2019-03-12T10:00:00"


def test_webform_dates_fractions_of_seconds_offsets_and_zone_names_after_a_french_date_are_read():
    # Framaforms' (Drupal webform) "12/03/2019 - 14:15", "12/03/2019 14:15:37,123", "12/03/2019 14:15:37 +01:00",
    # "2019-03-12 14:15:37 Europe/Paris" and "le 12/03/2019 à 14h15" read as no date: undated, in no burst
    for written in ("12/03/2019 - 14:15", "12/03/2019 - 14h15", "le 12/03/2019 à 14h15"):
        assert parse_clock(written) == datetime(2019, 3, 12, 14, 15), written
    assert parse_clock("12/03/2019 14:15:37,123") == parse_clock("12/03/2019 14:15:37.123")
    assert parse_clock("12/03/2019 14:15:37.123") == datetime(2019, 3, 12, 14, 15, 37)
    for written in ("12/03/2019 14:15:37 +01:00", "2019-03-12 14:15:37 Europe/Paris"):
        assert wall_clock(parse_clock(written)) == datetime(2019, 3, 12, 14, 15, 37), written
    assert wall_clock(parse_clock("2019-03-12 08:15:37 America/New_York")) == datetime(
        2019, 3, 12, 13, 15, 37
    )
    # "le" before a date changes nothing of the order rules: either way, it is unreadable in a month-first file
    assert parse_time("le 03/12/2019", doubtful=True) is None and parse_time("le 25/12/2019", doubtful=True)
    # an unknown zone, or a number after a date with no time of day, is no date rather than a guess
    assert parse_time("2019-03-12 14:15:37 Foo/Bar") is None and parse_time("12/03/2019 -14:15") is None


def test_days_written_as_utc_instants_of_their_local_midnight_make_no_burst():
    # a date-only field exported as UTC instants ("2019-02-05T23:00:00.000Z": 6 February, 0 h in Paris) put every
    # day's submissions in one hour: a "burst" at midnight on each busy day
    items = [
        Contribution(f"c{d}-{k}", f"c{d}-{k}", "q", "Q", "t", author_ref=f"a{d}-{k}", created_at=when)
        for d in range(1, 11)
        for k in range(40 if d == 5 else 3)
        for when in [f"2019-02-{d:02d}T23:00:00.000Z"]
    ]
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, items, RunSettings())
    assert report.origin["bursts"]["bursts"] == [] and report.origin["bursts"]["hours"] == 0
    # a real time of day, even at midnight for some: read as ever
    assert not days_only([datetime(2019, 2, 5, 23, tzinfo=UTC), datetime(2019, 2, 6, 10, tzinfo=UTC)])


def test_a_value_longer_than_any_date_is_no_date():
    # a hostile or broken cell ("12" + thousands of spaces + "mars 2019") was searched by the zone patterns from
    # each position, a time quadratic in its length; it is no date, whatever its ends say
    assert (
        parse_time("12" + " " * 200 + "mars 2019") is None
        and parse_clock("12/03/2019" + " " * 200 + "14:15") is None
    )
    longest = "Sat Nov 28 2026 14:03:00 GMT+0100 (heure normale d’Europe centrale)"
    assert len(longest) <= MAX_TIME_CHARS and parse_time(longest) is not None
    assert parse_time("  2019-03-12  " + " " * 500) == datetime(2019, 3, 12)  # surrounding spaces aside


def test_a_timestamp_column_of_seconds_or_milliseconds_since_1970_is_read(tmp_path):
    # a spreadsheet's "timestamp" column (a date column by its name) holding 1552400000 or 1552400000000
    # read as no date: every submission undated, no burst
    assert (
        parse_clock("1552400000")
        == parse_clock("1552400000000")
        == datetime(2019, 3, 12, 14, 13, 20, tzinfo=UTC)
    )
    assert parse_time("1552400000123").microsecond == 123000 and parse_time("20190312") == datetime(
        2019, 3, 12
    )
    moment = int(datetime(2019, 3, 5, 13, 20, tzinfo=UTC).timestamp())
    rows = [(moment + k, k) for k in range(30)]
    rows += [
        (int(datetime(2019, 3, d, h, 5, tzinfo=UTC).timestamp()), 100 + 10 * d + h)
        for d in range(1, 11)
        for h in range(0, 24, 3)
    ]
    path = tmp_path / "avis.csv"
    path.write_text(
        "id;texte;timestamp\n" + "".join(f"{i};avis {i};{s}\n" for s, i in rows), encoding="utf-8"
    )
    report = Report.model_construct(questions=[], origin={})
    annotate_consultation(report, read_file(path).contributions, RunSettings())
    found = report.origin["bursts"]
    assert [b["hour"] for b in found["bursts"]] == ["2019-03-05T14:00:00"] and found["undated"] == 0


def test_a_time_followed_by_its_time_zone_name_is_read_with_its_offset():
    # "2019-01-17 10:38:20 UTC", as Ruby on Rails (hence Decidim) writes times, read as no date
    assert parse_clock("2019-01-17 10:38:20 UTC") == datetime(2019, 1, 17, 10, 38, 20, tzinfo=UTC)
    assert wall_clock(parse_clock("2019-07-17 10:38:20 UTC")) == datetime(2019, 7, 17, 12, 38, 20)
    assert wall_clock(parse_clock("2019-01-17T10:38:20 GMT")) == datetime(2019, 1, 17, 11, 38, 20)
    assert wall_clock(parse_clock("17/01/2019 10:38 CET")) == wall_clock(
        parse_clock("2019-07-17 10:38 CEST")
    ).replace(month=1)
    assert parse_time("2019-01-17 UTC") is not None and parse_clock("2019-01-17 UTC") is None
    assert parse_time("UTC") is None


def test_a_google_forms_timestamp_is_read_with_its_offset_and_its_half_day():
    # "2024/03/05 2:15:37 PM GMT+1" (a Google Forms download's "Horodateur") read as no date
    paris = datetime(2024, 3, 5, 14, 15, 37)
    assert wall_clock(parse_clock("2024/03/05 2:15:37 PM GMT+1")) == paris
    assert wall_clock(parse_clock("2024/03/05 14:15:37 UTC+1")) == paris
    assert wall_clock(parse_clock("2024/03/05 13:15:37 UTC+00:00")) == paris
    assert wall_clock(parse_clock("2024/03/05 8:15:37 am GMT-05:00")) == paris
    assert parse_clock("2024/03/05 12:05 AM") == datetime(2024, 3, 5, 0, 5)
    assert parse_clock("2024/03/05 12:05 PM") == datetime(2024, 3, 5, 12, 5)
    for unread in ("2024/03/05 13:15 PM", "2024/03/05 PM", "2024/03/05 10:00 UTC+25", "UTC+1"):
        assert parse_time(unread) is None, unread


def test_a_year_first_date_without_its_zeros_is_read():
    # "2019-3-5 14:30" (a spreadsheet's or a script's date without zero padding) read as no date: not ISO 8601
    assert parse_clock("2019-3-5 14:30") == datetime(2019, 3, 5, 14, 30) == parse_clock("2019.3.5 14h30")
    assert parse_time("2019-3-5") == datetime(2019, 3, 5) and parse_time("2019-13-05") is None


def test_hours_are_read_as_written_and_ordered_by_instant():
    # a Decidim export's "10:38:00+01:00" showed in a burst from 9 h (UTC), its page saying 10 h 38
    t = parse_time("2019-01-17T10:38:00+01:00")
    assert (
        wall_clock(t).isoformat() == "2019-01-17T10:38:00" and instant(t).isoformat() == "2019-01-17T09:38:00"
    )
    local = [
        wall_clock(parse_time(f"2019-01-{d:02d}T{h:02d}:05:00+01:00")) for d in range(1, 11) for h in (8, 20)
    ]
    local += [wall_clock(parse_time("2019-01-05T10:38:00+01:00"))] * 30
    assert [b["hour"] for b in bursts(local)["bursts"]] == ["2019-01-05T10:00:00"]
    # a campaign's times keep their offset, ordered by instant: 11:00+02:00 is before 10:30+01:00
    items = [
        Contribution(f"c{i}", f"c{i}", "q", "", "texte", created_at=when)
        for i, when in enumerate(["2019-04-01T10:30:00+01:00", "2019-04-01T11:00:00+02:00"])
    ]
    camp = set_campaign_times(
        Campaign(campaign_id="c", size=2, distinct_authors=2, template="t", members=[]), items
    )
    assert (camp.first_seen, camp.last_seen) == ("2019-04-01T11:00:00+02:00", "2019-04-01T10:30:00+01:00")
    assert camp.densest_hour == camp.first_seen and camp.densest_hour_count == 2


def test_every_participant_is_located_or_said_apart():
    # 3 participants of Mayotte (no legal population in the table) were in no count of the page
    zips = ["75011", "97650", "97630", None, "98000"]  # Paris, Mayotte x2, none, Monaco
    items = [
        Contribution(f"c{i}", "s", "q", "Q", "t", author_ref=f"a{i}", zipcode=z) for i, z in enumerate(zips)
    ]
    out = participation_report(items, RunSettings())
    apart = {k: v for k, v in out["location_status"].items() if k != "ok"}
    assert out["located"] == 1 and apart == {"missing": 1, "abroad": 1, "no_population": 2}
    assert out["located"] + sum(apart.values()) == out["participants"] == 5
    declared = participation_report(items, RunSettings(territory=["13"]))  # Paris is outside it
    assert declared["located"] == 0 and declared["location_status"]["no_population"] == 3


def test_a_text_copied_across_questions_keeps_its_id_whatever_the_order_of_the_questions():
    # two texts copied as often: their ids x1, x2 went by the order the questions were read in, which the
    # pipeline (every question) and the consultation's summary (questions of a kept answer) do not share,
    # so a campaign's "also copied into other questions" described the other text
    other = CAMPAIGN.replace("CAMPAIGN", "AUTRE") + " Et une autre phrase encore pour changer ce texte."

    def copies(q, text, tag):
        return [
            Contribution(f"{q}-{tag}{i}", f"s{q}-{tag}{i}", q, "Q", text, author_ref=f"{q}{tag}{i}")
            for i in range(3)
        ]

    first = {
        "q0": copies("q0", CAMPAIGN, "a") + copies("q0", other, "b"),
        "q1": copies("q1", other, "b") + copies("q1", CAMPAIGN, "a"),
    }
    second = dict(reversed(list(first.items())))
    found = copies_across_questions(first, RunSettings())
    assert sorted(set(found.values())) == ["x1", "x2"]
    assert copies_across_questions(second, RunSettings()) == found


def test_a_text_copied_into_three_questions_is_one_campaign_in_the_json_as_on_the_page():
    # the page said "1 campagne" for a text copied into three questions, the report's origin 3 campaigns
    items = [Contribution(f"q{k}-c", f"s{k}", f"q{k}", "Q", CAMPAIGN, author_ref=f"a{k}") for k in range(4)]
    questions = [
        QuestionReport(
            question_id=f"q{k}",
            question_text="Q",
            clusters=[],
            excluded=[],
            noise=[NoiseItem(contribution_id=f"q{k}-c", source_id=f"s{k}", reason="r")],
            campaigns=[
                Campaign.model_construct(
                    campaign_id=f"q{k}-c1", across_questions=["x1"] if k < 3 else [], members=[]
                )
            ],
        )
        for k in range(4)
    ]
    report = Report.model_construct(questions=questions, origin={})
    annotate_consultation(report, items, RunSettings())
    assert report.origin["campaigns"] == 2  # the text of three questions, and q3's own


def test_campaigns_sharing_a_copied_text_are_one_whatever_order_they_name_their_texts_in():
    # one question's campaign held texts x1 and x2, another's x2 and x1 (its most copied first), a third's x1
    # alone: three campaigns were counted for one campaign spread over three questions
    def question(k, across):
        return QuestionReport(
            question_id=f"q{k}",
            question_text="Q",
            clusters=[],
            excluded=[],
            noise=[],
            campaigns=[Campaign.model_construct(campaign_id=f"q{k}-c1", across_questions=across, members=[])],
        )

    spread = [question(0, ["x1", "x2"]), question(1, ["x2", "x1"]), question(2, ["x1"])]
    assert campaign_count(spread) == 1
    assert campaign_count([*spread, question(3, []), question(4, ["x3"]), question(5, ["x3"])]) == 3


def test_one_mistyped_year_leaves_the_bursts_baseline_as_it_is():
    # one submission dated 2091 instead of 2019 made the 630,000 empty hours between part of the baseline:
    # median 0, and each of the 120 hours of the consultation (12 submissions each) a "burst"
    start = datetime(2019, 2, 1)
    times = [start + timedelta(minutes=5 * k) for k in range(12 * 24 * 5)]
    assert bursts(times)["baseline"] == 12.0 and bursts(times)["bursts"] == []
    out = bursts([*times, datetime(2091, 2, 1, 10)])
    assert out["baseline"] == 12.0 and out["bursts"] == [] and out["hours"] == 24 * 6


def test_times_to_the_minute_share_no_second():
    # a file dated to the minute ("06/02/2019 14:30") has every time at :00: a burst's submissions of one minute
    # were said to "carry the same second, as an import or a script stamps them"
    start = datetime(2019, 2, 1)
    quiet = [start + timedelta(minutes=20 * k) for k in range(3 * 24 * 5)]
    busy = [datetime(2019, 2, 3, 14, m) for m in range(60) for _ in range(5)]  # 300 people, 5 a minute
    (burst,) = bursts([*quiet, *busy])["bursts"]
    assert burst["count"] == 300 + 3 and "same_second" not in burst and "second" not in burst
    stamped = [datetime(2019, 2, 3, 14, 0, 7)] * 300  # with seconds: one import's stamp
    (burst,) = bursts([*quiet, *stamped])["bursts"]
    assert burst["same_second"] == 300 and burst["second"] == "2019-02-03T14:00:07"
