"""Imports: upload an export into a consultation (one transaction), and preview a file before importing it."""

from __future__ import annotations

import codecs
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from xml.etree.ElementTree import ParseError

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import ValidationError

from schemas import ColumnMapping
from schemas.api import ErrorOut, ImportPreviewPublic, ImportPublic, ImportsPublic, ImportWarning
from service import crud
from service.api.deps import ConsultationDep, KeyDep, LangDep, SessionDep, SettingsDep, WriteKeyDep
from service.core.config import Settings
from service.errors import RequestError, TooLargeError, describe_validation_errors
from service.imports import import_file
from service.models import Import
from synthesis.errors import EncodingError, InputFileError, SynthesisError
from synthesis.ingest.members import ArchiveLimits

router = APIRouter(tags=["imports"])
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    413: {"model": ErrorOut},
    422: {"model": ErrorOut, "description": "Unreadable file, missing mapped column, empty file…"},
}


def _save_upload(upload: UploadFile, dest: Path, limit: int) -> None:
    size = 0
    with dest.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise TooLargeError(
                    f"Fichier trop volumineux (limite : {limit} octets)",
                    f"File too large (limit: {limit} bytes)",
                    value=size,
                )
            out.write(chunk)


# Bytes of a stored upload's name (most file systems allow 255); the original name is kept as data only.
STORED_NAME_BYTES = 200
DISPLAY_NAME_CHARS = 255
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line breaks allowed
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def display_name(filename: str | None) -> str:
    """The upload's own name as data: its last path part, without control characters (NUL included)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "upload"
    return name if len(name) <= DISPLAY_NAME_CHARS else name[: DISPLAY_NAME_CHARS - 1] + "…"


def stored_name(filename: str | None) -> str:
    """A name the file system accepts for the upload: the display name cut to ``STORED_NAME_BYTES`` bytes, its
    extension kept; none is invented (a ``.csv`` added to an upload named "export" made its JSON read as CSV:
    without an extension the readers tell the format from the content)."""
    name = display_name(filename)
    suffix = Path(name).suffix
    if _SUFFIX.fullmatch(suffix):
        name = name[: -len(suffix)]
    else:
        suffix = ""
    stem = name.strip(" .") or "upload"
    stem = stem.encode()[: STORED_NAME_BYTES - len(suffix)].decode(errors="ignore")
    return stem + suffix


def _mapping(
    mapping: str | None, text_column: str | None, answers_column: list[str] | None, **columns: str | None
) -> ColumnMapping | None:
    try:
        if mapping:
            return ColumnMapping.model_validate(json.loads(mapping))
        if text_column or answers_column:
            return ColumnMapping(
                text=text_column, answers=answers_column or None, **{k: v for k, v in columns.items() if v}
            )
    except ValidationError as exc:
        fr, en = (describe_validation_errors(exc.errors(), lang) for lang in ("fr", "en"))
        raise RequestError(
            f"Champ « mapping » invalide : {fr}", f"Invalid 'mapping' field: {en}", value=mapping
        ) from None
    except json.JSONDecodeError as exc:
        raise RequestError(
            f"Champ « mapping » invalide : JSON illisible (ligne {exc.lineno}, colonne {exc.colno})",
            f"Invalid 'mapping' field: unreadable JSON (line {exc.lineno}, column {exc.colno})",
            value=mapping,
        ) from None
    except (ValueError, RecursionError):  # RecursionError: a JSON nested deeper than Python's stack
        raise RequestError(
            "Champ « mapping » invalide : JSON illisible ou trop imbriqué",
            "Invalid 'mapping' field: unreadable or too deeply nested JSON",
            value=mapping,
        ) from None
    return None


def _check_encoding(encoding: str | None) -> None:
    """422 for an encoding Python does not know or that is no text encoding (rot13, base64…)."""
    if not encoding:
        return
    try:
        known = codecs.lookup(encoding)._is_text_encoding
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        known = False
    if not known:
        raise EncodingError(
            f"Encodage inconnu : « {encoding} » (essayez utf-8, cp1252 ou latin-1).",
            f"Unknown encoding: '{encoding}' (try utf-8, cp1252 or latin-1).",
            value=encoding,
        )


@contextmanager
def _reading(name: str, encoding: str | None = None) -> Iterator[None]:
    """Errors of the readers that are the file's fault, as 422 naming the file (never a 500)."""
    try:
        yield
    except SynthesisError:
        raise
    except RecursionError:
        raise InputFileError(
            f"« {name} » est imbriqué trop profondément pour être lu.",
            f"'{name}' is nested too deeply to be read.",
            value=name,
        ) from None
    except ParseError as exc:  # XLSX: malformed XML or a DOCTYPE / entity (billion laughs, XXE)
        raise InputFileError(
            f"Classeur XLSX illisible « {name} » : XML invalide ou interdit ({exc}).",
            f"Unreadable XLSX workbook '{name}': invalid or forbidden XML ({exc}).",
            value=name,
        ) from None
    except UnicodeError as exc:
        which_fr = f"l'encodage « {encoding} »" if encoding else "l'encodage détecté"
        which_en = f"encoding '{encoding}'" if encoding else "the detected encoding"
        raise EncodingError(
            f"« {name} » ne peut pas être lu avec {which_fr} ({exc.__class__.__name__}) : "
            "essayez utf-8, cp1252 ou latin-1.",
            f"'{name}' cannot be read with {which_en} ({exc.__class__.__name__}): try utf-8, cp1252 or latin-1.",
            value=encoding or name,
        ) from None


