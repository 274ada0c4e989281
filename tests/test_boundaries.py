"""House rule 1: imports point one way, service -> synthesis -> schemas."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_synthesis_imports_without_service_fastapi_or_sqlmodel():
    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'service', 'fastapi', 'sqlmodel'}:\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import synthesis\n"
        "for m in pkgutil.walk_packages(synthesis.__path__, 'synthesis.'):\n"
        "    importlib.import_module(m.name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_schemas_import_nothing_of_the_project():
    text = "\n".join(p.read_text() for p in (REPO / "schemas").glob("*.py"))
    assert "import synthesis" not in text and "from synthesis" not in text
    assert "from service" not in text


def test_report_json_schema_file_is_up_to_date():
    from schemas.export import SCHEMA_DIR, report_schema_text

    assert (SCHEMA_DIR / "report.schema.json").read_text(encoding="utf-8") == report_schema_text(), (
        "schemas/report.schema.json is stale: run `python -m schemas.export`"
    )
