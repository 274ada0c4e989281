"""Self-contained French HTML rendering of a Report (no network, no CDN; every text autoescaped)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from schemas import Report


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("synthesis", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_page(report: Report) -> str:
    """One HTML page holding the whole report."""
    return _env().get_template("report.html.j2").render(report=report, m=report.manifest)
