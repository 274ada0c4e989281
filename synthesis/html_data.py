"""Compact contribution data for large reports (issue 7): contribution pages rendered on demand.

A pre-rendered contribution page weighs about 2.4 KB of HTML; at 100,000 contributions that is ~250 MB. Above
:data:`CONTRIBUTION_PAGES` contributions the page instead embeds one ``<script type="application/json">``
block (never executed: the CSP allows only the report's own script, by hash) holding each contribution's
text and its already-worded placement, flags and details. The report's script reads it with ``JSON.parse``
and writes every value with ``textContent``. :func:`json_for_script` escapes ``<``, ``>`` and ``&`` as
``\\u003c``… so no text can close the element.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from synthesis.html_origin import explain_flags, parse_diff, weight_text

CONTRIBUTION_PAGES = 3000  # above this many contributions, contribution pages are rendered on demand
DATA_ID = "report-data"
JS_STRINGS = (
    "contribution.title", "nav.overview", "nav.unclassified", "crumbs", "contribution.where",
    "contribution.in_theme", "contribution.in_subtheme", "why.similarity.long", "why.strength",
    "why.keywords.long", "why.keywords.none", "contribution.noise", "contribution.closest", "why.similarity",
    "contribution.closest.note", "contribution.excluded", "contribution.unplaced", "contribution.quoted",
    "contribution.flags", "flagx.campaign", "campaign.ref", "campaign.diff", "diff.removed", "diff.added",
    "contribution.no_flags", "contribution.info", "info.source_id", "info.contribution_id",
    "info.author_type", "info.zipcode", "info.created_at", "info.channel", "text.missing", "question",
    "text.erased",
    "contribution.dynamic.missing",
)  # fmt: skip


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>``, ``&`` as ``\\u003c``…"""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Index:
    """Small tables (themes, campaigns) that items refer to by position, so each id is written once."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.pos: dict[str, int] = {}

    def __call__(self, key: str, *row: str) -> int:
        if key not in self.pos:
            self.pos[key] = len(self.rows)
            self.rows.append(list(row))
        return self.pos[key]


def _placement(item: dict[str, Any], p: Any, view: Any, ctx: dict[str, Any], themes: _Index) -> None:
    num, route, shared = ctx["num"], ctx["route"], ctx["shared"]

    def theme(cl: Any) -> int:
        return themes(cl.cluster_id, route("theme", cl.cluster_id), cl.label)

    if p.theme:
        mem = p.member or p.sub_member
        item["th"] = theme(p.theme)
        if p.subtheme:
            item["st"] = theme(p.subtheme)
        if mem.similarity is not None:
            item["sim"] = num(mem.similarity, 3)
        item["str"] = num(mem.strength, 3)
        if mem.matched_keywords:
            item["kw"] = ", ".join(mem.matched_keywords)
    elif p.noise:
        n = p.noise
        item["n"] = shared(ctx["noise_reason"](n))
        if n.closest_cluster_id in view.clusters:
            item["nc"] = theme(view.clusters[n.closest_cluster_id])
            item["ns"] = num(n.closest_similarity, 3)
    elif p.excluded:
        e = p.excluded
        item["x"] = shared(ctx["exclusion_reason"](e))
    if p.quoted_in:
        item["qu"] = [theme(cl) for cl in p.quoted_in]


def _flags(item: dict[str, Any], p: Any, ctx: dict[str, Any], campaigns: _Index) -> None:
    route = ctx["route"]
    source = p.member or p.sub_member or p.noise
    flags = explain_flags(source.flags if source else [], ctx["t"], ctx["active_threshold"])
    texts = [ctx["shared"](f.text) for f in flags if not f.campaign_id]
    if texts:
        item["f"] = texts
    cps = [
        [campaigns(camp.campaign_id, route("campagne", camp.campaign_id), camp.campaign_id),
         ctx["num"](cm.similarity, 2) if cm.similarity is not None else None,
         parse_diff(cm.diff) if cm.diff else None]
        for camp, cm in p.campaigns
    ]  # fmt: skip
    if cps:
        item["cp"] = cps
    wt = weight_text(source.weight if source else None, ctx["t"], ctx["num"])
    if wt:
        item["w"] = wt


def contribution_data(view: Any, ctx: dict[str, Any], route_key: Callable[[str], str]) -> dict[str, Any]:
    """The data block: ``items`` keyed by the route suffix of each contribution, tables, and UI strings."""
    themes, campaigns, texts = _Index(), _Index(), _Index()
    ctx = dict(ctx, shared=lambda text: texts(text, text))  # repeated sentences are written once
    questions = view.report.questions
    items: dict[str, dict[str, Any]] = {}
    for cid in view.order:
        c, p = view.texts.get(cid), view.placements[cid]
        key = route_key(cid)
        item: dict[str, Any] = {"s": ctx["source_of"](cid)}
        if key != cid:
            item["id"] = cid
        if c and c.erased:
            item["e"] = 1  # erased at its author's request: no text to show
        elif c and (p.member or p.sub_member):
            item["m"] = 1  # its text is in a theme's member list: the script reads it there
        elif c:
            item["t"] = c.text
        if c:
            known_type = c.author_type and c.author_type != "unknown"
            extra = {
                "a": ctx["shared"](ctx["label"]("author", c.author_type)) if known_type else None,
                "z": c.zipcode,
                "d": c.created_at and ctx["fdate"](c.created_at),
                "ch": c.channel,
            }
            item.update({k: v for k, v in extra.items() if v is not None and v != ""})
        if len(questions) > 1:
            item["q"] = ctx["shared"](p.question.question_text or p.question.question_id)
        _placement(item, p, view, ctx, themes)
        _flags(item, p, ctx, campaigns)
        items[key] = item
    t = ctx["t"]
    return {
        "items": items,
        "themes": themes.rows,
        "campaigns": campaigns.rows,
        "shared": [row[0] for row in texts.rows],
        "strings": {k: t(k) for k in JS_STRINGS},
        "colon": ctx["colon"],
    }
