"""Imports: upload an export into a consultation (one transaction), and preview a file before importing it."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import ValidationError

from schemas import ColumnMapping
from schemas.api import ErrorOut, ImportPublic
from service.api.deps import ConsultationDep, KeyDep, SessionDep, SettingsDep, WriteKeyDep
from service.errors import RequestError, TooLargeError
from service.imports import import_file
from service.models import Import

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


def _mapping(mapping: str | None, text_column: str | None, **columns: str | None) -> ColumnMapping | None:
    try:
        if mapping:
            return ColumnMapping.model_validate(json.loads(mapping))
        if text_column:
            return ColumnMapping(text=text_column, **{k: v for k, v in columns.items() if v})
    except (ValueError, ValidationError) as exc:
        raise RequestError(
            f"Champ « mapping » invalide : {exc}", f"Invalid 'mapping' field: {exc}", value=mapping
        ) from exc
    return None


def to_public(imp: Import) -> ImportPublic:
    return ImportPublic.model_validate(imp, from_attributes=True)


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
    file: Annotated[UploadFile, File(description="The export file (CSV, XLSX, JSON, JSON Lines).")],
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
    id_column: Annotated[str | None, Form()] = None,
    question_column: Annotated[str | None, Form()] = None,
    author_column: Annotated[str | None, Form()] = None,
    question_text: Annotated[str | None, Form(description="Question text for single-question files.")] = None,
) -> ImportPublic:
    """Import a file: every row becomes contributions or a rejected row (line + reason).

    Re-importing the same file adds nothing; a newer export adds new rows and updates changed ones (previous
    text kept). A file problem answers 422 naming it, and nothing is written."""
    cmap = _mapping(mapping, text_column, id=id_column, question=question_column, author=author_column)
    name = Path(file.filename or "upload").name
    with tempfile.TemporaryDirectory(prefix="synthese-import-") as tmp:
        # A stable folder name: readers that name the question after the export's folder (Polis) then give
        # the same question id to every re-import into this consultation.
        folder = Path(tmp) / f"consultation-{consultation.id}"
        folder.mkdir()
        path = folder / (name if Path(name).suffix else name + ".csv")
        _save_upload(file, path, settings.max_upload_bytes)
        imp = import_file(
            session=session,
            consultation=consultation,
            path=path,
            filename=name,
            format=format,
            mapping=cmap,
            secret=settings.pseudonym_secret.encode(),
            question_text=question_text,
        )
    return to_public(imp)


try:  # the preview model comes with the ingest layer (issue 3)
    from schemas.imports import ImportPreview as _PreviewModel
except ImportError:  # pragma: no cover - before the ingest layer lands
    _PreviewModel = dict  # type: ignore[assignment,misc]


@router.post(
    "/imports/preview",
    response_model=_PreviewModel,
    operation_id="preview_import",
    summary="Aperçu d'un fichier avant import",
    responses=ERRORS,
)
def preview_import(
    key: KeyDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The export file to inspect.")],
    format: Annotated[str, Form()] = "auto",
    encoding: Annotated[str | None, Form()] = None,
) -> dict:
    """Detected format, encoding, delimiter, columns, five rows, a suggested mapping; stores nothing."""
    from synthesis.ingest import preview

    name = Path(file.filename or "upload").name
    tmp = tempfile.mkdtemp(prefix="synthese-preview-")
    try:
        path = Path(tmp) / (name if Path(name).suffix else name + ".csv")
        _save_upload(file, path, settings.max_upload_bytes)
        result = preview(path, format=format, encoding=encoding)
        return result.model_dump(mode="json")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
