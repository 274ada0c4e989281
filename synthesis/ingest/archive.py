"""ZIP exports, unpacked safely: the Decidim open-data download, a Polis export, a ZIP of spreadsheets.

Only the members that can hold contributions, and the side files their readers use (a Polis ``summary.csv``),
are written, to a private folder where each keeps its folder inside the archive (so that a Polis
``comments.csv`` finds its ``summary.csv``, a Decidim comments export the debates and proposals beside it, as
the readers do for files on disk). Every other member is listed with the reason it was skipped.

Hostile archives are refused or skipped, never followed: the entry count is read from the archive's end
record before its directory is parsed; members are written by streaming, each under ``member_bytes`` and all
under ``total_bytes`` as actually decompressed (the sizes an archive declares are not trusted); names that
climb out of the archive (``../``, absolute paths), links, encrypted members, nested archives and unknown
compression methods are skipped with their reason; names not marked UTF-8 are read as UTF-8 when they are,
else as the archive's legacy code page (cp437); a corrupt archive or member is an :class:`ArchiveError`.
"""

from __future__ import annotations

import lzma
import stat
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

from synthesis.errors import ArchiveError, ArchiveTooLargeError

from .members import ArchiveLimits, Member, copy_within, place_member, polis_exports, size_text

_END_RECORD = b"PK\x05\x06"
_ENTRY_BYTES = 1024  # a directory entry with a 255-character name and its extra fields holds well under this


