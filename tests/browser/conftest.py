"""Browser fixtures (issue 7): the report of a real sample, and Debian's chromium driven by Playwright.

The sample: 600 real Grand Débat answers (one question, every 14th row of the file) plus two hostile
texts. The browser is /usr/bin/chromium (``scripts/install-chromium.sh``); Playwright never downloads one.
Every request other than ``file://`` is aborted and recorded, so a test can assert that the page tried no
network access.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from schemas import Report
from synthesis.html import render_report_page
from synthesis.pipeline import run
from synthesis.records import Contribution
from tests.utils.data import REPO_ROOT, SHARED_DATA, granddebat_answers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
QUESTION = "Quels sont selon vous les impôts qu'il faut baisser en priorité ?"
SAMPLE_SIZE = 600


@dataclass
class Sample:
    report: Report
    path: Path
    hostile_ids: dict[str, str]  # text -> contribution_id


@dataclass
class Watch:
    """What a page did: requests outside file://, dialogs, script errors."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sample_contributions() -> list[Contribution]:
    answers = granddebat_answers()
    step = len(answers) // SAMPLE_SIZE
    texts = answers[::step][:SAMPLE_SIZE] + list(HOSTILE)
    return [
        Contribution(
            contribution_id=f"gd-{i}",
            source_id=f"L{i * step + 2}" if i < SAMPLE_SIZE else f"H{i}",
            question_id="164",
            question_text=QUESTION,
            text=text,
            line=i + 2,
            author_ref=f"a{i % 480}",
        )
        for i, text in enumerate(texts)
    ]


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Sample:
    if not (SHARED_DATA / "granddebat").exists():
        pytest.skip(f"real data missing: {SHARED_DATA}/granddebat")
    contributions = sample_contributions()
    report = run(contributions)
    path = tmp_path_factory.mktemp("report") / "rapport.html"
    path.write_text(render_report_page(report), encoding="utf-8")
    hostile = {c.text: c.contribution_id for c in contributions if c.text in HOSTILE}
    return Sample(report, path, hostile)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("chromium missing: run `sudo bash scripts/install-chromium.sh`")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(
    browser, url: str, *, javascript: bool = True, allow: tuple[str, ...] = ("file://",), headers=None
):
    """A fresh page on ``url`` with every request outside ``allow`` aborted and recorded: (page, watch)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        java_script_enabled=javascript,
        service_workers="block",
        extra_http_headers=headers or {},
    )
    watch = Watch()

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(allow):
            route.continue_()
        else:
            watch.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()

    def on_dialog(dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.goto(url)
    return page, watch


@pytest.fixture
def report_page(browser, sample):
    page, watch = open_page(browser, sample.path.as_uri())
    yield page, watch
    page.context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """Save the page as test-artifacts/screenshots/<name>.png (whole page, or the viewport)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def exported_copy(sample: Sample, directory: Path) -> Path:
    """The exported single file, copied alone into an empty folder (as a user would save it)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "rapport-exporte.html"
    shutil.copyfile(sample.path, target)
    return target
