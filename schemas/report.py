"""The JSON report's public contract (issue 2).

Field names listed in the issue are frozen: outside tools read them. New fields may be added freely.
``schemas/report.schema.json`` is generated from these models (``python -m schemas.export``) and checked in CI.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

SCHEMA_VERSION = "1.0"


class Keyword(BaseModel):
    term: str
    weight: float


class Quote(BaseModel):
    """A representative quote: always the verbatim text of one member."""

    contribution_id: str
    source_id: str
    text: str


class Member(BaseModel):
    contribution_id: str
    source_id: str
    strength: float = Field(..., description="HDBSCAN membership strength, 0-1.")
    similarity: float | None = Field(None, description="Cosine similarity to the theme's centre.")
    matched_keywords: list[str] = Field(default_factory=list, description="Theme keywords found in the text.")
    flags: list[str] = Field(default_factory=list, description="Participant-origin flags (issue 5).")
    weight: float = Field(1.0, description="1/N where the author gave N answers to this question.")
    joined_by_noise_policy: bool = Field(
        False,
        description="HDBSCAN did not place it here: either HDBSCAN left it out and it joined because most of "
        "its neighbours are in the theme and it is within the theme's distance threshold, or because more than a "
        "quarter of the question was left out and it is among the closest to a theme; or it is a short answer "
        "and most of the contributions saying the same words (articles and 'and' aside) are in this theme "
        "(issue 4); or, above fit_max texts, it was outside the sample HDBSCAN saw and most of its nearest "
        "sampled texts are in the theme (issue 8).",
    )


class OriginBreakdown(BaseModel):
    """Who speaks in a theme (issue 5). Flags describe; they never remove."""

    contributions: int = 0
    distinct_authors: int = 0
    authors_unknown: int = Field(0, description="Members without author (each counted as a distinct author).")
    weighted: float = 0.0
    without_campaigns: int = 0
    author_types: dict[str, int] = Field(default_factory=dict)
    territories: dict[str, int] = Field(
        default_factory=dict,
        description="Members per département code, overseas collectivity code (975, 977, 978, 984, 986-989), "
        "'etranger' (outside France) or 'inconnu' (no usable place).",
    )
    territory_index: dict[str, float] = Field(default_factory=dict)
    channels: dict[str, int] = Field(default_factory=dict)
    campaigns: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Every campaign with members in the theme: campaign_id and count, largest first.",
    )
    weighted_without_campaigns: float = Field(
        0.0, description="Weighted size, members of campaigns left out."
    )
    campaigns_counted_once: int = Field(
        0, description="Contributions outside campaigns + one per campaign present."
    )
    author_type_shares: dict[str, float] = Field(default_factory=dict)
    territory_shares: dict[str, float] = Field(default_factory=dict)
    outside_territory: int | None = Field(None, description="Members outside the declared territory, if any.")


class Cluster(BaseModel):
    cluster_id: str
    label: str
    keywords: list[Keyword]
    size: int
    quotes: list[Quote]
    members: list[Member]
    subclusters: list[Cluster] = Field(default_factory=list)
    origin: OriginBreakdown | None = None


class NoiseItem(BaseModel):
    contribution_id: str
    source_id: str
    reason: str
    reason_code: str = ""
    flags: list[str] = Field(default_factory=list, description="Participant-origin flags (issue 5).")
    weight: float = Field(1.0, description="1/N where the author gave N answers to this question.")
    closest_cluster_id: str | None = Field(
        None, description="Nearest theme, shown apart; never counted in that theme."
    )
    closest_similarity: float | None = None
    other_cluster_id: str | None = Field(
        None, description="For reason_code 'between': the second theme it sits between (issue 4)."
    )


class ExcludedItem(BaseModel):
    contribution_id: str
    source_id: str
    reason: str
    reason_code: str = ""


class CampaignMember(BaseModel):
    contribution_id: str
    source_id: str
    similarity: float | None = None
    diff: str | None = Field(None, description="What this variant changes from the template.")


class CampaignVariant(BaseModel):
    """One distinct wording inside a campaign: its exact copies (after normalisation) and how it differs."""

    text: str
    count: int
    kind: str = Field("exact", description="exact (the template) | near | semantic.")
    diff: str | None = None
    contribution_ids: list[str] = Field(default_factory=list)


class Campaign(BaseModel):
    campaign_id: str
    size: int
    distinct_authors: int
    template: str
    members: list[CampaignMember]
    kind: str = Field("exact", description="exact | near | semantic (loosest layer that joined a member).")
    first_seen: str | None = None
    last_seen: str | None = None
    densest_hour: str | None = None
    densest_hour_count: int = 0
    cluster_ids: list[str] = Field(default_factory=list)
    variants: list[CampaignVariant] = Field(
        default_factory=list, description="Distinct wordings, most copied first; the template's is first."
    )
    authors_unknown: int = Field(0, description="Members without author (each counted as a distinct author).")
    across_questions: list[str] = Field(
        default_factory=list,
        description="Ids (x1, x2…) of this campaign's texts also copied into other questions, most copied here "
        "first; each is described in the report's origin, campaigns_across_questions.",
    )


class ChoiceCount(BaseModel):
    """One option of a closed question (``synthesis.closed``): how many of its answers chose it."""

    option: str = Field(description="The option's most frequent written form.")
    count: int
    share: float = Field(description="Of the question's answers; several choices per answer add up past 1.")


class QuestionReport(BaseModel):
    question_id: str
    question_text: str
    clusters: list[Cluster]
    noise: list[NoiseItem]
    excluded: list[ExcludedItem]
    campaigns: list[Campaign] = Field(default_factory=list)
    origin: dict[str, Any] = Field(default_factory=dict)
    method: dict[str, Any] = Field(default_factory=dict, description="Clustering parameters actually used.")
    choices: list[ChoiceCount] = Field(
        default_factory=list,
        description="A closed question's options, by decreasing count (empty for a free-text question).",
    )


class Counts(BaseModel):
    rows_read: int = 0
    rejected: int = 0
    contributions: int = 0
    excluded: int = 0
    clustered: int = 0
    noise: int = 0


class EmbedderInfo(BaseModel):
    name: str
    model_id: str
    version: str
    dimension: int


class RunManifest(BaseModel):
    input_sha256: str
    settings: dict[str, Any]
    embedder: EmbedderInfo
    versions: dict[str, str]
    seed: int
    counts: Counts
    timings: dict[str, float] = Field(
        default_factory=dict, description="Seconds per stage (not deterministic)."
    )
    exclusion_counts: dict[str, int] = Field(default_factory=dict)
    import_options: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="How the file was read, where the command line knows it: the format read, and the columns "
        "and question text given (`format`, `text_column`…, `question_text`; `answers_column` a list, one "
        "column per question); the methodology's command repeats them. Empty for imports made through the API.",
    )


class RejectedRowOut(BaseModel):
    line: int
    reason: str
    reason_en: str = Field(
        "", description="The reason in English (empty for a report made before it was kept)."
    )
    file: str | None = Field(
        None, description="The file the row was read from, where the report covers several imported files."
    )


class ContributionOut(BaseModel):
    """One ingested contribution as the readable report shows it (issue 7): its verbatim text and metadata."""

    contribution_id: str
    source_id: str
    question_id: str
    text: str
    author_type: str | None = None
    zipcode: str | None = None
    created_at: str | None = None
    channel: str | None = None
    erased: bool = Field(
        False,
        description="Erased at its author's request (RGPD art. 17): it keeps its place and counts, without its "
        "text (empty), place, date or channel.",
    )


class Report(BaseModel):
    schema_version: str = SCHEMA_VERSION
    manifest: RunManifest
    rejected: list[RejectedRowOut]
    questions: list[QuestionReport]
    origin: dict[str, Any] = Field(default_factory=dict, description="Consultation-wide origin findings.")
    contributions: list[ContributionOut] = Field(
        default_factory=list,
        description="Every ingested contribution with its verbatim text, in input order (the HTML report shows them).",
    )
