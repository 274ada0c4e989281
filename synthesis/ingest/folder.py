"""A folder of export files, read as the ZIP of the same files is (:mod:`.archive`): one set of members.

A collectivité often holds a consultation as a folder: the Decidim open-data download unzipped, a Polis export
folder, a folder of spreadsheets. Its files are listed in name order (subfolders in place, as a path sorts),
each classified by the rules that classify a ZIP's members (:func:`.members.place_member`): contribution
files read, side files kept beside them, the rest skipped with the reason, hidden files, system metadata and
Office lock files included. The files to read are copied, within the archive's limits (each file, all of them,
how many), to a private folder where each keeps its path, so their readers see the same side files as in the
ZIP: nothing else of the folder is read. What the folder's walk cannot take is listed as skipped with the
reason: a symbolic link (one pointing outside the folder is never followed; one pointing inside names a file or
folder read under its own name), a special file (a pipe, a device), a folder nested too deep, hidden or
unreadable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from synthesis.errors import ArchiveError, ArchiveTooLargeError, os_reason

from .archive import unpack
from .members import (
    DEPTH,
    ArchiveLimits,
    Member,
    copy_within,
    litter,
    place_member,
    polis_exports,
    sha256_of,
    size_text,
    too_deep,
)

Refusal = tuple[str, str] | None


def stage(source: Path, dest: Path, limits: ArchiveLimits) -> list[Member]:
    """The members of ``source``, a folder or a ZIP file, their useful files written under ``dest``; a file
    whose bytes an earlier one holds is skipped (:func:`skip_copies`)."""
    members = stage_folder(source, dest, limits) if source.is_dir() else unpack(source, dest, limits)
    skip_copies(members)
    return members


def skip_copies(members: list[Member]) -> None:
    """Skip, with the reason, each contribution file whose bytes an earlier one holds ("Copie de avis.csv"
    beside "avis.csv"): read twice, its contributions counted twice, under ids prefixed with each file's name."""
    first: dict[str, str] = {}
    for m in members:
        if m.status != "read" or m.path is None or not m.path.stat().st_size:  # an empty file: said as such
            continue
        digest = m.digest()
        if digest not in first:
            first[digest] = m.name
            continue
        m.path.unlink()
        m.path = None
        m.skip(
            f"même contenu que « {first[digest]} » : non lu deux fois",
            f"same content as '{first[digest]}': not read twice",
        )


def stage_folder(folder: Path, dest: Path, limits: ArchiveLimits) -> list[Member]:
    """Copy ``folder``'s useful files under ``dest``; every file (and each folder not walked) listed."""
    entries = _walk(folder, limits)
    polis = polis_exports(name for name, _, refusal in entries if refusal is None)
    members: list[Member] = []
    taken: dict[str, str] = {}
    total = [0]
    for name, path, refusal in entries:
        member = place_member(name, dest, taken, polis, refusal)
        members.append(member)
        if member.path is not None:
            _copy(path, member, total, limits)
    return members


def sha256_of_source(source: Path, members: list[Member]) -> str:
    """A ZIP's checksum; a folder's, that of the names and contents of the files it reads (the same files,
    the same checksum, wherever the folder lies and whatever else it holds)."""
    if not source.is_dir():
        return sha256_of(source)
    digest = hashlib.sha256()
    for m in members:
        if m.path is not None and m.status in ("read", "side"):
            digest.update(f"{m.name}\0{m.digest()}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _walk(folder: Path, limits: ArchiveLimits) -> list[tuple[str, Path, Refusal]]:
    """(name inside the folder, path, why it is not read) of each file, in name order; a folder that is not
    walked is one entry, its name ending with "/"."""
    root = folder.resolve()
    found: list[tuple[str, Path, Refusal]] = []

    def visit(at: Path, parts: tuple[str, ...]) -> None:
        try:
            children = sorted(os.scandir(at), key=lambda e: e.name)
        except OSError as exc:
            found.append(("/".join(parts) + "/", at, _unreadable(exc)))
            return
        for entry in children:
            if len(found) >= limits.members:
                raise _too_many(folder, limits)
            rel = (*parts, _shown(entry.name))
            name = "/".join(rel)
            if entry.is_symlink():
                found.append((name, Path(entry.path), _link(Path(entry.path), root)))
            elif entry.is_dir(follow_symlinks=False):
                if litter(list(rel)) is None and len(rel) < DEPTH:
                    visit(Path(entry.path), rel)
                else:
                    found.append((name + "/", Path(entry.path), litter(list(rel)) or too_deep()))
            elif entry.is_file(follow_symlinks=False):
                found.append((name, Path(entry.path), None))
            else:
                found.append((name, Path(entry.path), _special()))

    visit(folder, ())
    return found


def _shown(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the file system as surrogates) shown as �."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _link(path: Path, root: Path) -> tuple[str, str]:
    target = Path(os.path.realpath(path))
    if not target.exists() or not target.is_relative_to(root):
        return (
            "lien symbolique vers un chemin hors du dossier (ou absent) : non suivi",
            "symbolic link to a path outside the folder (or missing): not followed",
        )
    inside = target.relative_to(root).as_posix()
    return (
        f"lien symbolique vers « {inside} », dans le dossier : lu sous son propre nom, pas deux fois",
        f"symbolic link to '{inside}', inside the folder: read under its own name, not twice",
    )


def _special() -> tuple[str, str]:
    return (
        "pas un fichier ordinaire (tube, périphérique, socket) : non lu",
        "not a regular file (pipe, device, socket): not read",
    )


def _unreadable(exc: OSError) -> tuple[str, str]:
    reason_fr, reason_en = os_reason(exc)
    return f"illisible ({reason_fr}) : non lu", f"unreadable ({reason_en}): not read"


def _copy(source: Path, member: Member, total: list[int], limits: ArchiveLimits) -> None:
    """Copy the file to its member's path, counting its bytes against the limits; one that cannot be opened
    (no right to read it) is skipped with the reason, the others are still read."""
    assert member.path is not None
    try:
        member.path.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as src, member.path.open("wb") as out:
            copy_within(src, out, member.name, total, limits, _too_large)
    except OSError as exc:
        member.path.unlink(missing_ok=True)
        member.path = None
        member.skip(*_unreadable(exc))


def _too_many(folder: Path, limits: ArchiveLimits) -> ArchiveError:
    return ArchiveError(
        f"Le dossier « {folder} » contient plus de {limits.members} fichiers (limite : {limits.members}) : "
        "donnez un dossier qui ne contient que les fichiers d'export, ou importez-les un par un.",
        f"The folder '{folder}' holds more than {limits.members} files (limit: {limits.members}): give a folder "
        "holding only the export files, or import them one by one.",
        value=str(folder),
        limit=limits.members,
    )


def _too_large(name: str, limit: int, *, whole: bool) -> ArchiveTooLargeError:
    mib, mib_en = size_text(limit, "fr"), size_text(limit, "en")
    if whole:
        return ArchiveTooLargeError(
            f"Les fichiers du dossier dépassent ensemble la limite de {mib} (atteinte en lisant « {name} ») : "
            "importez-les séparément.",
            f"The folder's files exceed together the limit of {mib_en} (reached reading '{name}'): import them "
            "separately.",
            value=name,
            limit=limit,
        )
    return ArchiveTooLargeError(
        f"« {name} » dépasse la limite de {mib} par fichier d'un dossier : importez-le à part, ou découpez-le.",
        f"'{name}' exceeds the limit of {mib_en} per file of a folder: import it on its own, or split it.",
        value=name,
        limit=limit,
    )
