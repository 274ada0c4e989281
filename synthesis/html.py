"""The readable report (issue 7): one self-contained HTML file, in French (English with ``lang="en"``).

Every page (overview, themes, one theme, one contribution, campaigns, unclassified, methodology) is present
in the file as a ``<section>`` whose id is its route (``/theme/164-0``), so links work with JavaScript
disabled; the inline script only shows one page at a time, paginates and filters member lists. No network:
CSS and JS are inline, a Content-Security-Policy forbids every fetch, and the script is allowed by its hash
only, so an injected ``<script>`` or ``onerror=`` could not run even if escaping failed. Every text goes
through Jinja's autoescape.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from schemas import (
    Campaign,
    CampaignMember,
    Cluster,
    ContributionOut,
    ExcludedItem,
    Member,
    NoiseItem,
    QuestionReport,
    RejectedRowOut,
    Report,
    RunSettings,
)
from schemas.settings import CLI_OPTION_OF_SETTING
from synthesis import html_origin as words
from synthesis.campaigns import campaign_count
from synthesis.duplicates import MIN_SHARED
from synthesis.errors import SettingsError, UnsupportedLanguageError
from synthesis.html_data import CONTRIBUTION_PAGES, DATA_ID, contribution_data, json_for_script
from synthesis.html_review import REVIEWED, VERSIONS, review_entries
from synthesis.labels import names_same_words, quoted
from synthesis.plural import plural_forms
from synthesis.report import MIN_CONTENT_WORDS
from synthesis.words import text_language

LANGUAGES = ("fr", "en")
# the non classées and excluded tables show each text up to this many characters (its page shows it whole)
EXCERPT_CHARS = 200
# a quote longer than this shows its first QUOTE_EXCERPT_CHARS characters, the whole quote in a <details>: a
# République numérique theme quoted an article of law of 19,765 characters
QUOTE_FOLD_CHARS, QUOTE_EXCERPT_CHARS = 600, 400
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.:-]")


def route_id(kind: str, ident: str) -> str:
    """The route (and element id) of a page: ``/theme/164-0``; characters unsafe in ids become ``~XX``."""
    safe = _UNSAFE_ID.sub(lambda m: "".join(f"~{b:02X}" for b in m.group().encode()), ident)
    return f"/{kind}/{safe}" if ident else f"/{kind}"


@dataclass
class Placement:
    """Where one contribution went, and why (the contribution page's "où est-elle allée ?")."""

    question: QuestionReport
    theme: Cluster | None = None
    member: Member | None = None
    subtheme: Cluster | None = None
    sub_member: Member | None = None
    noise: NoiseItem | None = None
    excluded: ExcludedItem | None = None
    campaigns: list[tuple[Campaign, CampaignMember]] = field(default_factory=list)
    quoted_in: list[Cluster] = field(default_factory=list)


@dataclass
class ThemeStats:
    """A theme's size counted three ways, with and without campaigns (None where the report cannot say)."""

    contributions: int
    participants: int | None
    weighted: float
    contributions_wo: int
    weighted_wo: float
    in_campaigns: int
    counted_once: int | None = None


@dataclass
class View:
    """Everything the templates need, indexed once."""

    report: Report
    texts: dict[str, ContributionOut]
    placements: dict[str, Placement]
    clusters: dict[str, Cluster]
    parents: dict[str, Cluster]
    stats: dict[str, ThemeStats]
    campaign_ids: dict[str, set[str]]
    order: list[str]
    # sub-themes whose labels name their theme's words (no keyword of their own told them apart)
    named_as_theme: set[str] = field(default_factory=set)


def _campaign_ids(q: QuestionReport) -> set[str]:
    return {m.contribution_id for camp in q.campaigns for m in camp.members}


def theme_stats(cluster: Cluster, in_campaign: set[str]) -> ThemeStats:
    """Counts of one theme: contributions, distinct participants (from its origin), weighted share."""
    outside = [m for m in cluster.members if m.contribution_id not in in_campaign]
    origin = cluster.origin
    return ThemeStats(
        contributions=cluster.size,
        # none known where no member has an author: each would count as one
        participants=(
            origin.distinct_authors
            if origin and origin.distinct_authors and origin.authors_unknown < cluster.size
            else None
        ),
        weighted=round(
            origin.weighted if origin and origin.weighted else sum(m.weight for m in cluster.members), 2
        ),
        contributions_wo=origin.without_campaigns if origin and origin.without_campaigns else len(outside),
        weighted_wo=round(
            origin.weighted_without_campaigns
            if origin and origin.weighted_without_campaigns
            else sum(m.weight for m in outside),
            2,
        ),
        in_campaigns=cluster.size - len(outside),
        counted_once=origin.campaigns_counted_once if origin and origin.campaigns_counted_once else None,
    )


def _place_members(view: View, q: QuestionReport, theme: Cluster) -> None:
    for m in theme.members:
        view.placements.setdefault(m.contribution_id, Placement(q)).theme = theme
        view.placements[m.contribution_id].member = m
    for sub in theme.subclusters:
        view.parents[sub.cluster_id] = theme
        for m in sub.members:
            placement = view.placements.setdefault(m.contribution_id, Placement(q, theme=theme))
            placement.subtheme, placement.sub_member = sub, m


def build_view(report: Report) -> View:
    """Index the report: contribution → placement, cluster id → cluster, theme counts."""
    view = View(report, {c.contribution_id: c for c in report.contributions}, {}, {}, {}, {}, {}, [])
    for q in report.questions:
        view.campaign_ids[q.question_id] = in_campaign = _campaign_ids(q)
        for theme in q.clusters:
            _place_members(view, q, theme)
            view.named_as_theme.update(
                sub.cluster_id for sub in theme.subclusters if names_same_words(sub.label, theme.label)
            )
            for cl in [theme, *theme.subclusters]:
                view.clusters[cl.cluster_id] = cl
                view.stats[cl.cluster_id] = theme_stats(cl, in_campaign)
                for quote in cl.quotes:
                    view.placements.setdefault(quote.contribution_id, Placement(q)).quoted_in.append(cl)
        for n in q.noise:
            view.placements.setdefault(n.contribution_id, Placement(q)).noise = n
        for e in q.excluded:
            view.placements.setdefault(e.contribution_id, Placement(q)).excluded = e
        for camp in q.campaigns:
            for cm in camp.members:
                view.placements.setdefault(cm.contribution_id, Placement(q)).campaigns.append((camp, cm))
    # Input order first, then any contribution the report places but does not carry (older reports).
    view.order = [c.contribution_id for c in report.contributions if c.contribution_id in view.placements]
    seen = set(view.order)
    view.order += [cid for cid in view.placements if cid not in seen]
    return view


def question_total(q: QuestionReport) -> int:
    """Contributions of a question that were analysed: in a theme or non classées (not the excluded)."""
    return sum(cl.size for cl in q.clusters) + len(q.noise)


def theme_maxima(view: View, q: QuestionReport) -> tuple[float, float, float]:
    """The largest theme of ``q`` in contributions, participants and weighted (the chart's 100 %)."""
    stats = [view.stats[cl.cluster_id] for cl in q.clusters]
    return (
        max((s.contributions for s in stats), default=0),
        max((s.participants or 0 for s in stats), default=0),
        max((s.weighted for s in stats), default=0.0),
    )


def reproduce_command(report: Report) -> str:
    """The CLI line that re-runs this analysis: the import's options where the manifest has them
    (``import_options``), then every setting that differs from its default, with its own option or, for the
    others (a run through the API may set any), in ``--settings`` as JSON."""
    parts = ["synthese analyse FICHIER"]
    for name, value in report.manifest.import_options.items():  # --format, --text-column…, --question-text
        for one in [value] if isinstance(value, str) else value:  # --answers-column, once per question
            parts.append(f"--{name.replace('_', '-')} {shlex.quote(one)}")
    parts.append(f"--seed {report.manifest.seed}")
    defaults = RunSettings().model_dump()
    changed = {
        name: value
        for name, value in report.manifest.settings.items()
        if name in defaults and name != "random_state" and value != defaults[name]
    }
    for name, option in CLI_OPTION_OF_SETTING.items():
        if name in changed:
            parts.append(f"{option} {shlex.quote(str(changed.pop(name)))}")
    if changed:
        parts.append(f"--settings {shlex.quote(json.dumps(changed, ensure_ascii=False))}")
    parts.append("--out rapport.html")
    return " ".join(parts)


def _source_of(view: View, cid: str) -> str:
    if cid in view.texts:
        return view.texts[cid].source_id
    p = view.placements.get(cid)
    item = p and (p.member or p.sub_member or p.noise or p.excluded)
    return item.source_id if item else cid


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    text = (files("synthesis") / "static" / "i18n.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """The inline CSS, the inline JS and the JS's CSP hash."""
    static = files("synthesis") / "static"
    css = static.joinpath("report.css").read_text("utf-8")
    js = static.joinpath("report.js").read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return css, js, digest


def _number(value: float | int | None, lang: str = "fr", digits: int = 0) -> str:
    """12 345 (fr) / 12,345 (en); '—' for unknown."""
    if not isinstance(value, int | float):  # None, or a value missing from an older report
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _percent(part: float, whole: float, lang: str = "fr") -> str:
    if not whole:
        return "—"
    # French puts a (no-break) space before the sign, English none: "21,2 %", "21.2%"
    return _number(100.0 * part / whole, lang, 1) + ("%" if lang == "en" else "\u00a0%")


def _width(part: float | None, whole: float | None) -> str:
    """A bar's width as a CSS percentage (0-100), for inline ``style``: numbers only, never text."""
    if not part or not whole:
        return "0%"
    return f"{min(100.0, 100.0 * part / whole):.2f}%"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("synthesis", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(route=route_id, width=_width)
    return env


def _label(strings: dict[str, str], prefix: str, key: Any) -> str:
    """A translated label for a code (``author.citizen``), or the code itself."""
    return strings.get(f"{prefix}.{key}", str(key))


def check_language(lang: str, given_as: str = "") -> None:
    """Raise :class:`UnsupportedLanguageError` unless the report page is written in ``lang``; ``given_as``
    names how the user gave it (the command line's ``"--lang "``)."""
    if lang not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"Langue non prise en charge : {given_as}{lang!r} (choisir fr ou en).",
            f"Unsupported language: {given_as}{lang!r} (choose fr or en).",
            value=lang,
        )


def render_report_page(
    report: Report,
    *,
    lang: str = "fr",
    review: Sequence[Mapping[str, Any]] | None = None,
    review_version: str = REVIEWED,
    contribution_pages: int = CONTRIBUTION_PAGES,
) -> str:
    """Render ``report`` as one self-contained HTML page.

    Parameters
    ----------
    report : schemas.Report
        The report; its ``contributions`` give the verbatim texts shown on contribution pages.
    lang : {"fr", "en"}
        Language of the page's own words (contribution texts and pipeline reasons stay as they are).
    review : sequence of mappings, optional
        The review history (``created_at``, ``actor``, ``action``, ``payload``; optionally ``before``,
        ``carried_from``), shown in a "Relecture" page with its own nav entry. None: no such page.
    review_version : {"reviewed", "automatic"}
        Which version of the report this page shows (said in the header and the "Relecture" page).
    contribution_pages : int
        Above this many contributions, contribution pages are not pre-rendered: they are built on demand
        from a compact embedded JSON block (see :mod:`synthesis.html_data`).

    Returns
    -------
    str
        The HTML document (UTF-8 text), with no external reference.
    """
    check_language(lang)
    if review_version not in VERSIONS:
        raise SettingsError(
            f"Version du rapport inconnue : {review_version!r} (choisir reviewed ou automatic).",
            f"Unknown report version: {review_version!r} (choose reviewed or automatic).",
            value=review_version,
        )
    context = _context(report, lang)
    view = context["view"]
    compact = len(view.order) > contribution_pages
    context.update(
        review=None
        if review is None
        else review_entries(review, view.clusters, context["t"], context["fdate"], lang),
        review_version=review_version if review is not None else None,
        compact=compact,
        data_id=DATA_ID,
        data_json=json_for_script(contribution_data(view, context, _route_key)) if compact else None,
    )
    return _env().get_template("report.html.j2").render(**context)


def _route_key(cid: str) -> str:
    """The part of a contribution's route after ``/contribution/`` (the data block's key)."""
    return route_id("contribution", cid)[len("/contribution/") :]


def data_language(view: View, lang: str) -> str:
    """The language of the contributions' words (their texts, the question, the themes' labels and keywords)
    where it is known and not the page's ``lang`` (a French consultation on the English page), else "": the
    elements holding them are marked with it (RGAA 8.7: every change of language is marked)."""
    language = text_language([c.text for c in view.texts.values()])
    return language if language and language != lang else ""


def _context(report: Report, lang: str) -> dict[str, Any]:
    """The template's variables and helpers (translation, numbers, routes, origin in words)."""
    strings = _strings()[lang]
    css, js, js_hash = _assets()
    view = build_view(report)
    language = data_language(view, lang)
    campaigns = [camp for q in report.questions for camp in q.campaigns]
    threshold = report.manifest.settings.get("active_author_threshold")

    def t(key: str, **values: Any) -> str:
        text = strings.get(key, key)
        return plural_forms(text, values, lang).format(**values) if values else text

    def num(v: float | int | None, digits: int = 0) -> str:
        return _number(v, lang, digits)

    def noise_reason(n: NoiseItem, marked: bool = False) -> str:
        """Why ``n`` is « non classée »: the pipeline's French reason, or its translation with the themes named;
        ``marked``: as HTML, the French reason or the themes' labels marked with their language."""
        if lang == "fr" or not n.reason_code:
            return (
                Markup('<span lang="fr">{}</span>').format(n.reason) if marked and lang != "fr" else n.reason
            )
        a, b = (view.clusters.get(cid or "") for cid in (n.closest_cluster_id, n.other_cluster_id))
        key = f"noise.{n.reason_code}"
        values: dict[str, Any] = {
            "a": quoted(a.label) if a else "—",
            "b": quoted(b.label) if b else "—",
            "n": MIN_CONTENT_WORDS,
        }
        if not (marked and language):
            return t(key, **values)
        for name, cl in (("a", a), ("b", b)):
            if cl:
                values[name] = Markup('<span lang="{}">{}</span>').format(language, values[name])
        return Markup(escape(plural_forms(strings.get(key, key), values, lang))).format(**values)

    def label(prefix: str, key: Any) -> str:
        return _label(strings, prefix, key)

    def t_words(key: str, q: str) -> str:
        """``t(key, q=q)`` where ``q`` holds the contributions' words (a question): marked with their language."""
        if not language:
            return t(key, q=q)
        before, after = t(key, q="\x00").split("\x00", 1)
        return escape(before) + Markup('<span lang="{}">{}</span>').format(language, q) + escape(after)

    def exclusion_reason(e: ExcludedItem) -> str:
        """Why ``e`` is excluded: the pipeline's French reason, or its translation by code."""
        return label("exclusion", e.reason_code) if e.reason_code and lang != "fr" else e.reason

    def rejected_reason(r: RejectedRowOut) -> str:
        """Why row ``r`` was rejected, in the page's language where the import said it so."""
        return r.reason_en if lang == "en" and r.reason_en else r.reason

    def territory_name(code: str) -> str:
        return words.territory_name(code, t)

    return {
        "report": report,
        "m": report.manifest,
        "view": view,
        "lang": lang,
        "data_language": language,
        "data_lang": Markup(' lang="{}"').format(language) if language else "",
        "t": t,
        "t_words": t_words,
        "known": strings,
        "label": label,
        "noise_reason": noise_reason,
        "exclusion_reason": exclusion_reason,
        "rejected_reason": rejected_reason,
        "namer": lambda prefix: partial(label, prefix),
        "num": num,
        "pct": lambda part, whole: _percent(part, whole, lang),
        "route": route_id,
        "excerpt_chars": EXCERPT_CHARS,
        "quote_fold_chars": QUOTE_FOLD_CHARS,
        "quote_excerpt_chars": QUOTE_EXCERPT_CHARS,
        # French sets a space before ":" and ";" (no line break there), English none
        "colon": "\u00a0: " if lang == "fr" else ": ",
        "semicolon": "\u00a0; " if lang == "fr" else "; ",
        "source_of": lambda cid: _source_of(view, cid),
        "n_themes": sum(len(q.clusters) for q in report.questions),
        # a text copied into several questions is one campaign, as the report's origin counts them
        "campaign_count": campaign_count(report.questions),
        "across": {str(a.get("id")): a for a in (report.origin or {}).get("campaigns_across_questions", [])},
        "campaign_members": len({m.contribution_id for camp in campaigns for m in camp.members}),
        "campaigns_by_id": {camp.campaign_id: camp for camp in campaigns},
        "active_threshold": threshold if threshold is not None else "N",
        "q_total": question_total,
        "theme_maxima": lambda q: theme_maxima(view, q),
        "loop_id": lambda ident: _UNSAFE_ID.sub("_", ident),
        "distribution": partial(words.distribution, t=t),
        "territory_name": territory_name,
        "top_territories": words.TOP_TERRITORIES,  # a flagged list longer than this is folded
        "top_campaigns": words.TOP_CAMPAIGNS,
        "campaign_min_shared": MIN_SHARED,  # not a run setting: the detector's own constant
        "channel_name": str,
        "participation": lambda data: words.participation(data, t),
        "bursts": lambda data: words.bursts(data, lang),
        "fdate": lambda v: words.format_datetime(v, lang),
        "parse_diff": words.parse_diff,
        "explain_flags": lambda flags: words.explain_flags(flags, t, threshold),
        "weight_text": lambda w: words.weight_text(w, t, num),
        "flag_badges": lambda flags: words.flag_badges(flags, t),
        "reproduce": reproduce_command(report),
        "css": css,
        "js": js,
        "js_hash": js_hash,
    }
