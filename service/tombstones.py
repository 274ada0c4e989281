"""What an import does with the tombstones of erased contributions (``service.erasure``): it skips their rows and
says so, keeps the question text of the comments on an erased Decidim proposal, and refuses a new version of a
file whose rows are known by their line once some of them were erased."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, or_, select

from service.errors import RequestError
from service.models import Contribution, Import

# Decidim contributions whose title is the question of the comments answering them (``question_id`` = their key)
ROOT_KINDS = ("proposal", "debate")


def erased_rows_warning(n: int) -> dict:
    """The warning of an import that skipped ``n`` rows whose contributions were erased."""
    return {
        "code": "erased_rows_skipped",
        "message_fr": f"{n} ligne(s) du fichier ignorée(s) : leurs contributions ont été effacées à la demande de "
        "leur auteur (RGPD) et ne sont pas réimportées.",
        "message_en": f"{n} row(s) of the file skipped: their contributions were erased at their author's request "
        "(GDPR) and are not imported again.",
        "value": str(n),
    }


def erased_roots(rows: Iterable[Contribution]) -> dict[str, str]:
    """Of the erased Decidim proposals and debates among ``rows``, key -> the question text the comments on them
    then read ("Proposition n° 7"): their title was their author's words."""
    from synthesis.ingest.decidim import root_label

    return {
        c.key: root_label(str((c.extra or {}).get("kind")), c.source_id)
        for c in rows
        if (c.extra or {}).get("kind") in ROOT_KINDS
    }


def consultation_erased_roots(session: Session, consultation_id: int) -> dict[str, str]:
    """:func:`erased_roots` of the consultation's erased contributions."""
    roots = (col(Contribution.key).startswith("debate-"), col(Contribution.key).startswith("proposal-"))
    stmt = select(Contribution).where(
        Contribution.consultation_id == consultation_id,
        col(Contribution.erasure_id).is_not(None),
        or_(*roots),
    )
    return erased_roots(session.exec(stmt))


def check_lines_of_erased_rows(session: Session, imp: Import, files: tuple[dict[int, str], str]) -> None:
    """Refuse ``imp`` (its rows known by their line: its export gives them no id) when it is another version of a
    file some of whose rows were erased: a row removed or added before an erased one shifts the lines, so that the
    erased row's text would come back as another line's, and another row be skipped as erased. The same bytes
    again (the lines unchanged) are read, their erased rows skipped."""
    file_of, filename = files
    earlier = [i for i, name in file_of.items() if name == filename]
    if not earlier:
        return
    stmt = select(Contribution.last_import_id).where(
        Contribution.consultation_id == imp.consultation_id,
        col(Contribution.erasure_id).is_not(None),
        col(Contribution.import_id).in_(earlier),
        col(Contribution.source_id).contains("ligne-"),
    )
    read_by = set(session.exec(stmt.distinct()))
    shas = set(session.exec(select(Import.sha256).where(col(Import.id).in_(read_by)))) if read_by else set()
    if shas and imp.sha256 not in shas:
        raise RequestError(
            f"Le fichier « {filename} » ne donne pas d'identifiant à ses lignes (elles sont reconnues par leur "
            "numéro) et des contributions d'une version précédente de ce fichier ont été effacées à la demande de "
            "leur auteur : une ligne décalée ramènerait un texte effacé sous le numéro d'une autre, ou ferait "
            "ignorer une autre ligne comme effacée. Exportez avec la colonne d'identifiant (ou indiquez-la : "
            "id_column) ; rien n'a été importé.",
            f"The file '{filename}' gives its rows no id (they are known by their line) and contributions of an "
            "earlier version of it were erased at their author's request: a shifted line would bring an erased "
            "text back under another line's number, or have another row skipped as erased. Export with the id "
            "column (or name it: id_column); nothing was imported.",
            value=filename,
        )
