"""Command line of the library: ``synthese analyse`` and ``synthese preview`` (the service adds ``serve`` and ``admin``).

Messages and help are in French; ``--lang en`` switches them and the HTML report to English
(:mod:`synthesis.cli_lang`).
"""

from __future__ import annotations

import gc
import logging
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from schemas import ColumnMapping, Report, RunSettings
from synthesis.cli_lang import LocalisedGroup
from synthesis.cli_options import (
    GENERIC_FORMATS,
    build_mapping,
    check_input,
    check_model,
    check_output,
    format_read,
    formats_read,
    import_options,
    input_error,
    other_settings,
    settings_error,
    write_report,
)
from synthesis.errors import (
    CacheFileError,
    SecretFileError,
    SynthesisError,
    os_reason,
)
from synthesis.plural import say

if TYPE_CHECKING:  # heavy imports stay inside the commands, so `synthese --help` is instant
    from synthesis.embed import EmbeddingCache
    from synthesis.ingest import IngestResult

# the command says its warnings itself, in the chosen language: no second, French-only copy from the log
logging.getLogger("synthesis").addHandler(logging.NullHandler())

app = typer.Typer(
    cls=LocalisedGroup,  # the help in English with --lang en (synthesis.cli_lang)
    help="Synthèse traçable des contributions d'une consultation en ligne.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
LANG_HELP = "Langue de l'aide, des messages et du rapport HTML : fr ou en."


@app.callback()
def _main(
    ctx: typer.Context,
    lang: Annotated[str, typer.Option(help=LANG_HELP)] = "fr",
) -> None:
    """Synthèse traçable des contributions d'une consultation en ligne."""
    # "synthese --lang en analyse FILE": the command's own --lang takes this value unless given
    ctx.default_map = {name: {"lang": lang} for name in ctx.command.commands}  # type: ignore[attr-defined]


STAGE_LABELS = {
    "fr": {
        "prepare": "Préparation",
        "embed": "Plongements (embeddings)",
        "cluster": "Regroupement en thèmes",
        "report": "Rapport",
    },
    "en": {
        "prepare": "Preparation",
        "embed": "Embeddings",
        "cluster": "Clustering into themes",
        "report": "Report",
    },
}


def default_secret_path() -> Path:
    return Path.home() / ".config" / "synthese" / "secret"


def load_secret(path: Path | None) -> bytes:
    """The pseudonymisation key: the given file, else a per-machine key created once (0600).

    The key is text, read as UTF-8 and encoded back, like the service's ``PSEUDONYM_SECRET``: the same key gives
    the same pseudonyms in both. A file that is not text, or empty, is refused (:class:`SecretFileError`), and
    so is a given file that does not exist: a key created in its place (a typo, a secret not mounted) would
    pseudonymise the authors unlike the service and the earlier reports, and nothing would say so.
    """
    default = default_secret_path()
    if path is not None and not path.exists():
        raise secret_error(
            path,
            f"il n'existe pas (seule la clé par défaut, {default}, est créée d'office)",
            f"it does not exist (only the default key, {default}, is created when missing)",
        )
    path = path or default
    try:
        if not path.exists():
            create_secret(path)
        key = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError as exc:
        raise secret_error(
            path, "ce n'est pas un texte UTF-8 (fichier binaire ?)", "it is not UTF-8 text (binary?)"
        ) from exc
    except OSError as exc:
        raise secret_error(path, *os_reason(exc)) from exc
    if not key:
        raise secret_error(path, "le fichier est vide", "the file is empty")
    return key.encode()


def create_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_hex(32), encoding="ascii")
    path.chmod(0o600)


def secret_error(path: Path, reason_fr: str, reason_en: str) -> SecretFileError:
    return SecretFileError(
        f"La clé de pseudonymisation {path} ne peut pas servir : {reason_fr}. Une clé est un texte, par exemple "
        "celui de « openssl rand -hex 32 ».",
        f"The pseudonymisation key {path} cannot be used: {reason_en}. A key is text, e.g. the output of "
        "`openssl rand -hex 32`.",
        value=str(path),
    )


