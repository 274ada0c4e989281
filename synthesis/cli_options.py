"""The options of ``synthese analyse`` and ``preview``, checked before the file is read (a bad one costs no run),
and what the run records of them (the manifest's ``import_options``); the errors that name a path."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from schemas import ColumnMapping
from schemas.settings import CLI_OPTION_OF_SETTING
from synthesis.errors import InputFileError, OutputFileError, SettingsError, os_reason

if TYPE_CHECKING:
    from synthesis.ingest import IngestResult


def check_input(file: Path) -> None:
    """FILE is an existing file or folder (typer's own check said so in English only); a folder is read as
    the ZIP of its files is."""
    if not file.exists():
        raise InputFileError(f"Fichier introuvable : {file}", f"File not found: {file}", value=str(file))


def input_error(file: Path, exc: OSError) -> InputFileError:
    """The export cannot be read (no right to, locked by the program that has it open, a failing disk)."""
    reason_fr, reason_en = os_reason(exc)
    return InputFileError(
        f"Impossible de lire {file} : {reason_fr}. S'il est ouvert dans un autre logiciel (un tableur), le "
        "fermer puis relancer ; sinon, en faire une copie lisible.",
        f"Cannot read {file}: {reason_en}. If another program (a spreadsheet) has it open, close it and run "
        "again; otherwise, make a readable copy.",
        value=str(file),
    )


def output_error(out: Path, exc: OSError) -> OutputFileError:
    reason_fr, reason_en = os_reason(exc)
    if exc.errno == errno.ENOENT:
        reason_fr, reason_en = f"le dossier {out.parent} n'existe pas", f"folder {out.parent} does not exist"
    return OutputFileError(
        f"Impossible d'écrire le rapport dans {out} : {reason_fr}.",
        f"Cannot write the report to {out}: {reason_en}.",
        value=str(out),
    )


#: The report's formats, by the extension of ``--out`` (no extension: JSON)
REPORT_SUFFIXES = {".json", ".html", ".htm", ""}


def check_output(out: Path | None) -> None:
    """Refuse, before the run, a report path that could not be written at its end: opened for appending (its
    content unchanged), and removed again when it did not exist; or whose extension names a format the
    report is not written in (``rapport.xlsx`` held JSON, which the spreadsheet refused to open)."""
    if out is None:
        return
    if out.suffix.lower() not in REPORT_SUFFIXES and not out.is_dir():
        raise OutputFileError(
            f"--out {out} : le rapport s'écrit en JSON (.json) ou en page HTML (.html) ; l'extension du fichier "
            f"choisit le format ({out.suffix} n'en est pas un).",
            f"--out {out}: the report is written as JSON (.json) or as an HTML page (.html); the file's extension "
            f"chooses the format ({out.suffix} is none of them).",
            value=str(out),
        )
    existed = out.exists()
    try:
        with out.open("ab"):
            pass
        if not existed:
            out.unlink()
    except OSError as exc:
        raise output_error(out, exc) from exc


def write_report(out: Path, text: str) -> None:
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise output_error(out, exc) from exc


def check_model(embedder: str, model: str | None) -> None:
    """``--model`` names a sentence-transformers model: refused with the backend that would ignore it."""
    if model is not None and embedder == "use-multilingual":
        raise SettingsError(
            f"--model {model} ne s'emploie qu'avec --embedder sentence-transformers (use-multilingual n'a qu'un "
            "modèle).",
            f"--model {model} only goes with --embedder sentence-transformers (use-multilingual has one model).",
            value=model,
        )
    if model is not None and _path_like(model) and not Path(model).expanduser().is_dir():
        # it was found missing once the file was read, after sentence-transformers' English warning
        raise SettingsError(
            f"--model {model} : ce dossier de modèle n'existe pas. Donner le dossier d'un modèle "
            "sentence-transformers sur ce disque, ou l'identifiant d'un modèle du hub (organisation/nom).",
            f"--model {model}: this model folder does not exist. Give the folder of a sentence-transformers "
            "model on this disk, or the id of a hub model (organisation/name).",
            value=model,
        )


def _path_like(model: str) -> bool:
    """``--model`` names a folder, not a hub id ("organisation/name", one slash): an absolute or relative
    path, or one of several folders."""
    return model.startswith(("/", ".", "~", "\\")) or model.count("/") > 1 or ":" in model[1:3]


def option_name(loc: tuple[int | str, ...]) -> str:
    """The option of ``analyse`` that sets the run setting at ``loc`` (``random_state`` → ``--seed``,
    ``max_themes`` → ``--settings max_themes``)."""
    field = str(loc[0]) if loc else ""
    inner = "".join(f"[{part}]" for part in loc[1:])
    return CLI_OPTION_OF_SETTING.get(field, f"--settings {field}") + inner


def other_settings(text: str | None) -> dict[str, object]:
    """The run settings given as a JSON object in ``--settings`` (those without an option of their own)."""
    if text is None:
        return {}
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"--settings n'est pas un objet JSON valide (colonne {exc.colno}) : par exemple "
            "'{\"max_themes\": 10}'.",
            f"--settings is not valid JSON (column {exc.colno}): e.g. '{{\"max_themes\": 10}}'.",
            value=text,
        ) from exc
    if not isinstance(values, dict):
        raise SettingsError(
            "--settings doit être un objet JSON : par exemple '{\"max_themes\": 10}'.",
            "--settings must be a JSON object: e.g. '{\"max_themes\": 10}'.",
            value=text,
        )
    own = sorted(set(values) & set(CLI_OPTION_OF_SETTING))
    if own:
        raise SettingsError(
            f"--settings : {own[0]} se donne avec l'option {CLI_OPTION_OF_SETTING[own[0]]}.",
            f"--settings: {own[0]} is given with the option {CLI_OPTION_OF_SETTING[own[0]]}.",
            value=own[0],
        )
    return values


def settings_error(exc: ValidationError) -> SettingsError:
    """A run-setting option out of range, named in French and in English (not pydantic's trace)."""
    bounds = {"greater_than_equal": ("≥", "ge"), "less_than_equal": ("≤", "le")}
    fr, en = [], []
    for error in exc.errors():
        name = option_name(error["loc"])
        sign, key = bounds.get(error["type"], ("", ""))
        if sign:
            limit = error.get("ctx", {}).get(key)
            fr.append(f"{name} doit être {sign} {limit} (reçu : {error['input']})")
            en.append(f"{name} must be {sign} {limit} (got {error['input']})")
        elif error["type"] == "extra_forbidden":  # a name in --settings that no setting has
            fr.append(f"{name} : réglage inconnu")
            en.append(f"{name}: unknown setting")
        else:
            fr.append(f"{name} : valeur invalide ({error['input']})")
            en.append(f"{name}: invalid value ({error['input']})")
    return SettingsError("Réglage invalide : " + " ; ".join(fr), "Invalid setting: " + "; ".join(en))


def build_mapping(text: str | None, answers: list[str] | None, **columns: str | None) -> ColumnMapping | None:
    if text is not None and answers:
        raise SettingsError(
            "--text-column (un texte par ligne) et --answers-column (une colonne par question) s'excluent : "
            "donnez l'une ou l'autre.",
            "--text-column (one text per row) and --answers-column (one column per question) exclude each "
            "other: give one or the other.",
            value=text,
        )
    if answers and columns.get("question"):
        raise SettingsError(
            "--question-column ne va pas avec --answers-column : chaque colonne de réponses est une question, "
            "son en-tête la pose.",
            "--question-column cannot go with --answers-column: each column of answers is a question, asked by "
            "its header.",
            value=columns["question"],
        )
    if answers and len(set(answers)) < len(answers):
        twice = next(a for a in answers if answers.count(a) > 1)
        raise SettingsError(
            f"--answers-column « {twice} » est donnée deux fois.",
            f"--answers-column '{twice}' is given twice.",
            value=twice,
        )
    if text is None and not answers:
        given = " ".join(f"--{name.replace('_', '-')}-column" for name, column in columns.items() if column)
        if given:
            raise SettingsError(
                f"{given} demande --text-column, la colonne du texte des contributions, ou --answers-column "
                "pour chaque question d'un questionnaire (« synthese preview FICHIER » suggère les colonnes).",
                f"{given} needs --text-column, the column of the contributions' text, or --answers-column for "
                "each question of a questionnaire (`synthese preview FILE` suggests the columns).",
                value=given,
            )
        return None
    return ColumnMapping(text=text, answers=answers or None, **columns)


def format_read(result: IngestResult, given: str) -> str:
    """The format the input was read in, as ``--format`` gives it again: the detected one, unless the files
    of a folder or ZIP were read in several (its first file's format, given again, skipped the others: the
    methodology's "reproduce this report" command read a Decidim file and a spreadsheet as Decidim only):
    then the format given (``auto``)."""
    return result.format.value if len(formats_read(result)) == 1 else given


def formats_read(result: IngestResult) -> list[str]:
    """The formats the input was read in: its own, or each of its files' (a folder, a ZIP) once, in order."""
    members = result.extras.get("archive", {}).get("members", [])
    found = [m["format"] for m in members if m["status"] == "read" and m["format"]]
    return list(dict.fromkeys(found)) or [result.format.value]


def import_options(
    format: str, mapping: ColumnMapping | None, question_text: str | None
) -> dict[str, str | list[str]]:
    """The options that read the file again as this run read it (``RunManifest.import_options``): the format
    read (detected or given), each column given (the answers' columns as a list), the question text given."""
    options: dict[str, str | list[str]] = {"format": format}
    for field, column in (mapping.model_dump() if mapping else {}).items():
        if column is not None:
            options[f"{field}_column"] = column
    if question_text is not None:
        options["question_text"] = question_text
    return options


#: The formats read in the columns the options name (the others have their own)
GENERIC_FORMATS = {"csv", "xlsx", "json", "jsonl"}
