"""``synthese preview FILE``: what an import would see, printed with rich in French, or English (issue 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from schemas.imports import ImportPreview
from synthesis.plural import say

CELL = 60
_OPTIONS = {
    "text": "--text-column",
    "answers": "--answers-column",
    "id": "--id-column",
    "question": "--question-column",
    "author": "--author-column",
    "author_type": "--author-type-column",
    "postcode": "--postcode-column",
    "date": "--date-column",
}
# The words of the preview, in French and in English (``--lang en``)
_WORDS = {
    "fr": {
        "file": "Fichier",
        "folder": "Dossier",
        "bytes": "octets",
        "format": "Format détecté",
        "encoding": "Encodage",
        "delimiter": "Séparateur",
        "tab": "tabulation",
        "rows": "Lignes de données",
        "estimate": " (estimation)",
        "sha": "Empreinte SHA-256",
        "warning": "[yellow]Attention[/] : ",
        "columns": "Colonnes",
        "questions": "Questions",
        "no_text": "[yellow]Aucune colonne de texte reconnue[/] : indiquez-la avec --text-column.",
        "mapping": "Correspondance suggérée",
        "first": "{n|première ligne|{n} premières lignes}",
        "line": "ligne",
        "more": "(… {n} autres colonnes non affichées)",
        "colon": " : ",
        "quoted": "« {} »",
        "member": "Fichier montré",
        "lang": "fr",
    },
    "en": {
        "file": "File",
        "folder": "Folder",
        "bytes": "bytes",
        "format": "Detected format",
        "encoding": "Encoding",
        "delimiter": "Delimiter",
        "tab": "tab",
        "rows": "Data rows",
        "estimate": " (estimate)",
        "sha": "SHA-256 checksum",
        "warning": "[yellow]Warning[/]: ",
        "columns": "Columns",
        "questions": "Questions",
        "no_text": "[yellow]No text column recognised[/]: give it with --text-column.",
        "mapping": "Suggested mapping",
        "first": "{n|first row|first {n} rows}",
        "line": "line",
        "more": "(… {n} more columns not shown)",
        "colon": ": ",
        "quoted": "'{}'",
        "member": "File shown",
        "lang": "en",
    },
}


# What became of each file of a ZIP export, as ``preview`` and ``analyse`` say it
_MEMBERS = {
    "fr": {
        "title": "Fichiers de l'archive",
        "folder": "Fichiers du dossier",
        "read": "lu",
        "side": "fichier voisin",
        "skipped": "ignoré",
        "rows": "{n} {n|ligne|lignes}",
        "colon": " : ",
    },
    "en": {
        "title": "Files in the archive",
        "folder": "Files in the folder",
        "read": "read",
        "side": "side file",
        "skipped": "skipped",
        "rows": "{n} {n|row|rows}",
        "colon": ": ",
    },
}


def member_lines(members: list[dict[str, Any]], lang: str = "fr", folder: bool = False) -> list[str]:
    """One line per file of a ZIP export or a folder (rich markup): read, with its format and rows; side file
    or skipped, with the reason, in French or in English. Nothing when the export is one file."""
    if not members:
        return []
    w = _MEMBERS["en" if lang == "en" else "fr"]
    lines = [f"\n[bold]{w['folder' if folder else 'title']} ({len(members)})[/]"]
    for m in members:
        facts = [str(m[k]) for k in ("format", "kind") if m.get(k)]
        if m.get("rows") is not None:
            facts.append(say(w["rows"], {"n": m["rows"]}, "en" if lang == "en" else "fr"))
        reason = m.get("reason_en") if lang == "en" else m.get("reason")
        detail = f" ({', '.join(facts)})" if facts else ""
        detail += f" — {reason}" if reason else ""
        lines.append(f"  {escape(str(m['name']))}{w['colon']}{w[m['status']]}{escape(detail)}")
    return lines


def print_members(
    console: Console, members: list[dict[str, Any]], lang: str = "fr", folder: bool = False
) -> None:
    """Print :func:`member_lines` (nothing when the export is one file)."""
    for line in member_lines(members, lang, folder):
        console.print(line, soft_wrap=True)


def print_import_notes(console: Console, extras: dict[str, Any], lang: str = "fr") -> None:
    """What an import says beyond its counts: a ZIP's (a folder's) files, then its warnings (a side file
    skipped…)."""
    archive = extras.get("archive", {})
    print_members(console, archive.get("members", []), lang, bool(archive.get("folder")))
    for warning in extras.get("warnings", []):  # names in them are data (a ZIP member's): escaped
        prefix = "[yellow]Attention[/] : " if lang != "en" else "[yellow]Warning[/]: "
        console.print(
            prefix + escape(warning["message_en" if lang == "en" else "message_fr"]), soft_wrap=True
        )


def preview_command(
    file: Path,
    format: str = "auto",
    encoding: str | None = None,
    console: Console | None = None,
    lang: str = "fr",
) -> ImportPreview:
    """Print the preview of ``file`` (errors propagate as :class:`~synthesis.errors.InputFileError`)."""
    from synthesis.ingest import preview

    result = preview(file, format=format, encoding=encoding)
    render(result, console or Console(), lang, folder=file.is_dir())
    return result


def _count(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", " " if lang == "fr" else ",")


def render(p: ImportPreview, console: Console, lang: str = "fr", folder: bool = False) -> None:
    w = _WORDS["en" if lang == "en" else "fr"]
    facts = Table.grid(padding=(0, 2))
    delimiter = {"\t": w["tab"], None: "—"}.get(p.delimiter, w["quoted"].format(p.delimiter))
    estimate = _count(p.rows_estimate, lang) + ("" if p.rows_estimate_exact else w["estimate"])
    for label, value in (
        (w["folder" if folder else "file"], f"{p.file_name} ({_count(p.size_bytes, lang)} {w['bytes']})"),
        (w["format"], p.format + (f" ({p.kind})" if p.kind else "")),
        (w["encoding"], p.encoding),
        (w["delimiter"], delimiter),
        (w["rows"], estimate),
        (w["sha"], p.sha256),
    ):
        facts.add_row(f"[bold]{label}[/]", escape(value))
    console.print(facts)
    for warning in p.warnings:  # as the preview words them (the API gives the same), each one said
        console.print(
            "\n" + w["warning"] + escape(warning.message_en if lang == "en" else warning.message_fr)
        )
    console.print(f"\n[bold]{w['columns']} ({len(p.columns)})[/]{w['colon']}" + escape(", ".join(p.columns)))
    if p.questions:
        console.print(f"\n[bold]{w['questions']} ({len(p.questions)})[/]")
        for q in p.questions:
            console.print(f"  {escape(q.question_id)}{w['colon']}{escape(q.question_text)}")
    print_members(console, [m.model_dump() for m in p.members], w["lang"], folder)
    if p.member:
        console.print(f"\n[bold]{w['member']}[/]{w['colon']}" + escape(p.member))
    _sample(p, console, w)
    if p.mapping_required:
        if p.suggested_mapping is None:
            console.print("\n" + w["no_text"])
        else:
            chosen = p.suggested_mapping.model_dump()
            options = " ".join(
                f'{_OPTIONS[k]} "{one}"'
                for k, v in chosen.items()
                if v and k in _OPTIONS
                for one in ([v] if isinstance(v, str) else v)
            )
            console.print(f"\n[bold]{w['mapping']}[/]{w['colon']}{escape(options)}")


def _sample(p: ImportPreview, console: Console, w: dict[str, str]) -> None:
    if not p.sample_rows:
        return
    columns = p.columns[:8]
    answers = p.suggested_mapping.answers if p.suggested_mapping else None
    if answers:  # a questionnaire: its answers matter more than the metadata
        columns = answers[:6]
    elif p.questions:  # Grand Débat export: its question columns come last
        wanted = ["reference", "authorType", "authorZipCode"]
        columns = [c for c in p.columns if c in wanted] + p.columns[-len(p.questions) :][:5]
    table = Table(title=say(w["first"], {"n": len(p.sample_rows)}, w["lang"]), show_lines=False)
    table.add_column(w["line"], justify="right")
    for col in columns:
        table.add_column(escape(col if len(col) <= 30 else col[:29] + "…"), overflow="fold")
    for row in p.sample_rows:
        cells = [row.values.get(c, "") for c in columns]
        table.add_row(str(row.line), *[escape(c if len(c) <= CELL else c[: CELL - 1] + "…") for c in cells])
    console.print(table)
    if len(p.columns) > len(columns):
        console.print(w["more"].format(n=len(p.columns) - len(columns)))