# What ``analyse`` tells on its way, each count in agreement with its words
# (:func:`synthesis.plural.say`)
_MESSAGES = {
    "fr": {
        "read": "{rows} {rows|ligne lue|lignes lues} ({format}), {n} {n|contribution|contributions}, "
        "{rejected|aucune ligne rejetée|{rejected} ligne rejetée|{rejected} lignes rejetées}",
        "written": "Rapport écrit dans {out} : {themes|aucun thème|{themes} thème|{themes} thèmes}, "
        "{clustered|aucune contribution classée|{clustered} contribution classée|{clustered} contributions "
        "classées}, {noise} {noise|non classée|non classées}, {excluded} {excluded|exclue|exclues}.",
        "no_theme": "Aucun thème : {analysed} {analysed|contribution analysée|contributions analysées}, trop "
        "peu ou trop différentes pour former un thème d'au moins {least} contributions (--min-cluster-size). "
        "Le rapport les montre toutes, une à une, « non classées » ; un thème se forme à partir de quelques "
        "dizaines de contributions par question.",
        "columns_unused": "[yellow]Attention[/] : les options de colonnes (--text-column…) ne servent qu'aux "
        "formats génériques ; l'export est lu au format {format}, dans ses propres colonnes. Pour choisir les "
        "colonnes : --format csv (ou xlsx, json, jsonl).",
        "question_unused": "[yellow]Attention[/] : --question-text n'a servi à aucune contribution : l'export, lu "
        "au format {format}, nomme ses propres questions.",
    },
    "en": {
        "read": "{rows} {rows|row|rows} read ({format}), {n} {n|contribution|contributions}, "
        "{rejected|no rejected row|{rejected} rejected row|{rejected} rejected rows}",
        "written": "Report written to {out}: {themes|no theme|{themes} theme|{themes} themes}, "
        "{clustered|no contribution|{clustered} contribution|{clustered} contributions} in a theme, {noise} "
        "unclassified, {excluded} excluded.",
        "no_theme": "No theme: {analysed} {analysed|contribution|contributions} analysed, too few or too "
        "different to form a theme of {least} contributions at least (--min-cluster-size). The report shows "
        "each of them, « non classées » (unclassified); themes form from a few dozen contributions per "
        "question.",
        "columns_unused": "[yellow]Warning[/]: the column options (--text-column…) only serve the generic formats; "
        "the export is read in the {format} format, in its own columns. To choose the columns: --format csv (or "
        "xlsx, json, jsonl).",
        "question_unused": "[yellow]Warning[/]: --question-text served no contribution: the export, read in the "
        "{format} format, names its own questions.",
    },
}


def _say(lang: str, key: str, **values: object) -> str:
    return say(_MESSAGES["en" if lang == "en" else "fr"][key], values, lang)


def fail(exc: SynthesisError, lang: str) -> None:
    """Print ``exc`` on stderr, its prefix in the language of its message, and exit with status 2."""
    message = escape(exc.message(lang))
    err.print(
        f"[bold red]Error[/] ({exc.code}): {message}"
        if lang.startswith("en")  # as SynthesisError.message chooses
        else f"[bold red]Erreur[/] ({exc.code}) : {message}",
        soft_wrap=True,  # the terminal wraps it: a path in it is not cut by a line break
    )
    raise typer.Exit(code=2)


def check_lang(lang: str) -> None:
    """Refuse an unknown ``--lang`` before anything is read (its message is then in French)."""
    from synthesis.html import check_language

    check_language(lang, "--lang ")


def open_cache(path: Path | None, no_cache: bool) -> EmbeddingCache | None:
    """The embedding cache of ``--cache`` (default: the user's), opened before the run; ``None`` with
    ``--no-cache``."""
    from synthesis.embed import SQLiteCache

    if no_cache:
        return None
    path = path or Path.home() / ".cache" / "synthese" / "embeddings.sqlite3"
    try:
        return SQLiteCache(path)
    except CacheFileError as exc:
        raise CacheFileError(
            f"{exc.message_fr} Choisir un autre fichier avec --cache, ou --no-cache.",
            f"{exc.message_en} Choose another file with --cache, or --no-cache.",
            value=exc.value,
        ) from exc


def run_with_progress(
    result: IngestResult, settings: RunSettings, cache: EmbeddingCache | None, lang: str = "fr"
) -> Report:
    """Run the pipeline on an import with one progress bar per stage on stderr."""
    from synthesis.pipeline import run

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=not sys.stderr.isatty(),
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                labels = STAGE_LABELS["en" if lang == "en" else "fr"]
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=1.0)
            bar.update(tasks[stage], completed=fraction)

        return run(
            result.contributions,
            settings,
            rejected=result.rejected,
            rows_read=result.rows_read,
            input_sha256=result.sha256,
            cache=cache,
            progress=progress,
        )


