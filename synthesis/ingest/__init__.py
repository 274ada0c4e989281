"""Ingest: read a consultation export into :class:`~synthesis.records.Contribution` records and rejected rows.

One module per source format (``granddebat``, ``capcollectif``, ``decidim``, ``polis``, ``generic`` for CSV /
XLSX / JSON / JSON Lines), sniffing in ``detect``, streaming CSV in ``reader``, pseudonymisation in
``privacy``; ``flat`` gives a platform's export saved as XLSX or JSON to that platform's reader.

>>> from synthesis.ingest import Format
>>> Format("granddebat") is Format.GRANDDEBAT True
"""

from .api import iter_file, read_file
from .base import Format, IngestResult, IngestStream, RowCounts, content_hash
from .preview import preview
from .privacy import pseudonymise

__all__ = [
    "Format",
    "IngestResult",
    "IngestStream",
    "RowCounts",
    "content_hash",
    "iter_file",
    "preview",
    "pseudonymise",
    "read_file",
]
