"""The README's commands work as written (house rule 24: docs are tested)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.utils.data import REPO_ROOT, SAMPLES

README = REPO_ROOT / "README.md"
# Safety nets only (a hung server or run must not hang the suite); nothing asserts on durations.
START_TIMEOUT_S = 60
SESSION_TIMEOUT_S = 300


def sh_block(after: str) -> str:
    """The first ```sh block of the README after the line holding ``after``."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"```sh\n(.*?)```", text[text.index(after) :], re.S)
    assert match, f"no sh block after {after!r}"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(log.read_text())
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"uvicorn start: still waiting after {START_TIMEOUT_S} s")


def demo_consultation(url: str) -> None:
    """What `make run` leaves: a « Démo » tenant whose consultation (and run) hold the ids 1."""
    from sqlmodel import Session

    from service import crud
    from service.core.db import make_engine, upgrade_database

    engine = make_engine(url)
    upgrade_database(engine)
    with Session(engine) as session:
        tenant = crud.create_tenant(session=session, name="Démo")
        crud.create_consultation(session=session, tenant_id=tenant.id, title="Démo", description=None)
        session.commit()
    engine.dispose()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's session uses curl")
def test_readme_api_session_runs_as_written(tmp_path):
    # the session wrote the ids 1 into its addresses: after `make run` (whose demo consultation is id 1, in
    # another tenant) its import answered 404 « Consultation 1 introuvable », and so did every later step
    pytest.importorskip("service.main")
    url = f"sqlite:///{tmp_path / 'data' / 'synthese.db'}"
    (tmp_path / "data").mkdir()
    demo_consultation(url)
    lines = (SAMPLES / "granddebat_fiscalite_sample.csv").read_text(encoding="utf-8").splitlines(True)
    (tmp_path / "export.csv").write_text("".join(lines[:41]), encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "test", "PYTHONPATH": str(REPO_ROOT)}
    env.pop("BROKER_URL", None)
    port = free_port()
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.main:create_app", "--factory", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server, log)
        cli = f"{sys.executable} -c 'from service.cli import app; app()'"
        script = (
            sh_block("A typical session with the API")
            .replace(".venv/bin/synthese", cli)
            .replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
        )
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=SESSION_TIMEOUT_S,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "succeeded" in done.stdout.splitlines()
    assert '"url":"/r/' in done.stdout
    assert (tmp_path / "rapport.html").read_text(encoding="utf-8").startswith("<!doctype html>")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_alone_says_what_each_target_does():
    # `make` alone ran the first rule, .venv/bin/python: it made a virtual environment and said nothing, and
    # only run and test said what they do
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    phony = re.search(r"^\.PHONY:(.*)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert phony
    said = dict(re.findall(r"^  make ([\w-]+): (.+)$", done.stdout, re.M))
    assert sorted(said) == sorted(phony.group(1).split())
    assert all(len(text) > 20 for text in said.values())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the README makes the key with openssl")
def test_readme_deployment_makes_its_secret_once_and_keeps_it(tmp_path):
    # "PSEUDONYM_SECRET=$(openssl rand -hex 32) docker compose up" made a new key at each start: the same
    # authors got new pseudonyms, and a later `docker compose up` without it refused to start
    block = sh_block("### Scaled deployment")
    setup = "\n".join(line for line in block.splitlines() if not line.startswith("docker "))
    assert "docker compose up" in block and "PSEUDONYM_SECRET=$(" not in block
    made = []
    for _ in range(2):  # the second start reuses the key
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", setup], cwd=tmp_path, capture_output=True)
        assert done.returncode == 0, done.stderr
        made.append((tmp_path / ".env").read_text())
    env = made[0]
    assert made[1] == env
    assert re.search(r"^PSEUDONYM_SECRET=[0-9a-f]{64}$", env, re.M)
    assert re.search(r"^POSTGRES_PASSWORD=\S{16,}$", env, re.M)
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0


def test_readme_names_the_api_description_and_its_page():
    # the README sent to /docs only, with no word of /openapi.json, the description tools read
    readme = README.read_text(encoding="utf-8")
    assert "`/openapi.json`" in readme and "`/docs`" in readme