@app.command()
def analyse(
    file: Annotated[
        Path,
        typer.Argument(
            help="Fichier exporté (CSV, XLSX, JSON, JSON Lines…), son ZIP, ou le dossier des fichiers exportés."
        ),
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="Format de l'export : auto (reconnu dans le fichier), granddebat, capcollectif, decidim, "
            "polis, ou csv, xlsx, json, jsonl avec --text-column.",
        ),
    ] = "auto",
    text_column: Annotated[
        str | None, typer.Option(help="Colonne du texte (formats génériques : csv, xlsx, json, jsonl).")
    ] = None,
    answers_column: Annotated[
        list[str] | None,
        typer.Option(
            help="Au lieu de --text-column, pour un export de questionnaire (une ligne par participant, une "
            "colonne par question, dont l'en-tête la pose) : une colonne de réponses ; à répéter pour chaque "
            "question."
        ),
    ] = None,
    id_column: Annotated[str | None, typer.Option(help="Colonne de l'identifiant.")] = None,
    question_column: Annotated[str | None, typer.Option(help="Colonne de la question.")] = None,
    question_text: Annotated[
        str | None,
        typer.Option(
            help="Texte de la question, pour un fichier sans colonne de question (défaut : le nom du fichier) ; "
            "ses mots ne sont pas repris comme mots-clés, sauf sous une négation (« pas prêt »)."
        ),
    ] = None,
    author_column: Annotated[str | None, typer.Option(help="Colonne de l'auteur (pseudonymisé).")] = None,
    author_type_column: Annotated[str | None, typer.Option(help="Colonne du type d'auteur.")] = None,
    postcode_column: Annotated[str | None, typer.Option(help="Colonne du code postal.")] = None,
    date_column: Annotated[str | None, typer.Option(help="Colonne de la date.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="report.json ou report.html (défaut : JSON sur la sortie standard)."),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Graine de toutes les étapes aléatoires (de 0 à 4294967295).")
    ] = 0,
    embedder: Annotated[
        str, typer.Option(help="use-multilingual ou sentence-transformers.")
    ] = "use-multilingual",
    model: Annotated[
        str | None, typer.Option(help="Modèle sentence-transformers (id du hub ou dossier local).")
    ] = None,
    min_cluster_size: Annotated[
        int | None, typer.Option(help="Taille minimale d'un thème (défaut : selon le volume).")
    ] = None,
    fit_max: Annotated[
        int | None,
        typer.Option(
            help="Au-delà de ce nombre de textes par question, UMAP et HDBSCAN sont ajustés sur un "
            f"échantillon (défaut : {RunSettings.model_fields['fit_max'].default}) ; plus grand = plus lent, "
            "plus proche d'un ajustement complet."
        ),
    ] = None,
    umap_epochs: Annotated[
        int | None, typer.Option(help="Époques d'optimisation d'UMAP (défaut : selon le volume).")
    ] = None,
    settings_json: Annotated[
        str | None,
        typer.Option(
            "--settings",
            help='Les autres réglages, en objet JSON, par exemple \'{"max_themes": 10, "subclusters": false}\' '
            "(noms de RunSettings ; la commande « Reproduire ce rapport » de la méthodologie les donne).",
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(help="Fichier du cache d'embeddings (défaut : ~/.cache/synthese/embeddings.sqlite3)."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ne pas utiliser de cache d'embeddings.")
    ] = False,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            envvar="SYNTHESE_SECRET_FILE",
            help="Clé de pseudonymisation, un fichier texte (défaut : ~/.config/synthese/secret, créée au "
            "premier lancement).",
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help=LANG_HELP)] = "fr",
) -> None:
    """Importe FILE, le synthétise et écrit le rapport (JSON ou HTML)."""
    tuning = {"fit_max": fit_max, "umap_epochs": umap_epochs}
    try:
        # everything that can be checked is, before the file is read and the (long) run starts
        check_lang(lang)
        mapping = build_mapping(
            text_column,
            answers_column,
            id=id_column,
            question=question_column,
            author=author_column,
            author_type=author_type_column,
            postcode=postcode_column,
            date=date_column,
        )
        check_input(file)
        settings = run_settings(
            **other_settings(settings_json),
            random_state=seed,
            embedder=embedder,
            embedder_model=model,
            min_cluster_size=min_cluster_size,
            **{name: value for name, value in tuning.items() if value is not None},
        )
        check_output(out)
        secret = load_secret(secret_file)
        emb_cache = open_cache(cache, no_cache)
        result = read_input(file, format, mapping, secret, question_text, lang)
        # A one-shot command: the modules and the imported rows live until exit, so the cycle collector
        # need not walk them again at every full collection during the run, nor at exit (measured on
        # 8,957 answers: 0.4 s less during the run, 0.45 s less at exit).
        gc.freeze()
        report = run_with_progress(result, settings, emb_cache, lang)
        report.manifest.import_options = import_options(format_read(result, format), mapping, question_text)
        emit_report(report, out, lang)
    except SynthesisError as exc:
        fail(exc, lang)
    gc.freeze()


