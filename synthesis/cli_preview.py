"""``synthese preview FILE``: what an import would see, printed in French with rich (issue 3)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from schemas.imports import ImportPreview
from synthesis.ingest.detect import MIXED

CELL = 60
_OPTIONS = {
    "text": "--text-column",
    "id": "--id-column",
    "question": "--question-column",
    "author": "--author-column",
    "author_type": "--author-type-column",
    "postcode": "--postcode-column",
    "date": "--date-column",
}


def preview_command(
    file: Path, format: str = "auto", encoding: str | None = None, console: Console | None = None
) -> ImportPreview:
    """Print the preview of ``file`` (errors propagate as :class:`~synthesis.errors.InputFileError`)."""
    from synthesis.ingest import preview

    result = preview(file, format=format, encoding=encoding)
    render(result, console or Console())
    return result


def render(p: ImportPreview, console: Console) -> None:
    facts = Table.grid(padding=(0, 2))
    delimiter = {"\t": "tabulation", None: "—"}.get(p.delimiter, f"« {p.delimiter} »")
    estimate = f"{p.rows_estimate:,}".replace(",", " ") + ("" if p.rows_estimate_exact else " (estimation)")
    for label, value in (
        ("Fichier", f"{p.file_name} ({p.size_bytes:,} octets)".replace(",", " ")),
        ("Format détecté", p.format + (f" ({p.kind})" if p.kind else "")),
        ("Encodage", p.encoding),
        ("Séparateur", delimiter),
        ("Lignes de données", estimate),
        ("Empreinte SHA-256", p.sha256),
    ):
        facts.add_row(f"[bold]{label}[/]", escape(value))
    console.print(facts)
    if p.encoding == MIXED:
        console.print(
            "\n[yellow]Attention[/] : des lignes ne sont pas en UTF-8 ; elles seront lues en Windows-1252, le "
            "reste en UTF-8, et l'import les nommera."
        )
    console.print(f"\n[bold]Colonnes ({len(p.columns)})[/] : " + escape(", ".join(p.columns)))
    if p.questions:
        console.print(f"\n[bold]Questions ({len(p.questions)})[/]")
        for q in p.questions:
            console.print(f"  {escape(q.question_id)} : {escape(q.question_text)}")
    _sample(p, console)
    if p.mapping_required:
        if p.suggested_mapping is None:
            console.print("\n[yellow]Aucune colonne de texte reconnue[/] : indiquez-la avec --text-column.")
        else:
            chosen = p.suggested_mapping.model_dump()
            options = " ".join(f'{_OPTIONS[k]} "{v}"' for k, v in chosen.items() if v and k in _OPTIONS)
            console.print(f"\n[bold]Correspondance suggérée[/] : {escape(options)}")


def _sample(p: ImportPreview, console: Console) -> None:
    if not p.sample_rows:
        return
    columns = p.columns[:8]
    if p.questions:  # wide export: the answers matter more than the metadata
        wanted = ["reference", "authorType", "authorZipCode"]
        columns = [c for c in p.columns if c in wanted] + p.columns[-len(p.questions) :][:5]
    table = Table(title=f"{len(p.sample_rows)} premières lignes", show_lines=False)
    table.add_column("ligne", justify="right")
    for col in columns:
        table.add_column(escape(col if len(col) <= 30 else col[:29] + "…"), overflow="fold")
    for row in p.sample_rows:
        cells = [row.values.get(c, "") for c in columns]
        table.add_row(str(row.line), *[escape(c if len(c) <= CELL else c[: CELL - 1] + "…") for c in cells])
    console.print(table)
    if len(p.columns) > len(columns):
        console.print(f"(… {len(p.columns) - len(columns)} autres colonnes non affichées)")
