"""Size and render time of the HTML report page (issue 7) at ~2.6k and ~100k contributions.

The large report is synthetic: every contribution, theme member, non-classée, exclusion and campaign member of
a real report is replicated ``k`` times with new ids (no pipeline run). Render time is
``synthesis.html.render_report_page`` in this process; with ``--browser``, chromium's time to load the file
and to open one contribution page is measured too (Debian's /usr/bin/chromium, Playwright).

    .venv/bin/synthese analyse sample_consultations/granddebat_fiscalite_sample.csv --out /tmp/r.json
    .venv/bin/python bench/report_page.py /tmp/r.json --target 100000 --browser
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas import Report  # noqa: E402
from synthesis.html import render_report_page, route_id  # noqa: E402

RUNS = 3


def _copy_items(items: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    return [
        dict(it, contribution_id=f"{it['contribution_id']}-r{i}") if i else it
        for i in range(k)
        for it in items
    ]


def _cluster(cl: dict[str, Any], k: int) -> None:
    cl["members"] = _copy_items(cl["members"], k)
    cl["size"] = len(cl["members"])
    for sub in cl.get("subclusters", []):
        _cluster(sub, k)


def replicate(report: Report, k: int) -> Report:
    """``report`` with every contribution ``k`` times (ids suffixed ``-r<i>``); counts follow."""
    data = report.model_dump()
    data["contributions"] = _copy_items(data["contributions"], k)
    for q in data["questions"]:
        for cl in q["clusters"]:
            _cluster(cl, k)
        q["noise"] = _copy_items(q["noise"], k)
        q["excluded"] = _copy_items(q["excluded"], k)
        for camp in q["campaigns"]:
            camp["members"] = _copy_items(camp["members"], k)
            camp["size"] = len(camp["members"])
    counts = data["manifest"]["counts"]
    for key in ("rows_read", "contributions", "excluded", "clustered", "noise"):
        counts[key] *= k
    return Report.model_validate(data)


def render_times(report: Report) -> tuple[float, str]:
    times, html = [], ""
    for _ in range(RUNS):
        start = time.perf_counter()
        html = render_report_page(report)
        times.append(time.perf_counter() - start)
    return statistics.median(times), html


def browser_times(path: Path, report: Report) -> tuple[float, float]:
    """Median seconds to load the file (``load`` event) and to show the last contribution's page."""
    from playwright.sync_api import sync_playwright

    last = report.contributions[-1].contribution_id
    loads, opens = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        for _ in range(RUNS):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load", timeout=600_000)
            loads.append(time.perf_counter() - start)
            route = route_id("contribution", last)
            start = time.perf_counter()
            page.evaluate("h => { location.hash = h; }", "#" + route)
            page.wait_for_function(
                "src => (document.querySelector('.page.active h2')?.textContent || '').endsWith(src)",
                arg=report.contributions[-1].source_id,
                timeout=600_000,
            )
            opens.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return statistics.median(loads), statistics.median(opens)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="a JSON report (synthese analyse … --out r.json)")
    parser.add_argument("--target", type=int, default=100_000, help="contributions in the synthetic report")
    parser.add_argument(
        "--browser", action="store_true", help="also time chromium (load, open a contribution)"
    )
    args = parser.parse_args()
    base = Report.model_validate_json(args.report.read_text("utf-8"))
    k = max(1, round(args.target / max(1, len(base.contributions))))
    for name, report in (("real", base), (f"x{k}", replicate(base, k))):
        seconds, html = render_times(report)
        size = len(html.encode("utf-8"))
        n = len(report.contributions)
        line = f"{name}: {n:,} contributions, {size / 1e6:.1f} MB, render {seconds:.2f} s"
        if args.browser:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "rapport.html"
                path.write_text(html, encoding="utf-8")
                load, show = browser_times(path, report)
            line += f", chromium load {load:.2f} s, open a contribution {show:.3f} s"
        print(line, flush=True)


if __name__ == "__main__":
    main()