def archive_limits(settings: Settings) -> ArchiveLimits:
    """What a ZIP upload may unpack to: each file as much as an upload, all of them ``max_archive_bytes``."""
    return ArchiveLimits(
        member_bytes=settings.max_upload_bytes,
        total_bytes=settings.max_archive_bytes,
        members=settings.max_archive_members,
    )


def _in_lang(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A rejected row or an archive member, its reason in the caller's language where it was said in English."""
    return {**row, "reason": row.get("reason_en") or row["reason"]} if lang == "en" else row


def to_public(imp: Import, lang: str = "fr") -> ImportPublic:
    """The import as the API shows it, its warnings in the caller's language."""
    fields = {name: getattr(imp, name) for name in ImportPublic.model_fields if name != "warnings"}
    fields["rejected"] = [_in_lang(r, lang) for r in imp.rejected]
    fields["members"] = [_in_lang(m, lang) for m in imp.members or []]
    warnings = [
        ImportWarning(
            code=str(w.get("code", "")),
            message=str(w.get("message_en" if lang == "en" else "message_fr") or w.get("message_fr", "")),
            value=None if w.get("value") is None else str(w["value"]),
        )
        for w in imp.warnings or []
    ]
    return ImportPublic.model_validate({**fields, "warnings": warnings})


@router.post(
    "/consultations/{consultation_id}/imports",
    response_model=ImportPublic,
    status_code=201,
    operation_id="create_import",
    summary="Importer un export de consultation",
    responses=ERRORS,
)
def create_import(
    consultation: ConsultationDep,
    session: SessionDep,
    settings: SettingsDep,
    key: WriteKeyDep,
    lang: LangDep,
    file: Annotated[
        UploadFile, File(description="The export file (CSV, XLSX, JSON, JSON Lines) or its ZIP.")
    ],
    format: Annotated[
        str,
        Form(
            description="auto | granddebat | capcollectif | decidim | polis | csv | xlsx | json | jsonl",
            examples=["auto"],
        ),
    ] = "auto",
    mapping: Annotated[
        str | None, Form(description="ColumnMapping as JSON", examples=['{"text": "avis"}'])
    ] = None,
    text_column: Annotated[str | None, Form()] = None,
    answers_column: Annotated[
        list[str] | None,
        Form(
            description="Instead of text_column, for a questionnaire export (one row per participant, one column "
            "per question, its header asking it): a column of answers, the field repeated for each question."
        ),
    ] = None,
    id_column: Annotated[str | None, Form()] = None,
    question_column: Annotated[str | None, Form()] = None,
    author_column: Annotated[str | None, Form()] = None,
    question_text: Annotated[str | None, Form(description="Question text for single-question files.")] = None,
    mode: Annotated[
        Literal["merge", "replace"],
        Form(
            description="merge (default): add new rows, update changed ones. replace: the file is the whole "
            "export of the consultation's file of that name; its rows absent from it (removed by moderation, "
            "erased on request) are withdrawn: later runs exclude them with the reason, earlier runs keep them."
        ),
    ] = "merge",
) -> ImportPublic:
    """Import a file: every row becomes contributions or a rejected row (line + reason); ``warnings`` say what
    was read but should be known (lines not in UTF-8 read as Windows-1252, a side file skipped). A ZIP export is
    read file by file with its side files, ``members`` saying which and why (413 past its unpacked limits).

    Re-importing the same file adds nothing; a newer export adds new rows and updates changed ones (previous
    text kept); with ``mode=replace`` it also withdraws the rows of that file it no longer holds (``withdrawn``).
    A file problem answers 422 naming it, and nothing is written."""
    if question_text is not None and _CONTROL.search(question_text):
        raise RequestError(
            "Champ « question_text » invalide : caractères de contrôle interdits",
            "Invalid 'question_text' field: control characters are not allowed",
            value=question_text,
        )
    cmap = _mapping(
        mapping, text_column, answers_column, id=id_column, question=question_column, author=author_column
    )
    name = display_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="synthese-import-") as tmp:
        # A stable folder name: readers that name the question after the export's folder (Polis) then give
        # the same question id to every re-import into this consultation.
        folder = Path(tmp) / f"consultation-{consultation.id}"
        folder.mkdir()
        path = folder / stored_name(file.filename)
        _save_upload(file, path, settings.max_upload_bytes)
        with _reading(name):
            imp = import_file(
                session=session,
                consultation=consultation,
                path=path,
                filename=name,
                format=format,
                mapping=cmap,
                secret=settings.pseudonym_secret.encode(),
                question_text=question_text,
                archive_limits=archive_limits(settings),
                mode=mode,
            )
    return to_public(imp, lang)