def run_settings(**values: object) -> RunSettings:
    """The run's settings, with the embedder it names checked (nothing loaded); a bad value named by option."""
    from synthesis.embed import check_embedder

    try:
        settings = RunSettings.model_validate(values)
    except ValidationError as exc:
        raise settings_error(exc) from exc
    check_embedder(settings.embedder)
    check_model(settings.embedder, settings.embedder_model)
    return settings


def read_input(
    file: Path,
    format: str,
    mapping: ColumnMapping | None,
    secret: bytes,
    question_text: str | None,
    lang: str,
) -> IngestResult:
    """Import FILE and say what was read."""
    from synthesis.cli_preview import print_import_notes
    from synthesis.ingest import read_file  # (a ZIP export too: Decidim open data, Polis)

    try:
        result = read_file(file, format=format, mapping=mapping, secret=secret, question_text=question_text)
    except OSError as exc:
        raise input_error(file, exc) from exc
    err.print(
        _say(
            lang,
            "read",
            rows=result.rows_read,
            format=", ".join([*formats_read(result), result.encoding]),
            n=len(result.contributions),
            rejected=len(result.rejected),
        )
    )
    print_import_notes(err, result.extras, lang)  # a ZIP's files, a side file skipped: said, not only logged
    read = formats_read(result)
    if mapping is not None and not GENERIC_FORMATS & set(read):  # they were left unused, and nothing said so
        err.print(_say(lang, "columns_unused", format=", ".join(read)), soft_wrap=True)
    if question_text is not None and all(c.question_text != question_text for c in result.contributions):
        err.print(_say(lang, "question_unused", format=", ".join(read)), soft_wrap=True)
    return result


def emit_report(report: Report, out: Path | None, lang: str) -> None:
    """Write the report to ``out`` (HTML for .html/.htm, else JSON) and say what it holds, or JSON on stdout."""
    from synthesis.report import render_html, render_json

    html = out is not None and out.suffix.lower() in {".html", ".htm"}
    text = render_html(report, lang) if html else render_json(report)
    c = report.manifest.counts
    themes = sum(len(q.clusters) for q in report.questions)
    if out is None:
        sys.stdout.write(text)
    else:
        write_report(out, text)
        err.print(
            _say(
                lang,
                "written",
                out=out,
                themes=themes,
                clustered=c.clustered,
                noise=c.noise,
                excluded=c.excluded,
            )
        )
    sizes = [q.method["min_cluster_size"] for q in report.questions if "min_cluster_size" in q.method]
    if not themes and c.noise and sizes:  # a consultation too small for themes: say why, and what it gets
        err.print(_say(lang, "no_theme", analysed=c.noise, least=min(sizes)), soft_wrap=True)


@app.command()
def preview(
    file: Annotated[
        Path, typer.Argument(help="Fichier exporté à examiner, son ZIP, ou le dossier des fichiers exportés.")
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="Format de l'export : auto (reconnu dans le fichier), granddebat, capcollectif, decidim, "
            "polis, csv, xlsx, json, jsonl.",
        ),
    ] = "auto",
    encoding: Annotated[str | None, typer.Option(help="Encodage à employer (défaut : détecté).")] = None,
    lang: Annotated[str, typer.Option(help=LANG_HELP)] = "fr",
) -> None:
    """Montre le format, l'encodage, le séparateur, les colonnes, 5 lignes et la correspondance suggérée."""
    from synthesis.cli_preview import preview_command

    try:
        check_lang(lang)
        check_input(file)
        try:
            preview_command(file, format, encoding, lang=lang)
        except OSError as exc:
            raise input_error(file, exc) from exc
    except SynthesisError as exc:
        fail(exc, lang)
