"""The synthesis library: ingest, prepare, embed, cluster, explain, origin, report.

Pure library: never imports ``service``, ``fastapi`` or ``sqlmodel``.
"""

__version__ = "0.1.0"
