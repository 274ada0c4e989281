"""House rule 1: imports point one way, service -> synthesis -> schemas; the runtime needs only its declared dependencies."""

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


def _runtime_distributions(name: str = "synthese-consultations") -> set[str]:
    """The distributions the project's runtime requirements pull in (extras followed, dev/bench extras not)."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    done: set[tuple[str, str]] = set()
    todo = [(canonicalize_name(name), "")]
    while todo:
        dist, extra = todo.pop()
        if (dist, extra) in done:
            continue
        done.add((dist, extra))
        for text in distribution(dist).requires or []:
            req = Requirement(text)  # a marker `extra == "x"` holds only while following that extra
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                todo += [(canonicalize_name(req.name), e) for e in ("", *req.extras)]
    return {d for d, _ in done}


def test_the_service_and_its_workers_import_with_the_runtime_dependencies_only():
    """The Docker image installs only ``dependencies``: a module that a dev or bench tool happens to bring here
    (kombu's Redis transport imports ``packaging``, pulled in by ``celery[redis]`` only) must not be needed."""
    from importlib.metadata import packages_distributions

    from packaging.utils import canonicalize_name

    allowed = _runtime_distributions()
    blocked = sorted(
        module
        for module, dists in packages_distributions().items()
        if module not in sys.stdlib_module_names and not any(canonicalize_name(d) in allowed for d in dists)
    )
    code = (
        "import importlib, sys\n"
        f"blocked = set({blocked!r})\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in blocked:\n"
        "            raise ImportError('not a runtime dependency: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "for module in ('service.main', 'service.cli', 'service.jobs.celery_app', 'service.jobs.worker',\n"
        "               'kombu.transport.redis', 'synthesis.pipeline', 'synthesis.lemmas'):\n"
        "    importlib.import_module(module)\n"
        "from synthesis.lemmas import lemma\n"
        "assert lemma('revenus') == 'revenu'\n"
    )
    assert "pytest" in blocked  # the check can fail: dev tools are blocked
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
