"""The command line's help in French, or in English with ``--lang en`` (anywhere on the command line).

Each command and option declares its French help; :data:`HELP_EN` holds the English one, by command path and
parameter name (the service adds its commands' own). The words typer and click write around them ("Usage:",
"[default: …]", "Show this message and exit.") are set in the same language, so that a French help page reads
in French from its first line to its last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import typer
import typer.rich_utils
from typer.core import TyperGroup

from schemas import RunSettings

try:  # typer's own copy of click (0.2x), else click itself
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older typer
    from click.exceptions import UsageError  # type: ignore[assignment]

LANG_OPTION = "--lang"

# typer's constants, read when a help page or an error is written
_TYPER_WORDS = {
    "fr": {
        "DEPRECATED_STRING": "(obsolète) ",
        "DEFAULT_STRING": "[défaut : {}]",
        "ENVVAR_STRING": "[variable d'environnement : {}]",
        "REQUIRED_LONG_STRING": "[obligatoire]",
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commandes",
        "ERRORS_PANEL_TITLE": "Erreur",
        "ABORTED_TEXT": "Interrompu.",
        "RICH_HELP": "Aide : [blue]'{command_path} {help_option}'[/]",
    },
    "en": {
        "DEPRECATED_STRING": "(deprecated) ",
        "DEFAULT_STRING": "[default: {}]",
        "ENVVAR_STRING": "[env var: {}]",
        "REQUIRED_LONG_STRING": "[required]",
        "ARGUMENTS_PANEL_TITLE": "Arguments",
        "OPTIONS_PANEL_TITLE": "Options",
        "COMMANDS_PANEL_TITLE": "Commands",
        "ERRORS_PANEL_TITLE": "Error",
        "ABORTED_TEXT": "Aborted.",
        "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
}
_USAGE = {"fr": "Utilisation :", "en": "Usage:"}
_HELP_OPTION = {"fr": "Affiche cette aide et s'arrête.", "en": "Show this message and exit."}
LANG_HELP_EN = "Language of the help, of the messages and of the HTML report: fr or en."

# English help by command path ("analyse", "admin create-tenant") and parameter name; "" is the command's own
HELP_EN: dict[str, dict[str, str]] = {
    "": {"": "Traceable synthesis of the contributions of an online consultation.", "lang": LANG_HELP_EN},
    "analyse": {
        "": "Import FILE, synthesise it and write the report (JSON or HTML).",
        "file": "Exported file (CSV, XLSX, JSON, JSON Lines…), its ZIP, or the folder of the exported files.",
        "format": "Format of the export: auto (told from the file), granddebat, capcollectif, decidim, polis, "
        "or csv, xlsx, json, jsonl with --text-column.",
        "text_column": "Column of the text (generic formats: csv, xlsx, json, jsonl).",
        "answers_column": "Instead of --text-column, for a questionnaire export (one row per participant, one "
        "column per question, its header asking it): a column of answers; repeat it for each question.",
        "id_column": "Column of the identifier.",
        "question_column": "Column of the question.",
        "question_text": "Text of the question, for a file without a question column (default: the file's "
        "name); its words are not taken as keywords, except under a negation (« pas prêt »).",
        "author_column": "Column of the author (pseudonymised).",
        "author_type_column": "Column of the author's type.",
        "postcode_column": "Column of the postcode.",
        "date_column": "Column of the date.",
        "out": "report.json or report.html (default: JSON on the standard output).",
        "seed": "Seed of every random step (0 to 4294967295).",
        "embedder": "use-multilingual or sentence-transformers.",
        "model": "sentence-transformers model (hub id or local folder).",
        "min_cluster_size": "Least size of a theme (default: from the volume).",
        "fit_max": "Above this many texts per question, UMAP and HDBSCAN are fitted on a sample (default: "
        f"{RunSettings.model_fields['fit_max'].default}); larger is slower, closer to a full fit.",
        "umap_epochs": "UMAP's optimisation epochs (default: from the volume).",
        "settings_json": 'The other settings, as a JSON object, for example \'{"max_themes": 10, "subclusters": '
        "false}' (names of RunSettings; the methodology's \"reproduce this report\" command gives them).",
        "cache": "File of the embedding cache (default: ~/.cache/synthese/embeddings.sqlite3).",
        "no_cache": "Use no embedding cache.",
        "secret_file": "Pseudonymisation key, a text file (default: ~/.config/synthese/secret, created at "
        "the first run).",
        "lang": LANG_HELP_EN,
    },
    "preview": {
        "": "Show the format, encoding, delimiter, columns, 5 rows and the suggested column mapping.",
        "file": "Exported file to look at, its ZIP, or the folder of the exported files.",
        "format": "Format of the export: auto (told from the file), granddebat, capcollectif, decidim, polis, "
        "csv, xlsx, json, jsonl.",
        "encoding": "Encoding to use (default: detected).",
        "lang": LANG_HELP_EN,
    },
}


# The usage errors typer writes (in English only: its copy of click has no translations), in French; and, in
# both languages, what to do with a path that holds spaces
_USAGE_ERRORS = {
    "fr": [
        (r"No such option: (\S+)", r"Option inconnue : \1"),
        (r"\(Possible options: ([^)]*)\)", r"(options proches : \1)"),
        (r"No such command '([^']*)'\.", r"Commande inconnue : « \1 »."),
        (r"Did you mean (.+)\?$", r"Vouliez-vous dire \1 ?"),
        (r"^Missing argument '([^']*)'\.", r"Argument manquant : « \1 »."),
        (r"^Missing option '([^']*)'\.", r"Option manquante : \1."),
        (r"^Missing command\.", "Commande manquante."),
        (r"^Invalid value for '([^']*)': ", r"Valeur invalide pour \1 : "),
        (r"^Invalid value: ", "Valeur invalide : "),
        (r"Input should be a valid integer.*$", "un nombre entier est attendu."),
        (r"Input should be less than or equal to (\S+)$", r"la valeur doit être au plus \1."),
        (r"Input should be greater than or equal to (\S+)$", r"la valeur doit être au moins \1."),
        (r"Value '([^']*)' is not a valid (\w+)\.", r"« \1 » n'est pas une valeur possible (\2)."),
        (r"Option '([^']*)' requires an argument\.", r"L'option \1 demande une valeur."),
        (r"Option '([^']*)' does not take a value\.", r"L'option \1 ne prend pas de valeur."),
        (
            r"(?:path|file) '([^']*)' is not readable\.",
            r"« \1 » ne peut pas être lu (droits d'accès, ou ouvert et verrouillé par un autre logiciel, un "
            r"tableur par exemple : le fermer).",
        ),
        (
            r"^Got unexpected extra argument\(s\) \((.*)\)$",
            r"Argument en trop : \1. Un chemin qui contient des espaces s'écrit entre guillemets : "
            r'"mon dossier/export.csv".',
        ),
    ],
    "en": [
        (
            r"((?:path|file) '[^']*' is not readable\.)",
            r"\1 Check its permissions, or close the program (a spreadsheet) that has it open and locked.",
        ),
        (
            r"^(Got unexpected extra argument\(s\) \(.*\))$",
            r'\1. A path that holds spaces is written between quotes: "my folder/export.csv".',
        ),
    ],
}


def usage_error_text(text: str, lang: str) -> str:
    """typer's message for a usage error, in ``lang``, with the next step where one is known."""
    for pattern, replacement in _USAGE_ERRORS[lang]:
        text = re.sub(pattern, replacement, text)
    return text


