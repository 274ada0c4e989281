"""House rule 25: ruff (E, W, F, I, B, C4, UP) on the project and strict mypy on synthesis/ and schemas/."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_is_clean():
    paths = ["synthesis", "schemas", "service", "tests", "bench", "sample_consultations"]
    result = subprocess.run([BIN / "ruff", "check", *paths], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_library_and_the_contract():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "synthesis", "schemas"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