def is_archive(path: Path, limits: ArchiveLimits | None = None) -> bool:
    """A ZIP file that is no XLSX workbook (an XLSX is a ZIP holding ``[Content_Types].xml`` and ``xl/``).

    Its directory is only parsed once its end record says it is small enough: a ".zip" too large or corrupt
    is an archive (:func:`unpack` says why), any other file is left to the workbook reader."""
    with path.open("rb") as fh:
        if fh.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
            return False
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return False
    limits = limits or ArchiveLimits()
    try:
        entries, directory = directory_size(path)
        if entries > limits.members or directory > limits.members * _ENTRY_BYTES:
            return path.suffix.lower() == ".zip"
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()[:50]
    except (ArchiveError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return path.suffix.lower() == ".zip"
    return not any(n == "[Content_Types].xml" or n.startswith("xl/") for n in names)


def unpack(archive: Path, dest: Path, limits: ArchiveLimits) -> list[Member]:
    """Write ``archive``'s useful members under ``dest``; every member (but folders) listed, in name order as a
    folder's files are (paths sorted, subfolders in place): a ZIP gives the report of its folder whatever order
    its members were written in."""
    _check_directory(archive, limits)
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > limits.members:
                raise _too_many(archive, len(infos), limits)
            named = sorted(((_name(info), info) for info in infos), key=lambda ni: ni[0].split("/"))
            members: list[Member] = []
            taken: dict[str, str] = {}
            total = [0]
            polis = polis_exports(name for name, _ in named)
            for name, info in named:
                if info.filename.endswith("/"):  # a folder (ZipInfo.is_dir fails on an empty name: "\0…")
                    continue
                member = place_member(name, dest, taken, polis, _refusal(info))
                members.append(member)
                if member.path is not None:
                    _write(zf, info, member, total, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise _corrupt(archive.name, exc) from None
    except NotImplementedError as exc:  # a directory entry asking for a ZIP version zipfile does not read
        raise _corrupt(archive.name, exc) from None
    return members


def directory_size(archive: Path) -> tuple[int, int]:
    """(entries, bytes) of a ZIP file's central directory as its end records announce them (its ZIP64 record
    where the classic one is saturated), read before ``ZipFile`` parses a directory that may list millions of
    entries: ``ZipFile`` reads entries for as many bytes as the directory announces, a few hundred bytes of
    memory each (a 512 MB upload of empty members took 3 GB to open). An :class:`ArchiveError` when there is
    no end record."""
    with archive.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        start = max(0, size - (1 << 16) - 22 - 76)
        fh.seek(start)
        tail = fh.read()
    at = tail.rfind(_END_RECORD)
    # a signature inside the archive's comment is not its end record: the record's comment ends the file
    while at >= 0 and (
        len(tail) < at + 22 or len(tail) - at - 22 != int.from_bytes(tail[at + 20 : at + 22], "little")
    ):
        at = tail.rfind(_END_RECORD, 0, at)
    if at < 0:
        raise _corrupt(archive.name, None)
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    record = tail[at - 76 : at - 20] if at >= 76 and tail[at - 20 : at - 16] == b"PK\x06\x07" else b""
    if record[:4] == b"PK\x06\x06":  # ZIP64, where zipfile reads it: just before its locator
        entries, directory = struct.unpack("<QQ", record[32:48])
    return int(entries), int(directory)


def _check_directory(archive: Path, limits: ArchiveLimits) -> None:
    """Too many members, or a directory larger than that many entries hold (``_ENTRY_BYTES`` each)."""
    entries, directory = directory_size(archive)
    if entries > limits.members:
        raise _too_many(archive, entries, limits)
    if directory > limits.members * _ENTRY_BYTES:
        raise ArchiveError(
            f"Le répertoire de l'archive « {archive.name} » occupe {directory} octets, plus que ses "
            f"{limits.members} membres permis n'en occupent : archive refusée (corrompue ou piégée).",
            f"The directory of the archive '{archive.name}' takes {directory} bytes, more than the "
            f"{limits.members} members allowed take: archive refused (corrupt or crafted).",
            value=directory,
            limit=limits.members * _ENTRY_BYTES,
        )


def _refusal(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    """Why a ZIP member is not read whatever its name: a link, an encrypted member."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "lien symbolique : non suivi", "symbolic link: not followed"
    if info.flag_bits & 0x1:
        return (
            "membre chiffré : fournissez une archive sans mot de passe",
            "encrypted member: give an archive without a password",
        )
    return None


def _write(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: Member, total: list[int], limits: ArchiveLimits
) -> None:
    """Stream the member to its path, counting the bytes it really unpacks to."""
    assert member.path is not None
    try:
        member.path.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, member.path.open("wb") as out:
            copy_within(src, out, member.name, total, limits, _too_large)
    except (NotADirectoryError, IsADirectoryError, FileExistsError):  # "a.csv/b.csv" after the file "a.csv"
        member.path = None
        member.skip(
            "son dossier porte le nom d'un fichier de l'archive : non lu",
            "its folder has the name of a file of the archive: not read",
        )
    except NotImplementedError:  # a compression method zipfile does not read (Deflate64, PPMd, AES…)
        member.path.unlink(missing_ok=True)
        member.path = None
        member.skip(
            f"méthode de compression non prise en charge ({info.compress_type}) : recompressez l'archive en ZIP "
            "standard",
            f"unsupported compression method ({info.compress_type}): re-pack the archive as a standard ZIP",
        )
    except (zlib.error, lzma.LZMAError, EOFError, zipfile.BadZipFile, RuntimeError) as exc:
        raise _corrupt(member.name, exc, member=True) from None


def _name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: a name not flagged UTF-8 is often UTF-8 all the same (zipfile
    then decodes it as cp437); control characters are dropped, the name cut to 255 characters."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = info.orig_filename.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            name = info.orig_filename
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[:255] or "membre"


def _too_many(archive: Path, count: int, limits: ArchiveLimits) -> ArchiveError:
    return ArchiveError(
        f"L'archive « {archive.name} » contient {count} membres (limite : {limits.members}) : importez ses "
        "fichiers d'export un par un, ou une archive qui ne contient qu'eux.",
        f"The archive '{archive.name}' holds {count} members (limit: {limits.members}): import its export files "
        "one by one, or an archive holding only them.",
        value=count,
        limit=limits.members,
    )


def _too_large(name: str, limit: int, *, whole: bool) -> ArchiveTooLargeError:
    mib, mib_en = size_text(limit, "fr"), size_text(limit, "en")
    if whole:
        return ArchiveTooLargeError(
            f"L'archive décompressée dépasse la limite de {mib} (atteinte en lisant « {name} ») : importez ses "
            "fichiers séparément.",
            f"The unpacked archive exceeds the limit of {mib_en} (reached reading '{name}'): import its files "
            "separately.",
            value=name,
            limit=limit,
        )
    return ArchiveTooLargeError(
        f"« {name} » dépasse, décompressé, la limite de {mib} par fichier de l'archive : importez-le à part, "
        "ou découpez-le.",
        f"'{name}' exceeds, unpacked, the limit of {mib_en} per file of the archive: import it on its own, or "
        "split it.",
        value=name,
        limit=limit,
    )


def _corrupt(name: str, exc: BaseException | None, member: bool = False) -> ArchiveError:
    detail = f" ({exc})" if exc is not None and str(exc) else ""
    what_fr, what_en = ("le membre", "member") if member else ("l'archive ZIP", "ZIP archive")
    return ArchiveError(
        f"Impossible de lire {what_fr} « {name} » : archive corrompue ou tronquée{detail}. Téléchargez l'export "
        "à nouveau.",
        f"Cannot read {what_en} '{name}': corrupt or truncated archive{detail}. Download the export again.",
        value=name,
    )