@router.get(
    "/consultations/{consultation_id}/imports",
    response_model=ImportsPublic,
    operation_id="list_imports",
    summary="Lister les imports d'une consultation",
    responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
def list_imports(consultation: ConsultationDep, session: SessionDep, lang: LangDep) -> ImportsPublic:
    """Every import of the consultation, oldest first, as its upload answered it: file, mode, what it added,
    updated, left unchanged and withdrew, its rejected rows and warnings (in the caller's language)."""
    rows = crud.list_imports(session=session, consultation_id=consultation.id)
    return ImportsPublic(data=[to_public(imp, lang) for imp in rows], count=len(rows))


@router.post(
    "/imports/preview",
    response_model=ImportPreviewPublic,
    operation_id="preview_import",
    summary="Aperçu d'un fichier avant import",
    responses=ERRORS,
)
def preview_import(
    key: KeyDep,
    settings: SettingsDep,
    lang: LangDep,
    file: Annotated[UploadFile, File(description="The export file to inspect, or its ZIP.")],
    format: Annotated[str, Form()] = "auto",
    encoding: Annotated[str | None, Form()] = None,
) -> ImportPreviewPublic:
    """Detected format, encoding, delimiter, columns, five rows, a suggested mapping, and what the import will
    warn about (lines not in UTF-8 read as Windows-1252); for a ZIP export, its first contribution file and
    ``members``, every file as its import will read, use or skip it; stores nothing."""
    from synthesis.ingest import preview

    _check_encoding(encoding)
    name = display_name(file.filename)
    tmp = tempfile.mkdtemp(prefix="synthese-preview-")
    try:
        path = Path(tmp) / stored_name(file.filename)
        _save_upload(file, path, settings.max_upload_bytes)
        with _reading(name, encoding):
            result = preview(path, format=format, encoding=encoding, archive_limits=archive_limits(settings))
        warnings = [
            ImportWarning(code=w.code, message=w.message_en if lang == "en" else w.message_fr)
            for w in result.warnings
        ]
        members = [_in_lang(m.model_dump(), lang) for m in result.members]
        return ImportPreviewPublic.model_validate(
            result.model_dump() | {"warnings": warnings, "members": members}
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
