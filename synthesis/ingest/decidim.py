"""Decidim open-data exports (``;``-separated): proposals, debates, and comments on either.

Both column shapes are read: ``title`` / ``body`` and the localised ``title/fr`` / ``body/fr``; a row whose
French cell is empty (or a file without French) gives the text of the first other locale that has one
(``body/es``: the text as its author wrote it, never ``body/machine_translations/…``). Rich-text bodies (HTML)
are reduced to text.
- **Comments** answer their root debate or proposal (= the question): a reply (``commentable_type`` =
  ``Decidim::Comments::Comment``) follows its parent chain; when the parent is not in the file, the root is
  read from ``root_commentable_url``. ``question_id`` is ``debate-<id>`` / ``proposal-<id>``;
  ``question_text`` is the root's title when a debates / proposals export is given in ``related`` (by default:
  the other Decidim files of the same folder), matched by URL (or by id when the comment has no URL), else
  ``Débat n° <id>`` (or the title the caller knew already: ``RowSource.titles``, the consultation's earlier
  imports in the service). An unreadable side file only costs its titles: a warning naming it goes to
  ``extras["warnings"]`` and the log.
- **Proposals** answer their category (``category-<id>``; from 0.30, which replaced categories with
  taxonomies, their first taxonomy: ``taxonomy-<id>``; ``proposals`` when there is none). A proposal its
  author withdrew (``withdrawn`` true from 0.28, ``state`` ``withdrawn`` before) is kept and excluded with
  :data:`WITHDRAWN_REASON`; its ``state`` (accepted, rejected, evaluating…) is kept in ``extra``. Versions 0.23
  to 0.27 write no ``created_at``: the date is then ``published_at``.
- **Debates** (usually the organisers' questions) answer their component.

A file without its text column (``body``; ``description`` for debates) is refused with an error naming it and
the columns found. ``user_group/*`` non-empty (posted on behalf of an organisation) gives
``AuthorType.ORGANISATION`` and ``extra["organisation"]``; an official proposal or debate (its ``author/url``
the site's root: the organisation running the platform) ``AuthorType.ELECTED_OR_INSTITUTION``; ``alignment``
(1 pour, 0 neutre, -1 contre) and ``depth`` are kept in ``extra``.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from synthesis.errors import InputFileError
from synthesis.records import AuthorType, Contribution, RejectedRow

from .base import RowOutcome, RowSource
from .common import (
    Getter,
    first_written,
    join_title_body,
    localised_columns,
    named_records,
    truthy,
)
from .generic import missing_text_column
from .privacy import author_ref

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK = re.compile(r"</(p|div|li|h\d)>|<br\s*/?>", re.IGNORECASE)
# Every commentable resource of the Decidim modules: its class (commentable_type), the path segment of its URL
# (root_commentable_url) and its name in a question's label when no side file gives its title
_COMMENTABLES = (
    ("Decidim::Debates::Debate", "debates", "debate", "Débat"),
    ("Decidim::Proposals::Proposal", "proposals", "proposal", "Proposition"),
    ("Decidim::Proposals::CollaborativeDraft", "collaborative_drafts", "collaborative_draft", "Brouillon"),
    ("Decidim::Meetings::Meeting", "meetings", "meeting", "Réunion"),
    ("Decidim::Budgets::Project", "projects", "project", "Projet"),
    ("Decidim::Accountability::Result", "results", "result", "Résultat"),
    ("Decidim::Blogs::Post", "posts", "post", "Article"),
    ("Decidim::Sortitions::Sortition", "sortitions", "sortition", "Tirage au sort"),
    ("Decidim::Initiative", "initiatives", "initiative", "Initiative"),
    ("Decidim::Conference", "conferences", "conference", "Conférence"),
)
_KINDS = {cls: kind for cls, _, kind, _ in _COMMENTABLES}
_URL_KINDS = {segment: kind for _, segment, kind, _ in _COMMENTABLES}
_LABELS = {kind: label for _, _, kind, label in _COMMENTABLES}


def root_label(kind: str, root_id: str) -> str:
    """The question text of the comments on debate or proposal ``root_id`` when no export names it by its title:
    "Proposition n° 7" (the service uses it too once the proposal is erased at its author's request)."""
    return f"{_LABELS.get(kind, kind.capitalize())} n° {root_id}"


_log = logging.getLogger(__name__)
WITHDRAWN_REASON = "proposition retirée par son auteur sur la plateforme (withdrawn)"


def plain_text(value: str) -> str:
    """Text of a rich-text field: tags removed, entities decoded (plain text is returned unchanged)."""
    if "<" not in value or not _TAG.search(value):
        return value
    return html.unescape(_TAG.sub("", _BLOCK.sub("\n", value))).replace("\xa0", " ").strip()


#: Decidim exports that hold the organisers' content, no participant's contribution (French, English)
NOT_CONTRIBUTIONS = {
    "meetings": ("l'export des réunions", "the meetings export"),
    "results": ("l'export des résultats (suivi des réalisations)", "the results (accountability) export"),
    "projects": ("l'export des projets d'un budget participatif", "the participatory budget projects export"),
}


def not_contributions_error(name: str, kind: str) -> InputFileError:
    """The error for a Decidim export of the organisers' content (``kind`` in :data:`NOT_CONTRIBUTIONS`)."""
    fr, en = NOT_CONTRIBUTIONS[kind]
    return InputFileError(
        f"« {name} » est {fr} de Decidim : il décrit ce que les organisateurs ont publié, aucune contribution "
        "des participants. Importez les exports des propositions, des débats ou des commentaires.",
        f"'{name}' is {en} of Decidim: it describes what the organisers published, no participant's "
        "contribution. Import the proposals, debates or comments exports.",
        value=name,
    )


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """One contribution per comment, proposal or debate row (an export of the organisers' content is refused)."""
    if source.kind in NOT_CONTRIBUTIONS:
        raise not_contributions_error(source.path.name, source.kind)
    build = {"comments": _comment_builder, "debates": _debate_builder}.get(source.kind, _proposal_builder)(
        source
    )
    for record in named_records(source):
        if isinstance(record, RejectedRow):
            yield record
            continue
        line, _, get = record
        outcome = build(line, get)
        yield outcome if isinstance(outcome, RejectedRow) else [outcome]


def _author(get: Getter, secret: bytes, group_names: list[str]) -> dict[str, Any]:
    """Pseudonym, type and organisation of a row's author.

    ``user_group/*`` filled: posted on behalf of a group (``group_names``: the group name's columns, in any
    locale). Every ``author/url`` the site's root: the organisation running the platform wrote it (an
    official proposal or debate; ``author_url`` gives a user's profile, a meeting's page, or the root for the
    organisation itself), so an institution. ``author/id`` lists co-authors ("12, 34"): the first, who
    created it, is the author.
    """
    organisation = first_written(get, group_names).strip()
    is_group = bool(get("user_group/id").strip() or organisation)
    urls = [u.strip() for u in get("author/url").split(",") if u.strip()]
    official = bool(urls) and all(urlsplit(u).path in ("", "/") for u in urls)
    extra: dict[str, Any] = {"organisation": organisation} if organisation else {}
    if official:
        extra["official"] = True
    ids = get("author/id").strip()
    if "," in ids and all(part.strip().isdigit() for part in ids.split(",")):
        extra["coauthors"] = len(ids.split(","))
        ids = ids.split(",")[0].strip()
    # "author_id" in the debates exports before 0.27, "author/id" everywhere else: one participant, one pseudonym;
    # the Open Source Politics fork (OpenSourcePolitics/decidim) names a debate's author by profile URL, and a
    # proposal's, in its admin export, by nickname ("authors/nicknames", co-authors joined with ",")
    nickname = get("authors/nicknames").split(",")[0].strip()
    kind = AuthorType.ORGANISATION if is_group else AuthorType.UNKNOWN
    return {
        "author_ref": author_ref(
            ids
            or get("author_id")
            or get("author_url")
            or nickname
            or get("author/name")
            or get("user/name"),
            secret,
        ),
        "author_type": AuthorType.ELECTED_OR_INSTITUTION if official else kind,
        "extra": extra,
    }


def _comment_builder(source: RowSource) -> Callable[[int, Getter], Contribution | RejectedRow]:
    body_cols = text_column(source, "body", ("l'export Decidim de commentaires", "Decidim comments export"))
    group_names = localised_columns(source.columns, "user_group/name")
    titles = source.titles | related_titles(source.related, source.extras)  # the files beside it win
    roots: dict[str, tuple[str, str, str]] = {}  # comment id -> (kind, root id, root url)

    def build(line: int, get: Getter) -> Contribution | RejectedRow:
        cid = get("id").strip()
        parent_type, parent_id = get("commentable_type").strip(), get("commentable_id").strip()
        url = get("root_commentable_url").strip()
        if parent_type == "Decidim::Comments::Comment":
            root = roots.get(parent_id) or _root_from_url(url)
        else:
            root = (
                _KINDS.get(parent_type, parent_type.rsplit("::", 1)[-1].lower() or "objet"),
                parent_id,
                url,
            )
        if root is None or not root[1]:
            return RejectedRow(
                line,
                f"réponse au commentaire {parent_id} absent du fichier : débat ou proposition introuvable",
                f"reply to comment {parent_id}, absent from the file: debate or proposal not found",
            )
        roots[cid] = root
        kind, root_id, root_url = root
        author = _author(get, source.secret, group_names)
        extra = author.pop("extra") | {"kind": "comment", "root": f"{kind}-{root_id}"}
        for key in ("alignment", "depth"):
            if (value := get(key).strip()).lstrip("-").isdigit():
                extra[key] = int(value)
        if parent_type == "Decidim::Comments::Comment":
            extra["parent_id"] = parent_id
        label = root_label(kind, root_id)  # when no related export names it
        return Contribution(
            contribution_id=f"comment-{cid or f'ligne-{line}'}",  # as proposals and debates: never another's id
            source_id=cid or f"ligne-{line}",
            question_id=f"{kind}-{root_id}",
            question_text=titles.get(root_url if root_url else f"{kind}-{root_id}") or label,
            text=plain_text(first_written(get, body_cols)),
            line=line,
            created_at=get("created_at").strip() or None,
            extra=extra,
            **author,
        )

    return build


def text_column(source: RowSource, base: str, export: tuple[str, str]) -> list[str]:
    """The (possibly localised) columns of ``base``, best first (:func:`.common.localised_columns`); an error
    naming it and the columns found when there is none."""
    columns = localised_columns(source.columns, base)
    if not columns:
        raise missing_text_column(source.path.name, export, base, source.columns)
    return columns


def _root_from_url(url: str) -> tuple[str, str, str] | None:
    parts = urlsplit(url).path.rstrip("/").split("/")  # without "?locale=fr" or "#comment_12"
    if len(parts) >= 2 and parts[-2] in _URL_KINDS and parts[-1]:
        return _URL_KINDS[parts[-2]], parts[-1], url
    return None


def _proposal_builder(source: RowSource) -> Callable[[int, Getter], Contribution | RejectedRow]:
    title_cols = localised_columns(source.columns, "title")
    body_cols = text_column(source, "body", ("l'export Decidim de propositions", "Decidim proposals export"))
    group_names = localised_columns(source.columns, "user_group/name")
    category_cols = localised_columns(source.columns, "category/name")

    def build(line: int, get: Getter) -> Contribution:
        pid = get("id").strip() or f"ligne-{line}"
        category_id, category = get("category/id").strip(), first_written(get, category_cols).strip()
        question_id = f"category-{category_id}" if category_id else "proposals"
        title = first_written(get, title_cols)
        author = _author(get, source.secret, group_names)
        extra = author.pop("extra") | {"kind": "proposal", "title": title.strip()}
        if not category_id and (taxonomies := _taxonomies(get)):
            (taxonomy_id, category), names = taxonomies[0], [name for _, name in taxonomies if name]
            question_id, category_id = f"taxonomy-{taxonomy_id}", taxonomy_id
            extra["taxonomies"] = names
        for key in ("votes", "comments", "url", "scope/name/fr", "state"):
            if value := get(key).strip():
                extra[key.split("/")[0]] = value
        withdrawn = truthy(get("withdrawn")) or extra.get("state") == "withdrawn"
        return Contribution(
            contribution_id=f"proposal-{pid}",
            source_id=pid,
            question_id=question_id,
            question_text=category
            or (
                "Propositions (catégorie " + category_id + ")"
                if category_id
                else "Propositions sans catégorie"
            ),
            text=join_title_body(title, plain_text(first_written(get, body_cols))),
            line=line,
            created_at=get("created_at").strip() or get("published_at").strip() or None,
            excluded=WITHDRAWN_REASON if withdrawn else None,
            extra=extra,
            **author,
        )

    return build


_TRANSLATION = re.compile(r'"([A-Za-z][\w-]*)"\s*(?:=>|:)\s*"((?:[^"\\]|\\.)*)"')


def _taxonomies(get: Getter) -> list[tuple[str, str]]:
    """``(id, name)`` of each taxonomy of a row of 0.30 and later, which replaced categories with taxonomies
    (``taxonomies: {id: [12, 13], name: [{"fr" => "Mobilité"}, …]}``): ``taxonomies/id`` is "12, 13",
    ``taxonomies/name`` each name hash as Ruby writes it (``{"fr"=>"Mobilité", "en"=>"Mobility"}``; as JSON
    in the JSON export), joined with ", ". The name is French's, else the first locale's."""
    ids = [i.strip() for i in get("taxonomies/id").split(",") if i.strip()]
    names = [_translated(dict(_TRANSLATION.findall(part))) for part in get("taxonomies/name").split("}")]
    return [(i, names[n] if n < len(names) else "") for n, i in enumerate(ids)]


def _translated(names: dict[str, str]) -> str:
    name = names.get("fr") or next((v for v in names.values() if v.strip()), "")
    try:
        return str(json.loads(f'"{name}"')).strip()  # the escapes Ruby and JSON write alike: \" \\ \u00e9
    except ValueError:
        return name.strip()


def _debate_builder(source: RowSource) -> Callable[[int, Getter], Contribution | RejectedRow]:
    title_cols = localised_columns(source.columns, "title")
    body_cols = text_column(source, "description", ("l'export Decidim de débats", "Decidim debates export"))
    group_names = localised_columns(source.columns, "user_group/name")

    def build(line: int, get: Getter) -> Contribution:
        did = get("id").strip() or f"ligne-{line}"
        component = get("component/id").strip()
        title = first_written(get, title_cols)
        author = _author(get, source.secret, group_names)
        extra = author.pop("extra") | {"kind": "debate", "title": title.strip()}
        if url := get("url").strip():
            extra["url"] = url
        return Contribution(
            contribution_id=f"debate-{did}",
            source_id=did,
            question_id=f"component-{component}" if component else "debates",
            question_text="Débats" + (f" (composant {component})" if component else ""),
            text=join_title_body(title, plain_text(first_written(get, body_cols))),
            line=line,
            created_at=get("created_at").strip() or None,
            extra=extra,
            **author,
        )

    return build


def related_titles(paths: list[Path], extras: dict[str, Any] | None = None) -> dict[str, str]:
    """Titles of debates / proposals in the given Decidim exports, keyed by URL and by ``<kind>-<id>``.

    An unreadable side file only costs the titles it would have given: the import goes on without them, and a
    warning naming the file (French and English) is added to ``extras["warnings"]`` and logged.
    """
    titles: dict[str, str] = {}
    for path in paths:
        try:
            titles.update(_titles_of(path))
        except (InputFileError, OSError) as exc:
            _warn_unreadable(path, exc, extras)
    return titles


def _titles_of(path: Path) -> dict[str, str]:
    """Titles of one debates / proposals export, CSV, workbook or JSON (none when the file holds other
    records)."""
    from .api import open_rows  # local import: api imports this module
    from .flat import TABLE_SUFFIXES, table_rows

    if path.suffix.lower() in TABLE_SUFFIXES:
        columns, fmt_kind, rows = table_rows(path)
    else:
        source, fmt_kind = open_rows(path)
        columns, rows = source.columns, (fields for _, fields in source.records)
    if fmt_kind not in {"debates", "proposals"}:
        return {}
    kind = fmt_kind[:-1]
    title_is = [columns.index(c) for c in localised_columns(columns, "title")]
    id_i = columns.index("id") if "id" in columns else None
    url_i = columns.index("url") if "url" in columns else None
    titles: dict[str, str] = {}
    for fields in rows:
        if id_i is None or not title_is or len(fields) != len(columns):
            continue
        title = plain_text(next((fields[i] for i in title_is if fields[i].strip()), "")).strip()
        titles[f"{kind}-{fields[id_i].strip()}"] = title
        if url_i is not None and fields[url_i].strip():
            titles[fields[url_i].strip()] = title
    return titles


def _warn_unreadable(path: Path, exc: Exception, extras: dict[str, Any] | None) -> None:
    """Record and log that the side file ``path`` was skipped, and why."""
    why_fr = exc.message_fr if isinstance(exc, InputFileError) else str(exc)
    why_en = exc.message_en if isinstance(exc, InputFileError) else str(exc)
    warning = {
        "code": "related_file_unreadable",
        "message_fr": f"Fichier voisin « {path.name} » ignoré (il n'est pas le fichier importé, il ne donnait que "
        f"les titres des débats et propositions commentés) : {why_fr} Les commentaires sont importés sans ces "
        "titres.",
        "message_en": f"Side file '{path.name}' skipped (it is not the imported file, it only gave the titles of "
        f"the debates and proposals commented on): {why_en} The comments are imported without those titles.",
        "value": str(path),
    }
    if extras is not None:
        extras.setdefault("warnings", []).append(warning)
    _log.warning("%s", warning["message_fr"])
