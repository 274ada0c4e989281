"""Settings of one synthesis run and the column mapping of generic imports."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# Upper bounds of the settings that size the work of a run (a run holds a runner until it ends): generous
# against every default and rule of synthesis.cluster, small enough that no request can keep a runner for days.
MAX_MIN_CLUSTER_SIZE = 10_000
MAX_MIN_SAMPLES = 1_000
MAX_UMAP_EPOCHS = 1_000
MAX_FIT_MAX = 200_000
MAX_EMBED_WORKERS = 64
MAX_COUNT = 1_000_000  # thresholds counted in answers or words: no larger value means anything


# The run settings that ``synthese analyse`` sets with an option of their own; it takes every other one in
# ``--settings`` (a JSON object), and the report's "reproduce" command writes them so.
CLI_OPTION_OF_SETTING = {
    "random_state": "--seed",
    "embedder": "--embedder",
    "embedder_model": "--model",
    "min_cluster_size": "--min-cluster-size",
    "fit_max": "--fit-max",
    "umap_epochs": "--umap-epochs",
}


class RunSettings(BaseModel):
    """Every knob of a synthesis run; recorded whole in the RunManifest.

    ``None`` on a size parameter means "chosen by rule from the number of contributions" (see
    ``synthesis.cluster``); the value actually used is recorded in the manifest's ``settings``.
    """

    model_config = ConfigDict(extra="forbid")

    embedder: str = Field("use-multilingual", description="Embedding backend name (see synthesis.embed).")
    embedder_model: str | None = Field(
        None, description="Model id or local path for the sentence-transformers backend."
    )
    random_state: int = Field(
        0,
        ge=0,
        le=2**32 - 1,
        description="The one seed given to every random step (numpy's range: 0 to 2**32 - 1).",
    )
    n_components: int = Field(5, ge=2, le=100, description="Dimensions after reduction (UMAP).")
    n_neighbors: int = Field(15, ge=2, le=200, description="UMAP neighbours.")
    min_cluster_size: int | None = Field(
        None,
        ge=2,
        le=MAX_MIN_CLUSTER_SIZE,
        description="HDBSCAN min_cluster_size; None = by rule (5 to 200). At most 10,000: a theme needs that "
        "many answers.",
    )
    min_samples: int | None = Field(
        None,
        ge=1,
        le=MAX_MIN_SAMPLES,
        description="HDBSCAN min_samples; None = by rule (5). At most 1,000: each point's core distance is "
        "its min_samples-th neighbour's, searched for every point.",
    )
    cluster_selection_method: Literal["eom", "leaf"] = "eom"
    subclusters: bool = Field(True, description="Split each theme into sub-themes (second level).")
    max_themes: int = Field(
        30,
        ge=2,
        le=200,
        description="Most top-level themes per question; close themes merge into sub-themes.",
    )
    noise_policy: bool = Field(
        True,
        description="Let a noise item join a theme when it is clearly inside it (neighbour vote and distance "
        "threshold, see synthesis.cluster) or says the same words as members of it (a short answer, articles "
        "and 'and' aside; such answers are all in the theme holding most of them); the others stay "
        "'non classées'.",
    )
    umap_epochs: int | None = Field(
        None,
        ge=10,
        le=MAX_UMAP_EPOCHS,
        description="UMAP optimisation epochs; None = by rule (200 up to 5,000 fitted points, 100 up to 15,000, "
        "else 50: synthesis.cluster). At most 1,000 (UMAP's own rule never asks more than 500); the layout's "
        "time grows with them.",
    )
    fit_max: int = Field(
        30_000,
        ge=1000,
        le=MAX_FIT_MAX,
        description="Above this many texts in a question (copies counted up to min_samples), UMAP and HDBSCAN "
        "are fitted on a seeded sample of at most that size and each other text takes the theme of most of its "
        "nearest fitted texts, or meets the noise policy's rule (synthesis.cluster); smaller is faster and, at "
        "scale, further from a full fit; above 30,000 the neighbour search is approximate (NN-descent). At most "
        "200,000: UMAP and HDBSCAN on more points take hours on one run; larger questions are sampled.",
    )
    n_keywords: int = Field(10, ge=1, le=50)
    n_quotes: int = Field(5, ge=3, le=5)
    campaign_min_size: int = Field(
        5,
        ge=2,
        le=MAX_COUNT,
        description="Smallest group of copies reported as a campaign, in contributions and in distinct authors "
        "(one author repeating a text is a very active author, not a campaign).",
    )
    campaign_min_words: int = Field(
        15,
        ge=1,
        le=MAX_COUNT,
        description="Shortest campaign template, in words: shorter identical answers are convergent.",
    )
    campaign_near_threshold: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Jaccard similarity (word pairs) from which two texts are near-duplicates.",
    )
    campaign_semantic_threshold: float | None = Field(
        0.9,
        gt=0,
        le=1,
        description="Cosine from which a lone text joins a copied one; None disables the layer.",
    )
    active_author_threshold: int = Field(
        3,
        ge=2,
        le=MAX_COUNT,
        description="An author with more than this many contributions to one question is 'very active'.",
    )
    territory: list[str] = Field(
        default_factory=list,
        description="Declared territory of the consultation: département codes, régions written R<code>, INSEE "
        "commune codes (75056 for all of Paris), postcodes, commune names borne in one département or written "
        "with it ('Saint-Denis (93)', 'Paris 15e'), département or région names (a former région, 'Alsace', is "
        "its départements), overseas collectivities ('988', 'Nouvelle-Calédonie'); a code that is both a "
        "postcode and another commune's INSEE code (13100) is read as a postcode unless the other codes are "
        "INSEE codes only, or as written 'INSEE 13100' / 'CP 13100'; a code naming no place is listed in the "
        "report.",
    )
    reference_population: dict[str, int] = Field(
        default_factory=dict,
        description="Territory -> population given with the consultation (départements, 'R'+région, communes or "
        "postcodes); empty = INSEE populations légales per département.",
    )
    embed_workers: int = Field(
        0,
        ge=0,
        le=MAX_EMBED_WORKERS,
        description="Processes that embed new texts; 0 = auto (available cores). Never changes the result. "
        "At most 64 (never more than the available cores are started).",
    )


class ColumnMapping(BaseModel):
    """Which column of a generic export holds what (CSV, XLSX, JSON, JSON Lines)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="Column holding the free-text contribution (one per row).")
    answers: list[str] | None = Field(
        None,
        description="Instead of `text`, for a questionnaire export (one row per participant, one column per "
        "question, as Google Forms, Microsoft Forms, LimeSurvey, Framaforms or a Decidim survey write it): the "
        "columns of the questions, in file order. Each non-blank cell is one contribution answering the "
        "question its header asks (question id: the column's rank in this list, from 1).",
        max_length=1000,
    )
    id: str | None = Field(None, description="Column holding the export's own identifier of the row.")
    author: str | None = None
    author_type: str | None = None
    postcode: str | None = None
    date: str | None = None
    question: str | None = Field(None, description="Column holding the question (or theme) the row answers.")
    channel: str | None = None

    @model_validator(mode="after")
    def _one_text_shape(self) -> ColumnMapping:
        # error types that the service's messages translate (service.errors._VALIDATION_MESSAGES)
        if (self.text is None) == (not self.answers):
            raise PydanticCustomError("mapping_text_or_answers", "`text` or `answers` is required, not both")
        if self.answers and self.question is not None:
            raise PydanticCustomError(
                "mapping_question_with_answers",
                "`question` cannot go with `answers`: each column is a question",
            )
        if self.answers and len(set(self.answers)) < len(self.answers):
            raise PydanticCustomError("mapping_answers_twice", "a column is named twice in `answers`")
        return self

    def columns(self) -> list[tuple[str, str]]:
        """Every mapped column as ``(field, column)``, the answers' columns each as ``("answers", column)``."""
        named = [
            (field, col) for field, col in self.model_dump(exclude={"answers"}).items() if col is not None
        ]
        return named + [("answers", col) for col in self.answers or ()]
