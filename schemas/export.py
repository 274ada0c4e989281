"""Write the JSON Schema files of the public contract: ``python -m schemas.export``."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.report import Report

SCHEMA_DIR = Path(__file__).parent


def report_schema_text() -> str:
    """The JSON Schema of :class:`schemas.report.Report`, as written to ``report.schema.json``."""
    return json.dumps(Report.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    (SCHEMA_DIR / "report.schema.json").write_text(report_schema_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