def _said_in(exc: UsageError, lang: str) -> UsageError:
    english = exc.format_message
    exc.format_message = lambda: usage_error_text(english(), lang)  # type: ignore[method-assign]
    return exc


def normalise_lang(args: list[str]) -> None:
    """Write each ``--lang`` value of ``args`` that names French or English as its code, in place: "EN",
    "en-GB" and "fr_FR" are "en", "en" and "fr" (any other value is left to be refused)."""
    for i, arg in enumerate(args):
        if arg == LANG_OPTION and i + 1 < len(args):
            args[i + 1] = _code(args[i + 1])
        elif arg.startswith(LANG_OPTION + "="):
            args[i] = LANG_OPTION + "=" + _code(arg.split("=", 1)[1])


def _code(value: str) -> str:
    tag = value.strip().lower()
    return next(
        (code for code in ("fr", "en") if tag == code or tag.startswith((code + "-", code + "_"))), value
    )


def requested_lang(args: Sequence[str]) -> str:
    """The language ``--lang`` asks for among ``args`` ("en" for any English tag), else French."""
    value = ""
    for i, arg in enumerate(args):
        if arg == LANG_OPTION and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(LANG_OPTION + "="):
            value = arg.split("=", 1)[1]
    return "en" if value.lower().startswith("en") else "fr"


# typer's own classes (it carries its own copy of click since 0.2x): its context, and the formatter that writes
# the usage line
class _Formatter(typer.Context.formatter_class):  # type: ignore[misc,valid-type]
    lang = "fr"

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _USAGE[self.lang] + " " if prefix is None else prefix)


class _Context(typer.Context):
    formatter_class = _Formatter


class LocalisedGroup(TyperGroup):
    """The root command: reads ``--lang`` on the whole command line before any help is written."""

    lang = "fr"

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if parent is None:
            normalise_lang(args)
            self.lang = requested_lang(args)
            localise(self, self.lang)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            raise _said_in(exc, self.lang) from None

    def invoke(self, ctx: Any) -> Any:  # a command's own usage errors arise here
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _said_in(exc, self.lang) from None


def localise(root: Any, lang: str) -> None:
    """Write the help of ``root`` and of its commands in ``lang`` (French: as declared)."""
    for name, value in _TYPER_WORDS[lang].items():
        setattr(typer.rich_utils, name, value)
    _Formatter.lang = lang
    for path, command in _walk(root, ""):
        command.context_class = _Context
        help_option = command.get_help_option(_Context(command))
        if help_option is not None:
            help_option.help = _HELP_OPTION[lang]
        if lang != "en":
            continue
        english = HELP_EN.get(path, {})
        command.help = english.get("", command.help)
        command.short_help = None
        for param in command.params:
            if param.name in english:
                param.help = english[param.name]


def _walk(command: Any, path: str) -> list[tuple[str, Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _walk(sub, f"{path} {name}".strip())
    return found
