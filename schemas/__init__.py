"""Public contract of the service: pydantic models for the Report, the RunManifest and the run settings.

``schemas`` depends on nothing else in the project; ``synthesis`` and ``service`` both import it.
"""

from schemas.report import (
    SCHEMA_VERSION,
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
from schemas.settings import ColumnMapping, RunSettings

__all__ = [
    "SCHEMA_VERSION",
    "Campaign",
    "CampaignMember",
    "Cluster",
    "ColumnMapping",
    "ContributionOut",
    "Counts",
    "EmbedderInfo",
    "ExcludedItem",
    "Keyword",
    "Member",
    "NoiseItem",
    "QuestionReport",
    "Quote",
    "RejectedRowOut",
    "Report",
    "RunManifest",
    "RunSettings",
]
