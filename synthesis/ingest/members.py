"""The members of an export that holds several files, a ZIP or a folder: what each is (read, side file,
skipped with the reason) from its path alone, and where it is written to be read.

A member's path decides: contribution files are read (CSV, XLSX, JSON, JSON Lines); the side files their
readers use beside them are kept (a Polis ``summary.csv``); the rest is skipped with the reason, in French and
in English: the other files of a Polis export or a Decidim open-data download, nested archives, what an
operating system or an open document leaves beside the files (``__MACOSX``, ``.DS_Store``, ``Thumbs.db``, an
Office ``~$`` lock file), hidden files, folders nested too deep. :mod:`.archive` lists a ZIP's members,
:mod:`.folder` a folder's; both write the members to read under a private folder, each keeping its path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

CHUNK = 1 << 20
#: Formats the readers take, by extension; any other member is skipped.
READABLE = {".csv", ".tsv", ".txt", ".tab", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson"}
NESTED = {".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".z"}
#: A Polis export's files, named alike ("comments.csv", or "<date>-<conversation>-comments.csv" as the report
#: page's download names them): its comments are read with its summary; its votes, per-group tallies and
#: statistics are not contributions, and are skipped beside its comments only (elsewhere a "summary.csv" is
#: a spreadsheet like any other).
_POLIS_COMMENTS = re.compile(r"^(|.*-)comments\.csv$", re.IGNORECASE)
_POLIS_FILE = re.compile(
    r"^(|.*?-)(summary|votes|participants?-votes|comment-groups|stats-history)\.csv$", re.IGNORECASE
)
_POLIS_SKIPPED = {
    "votes": ("votes Polis : pas des contributions", "Polis votes: not contributions"),
    "comment-groups": (
        "votes Polis par groupe d'opinion : pas des contributions (les commentaires sont lus dans leur fichier)",
        "Polis votes per opinion group: not contributions (the comments are read from their own file)",
    ),
    "stats-history": ("statistiques Polis : pas des contributions", "Polis statistics: not contributions"),
}
_DECIDIM = re.compile(r"open-data-([a-z_]+)\.csv$", re.IGNORECASE)
_DECIDIM_READ = {"proposals", "debates"}
_NAME_BYTES = 200
DEPTH = 8

Status = Literal["read", "side", "skipped"]


@dataclass(frozen=True)
class ArchiveLimits:
    """Most bytes one member, and all of them, may unpack to; most members an archive may hold."""

    member_bytes: int = 512 << 20
    total_bytes: int = 1 << 30
    members: int = 1000


def copy_within(
    src: IO[bytes],
    out: IO[bytes],
    name: str,
    total: list[int],
    limits: ArchiveLimits,
    too_large: Callable[..., Exception],
) -> None:
    """Stream ``src`` to ``out``, counting its bytes against ``limits.member_bytes`` and, with the members
    before it (``total[0]``), against ``limits.total_bytes``: ``too_large(name, limit, whole=...)`` is raised
    when either is passed, whatever the source declared."""
    written = 0
    while chunk := src.read(CHUNK):
        written += len(chunk)
        total[0] += len(chunk)
        if written > limits.member_bytes:
            raise too_large(name, limits.member_bytes, whole=False)
        if total[0] > limits.total_bytes:
            raise too_large(name, limits.total_bytes, whole=True)
        out.write(chunk)


@dataclass
class Member:
    """One member of the archive (one file of the folder): where it was written (None when skipped), and what
    became of it."""

    name: str
    status: Status
    path: Path | None = None
    reason: str = ""
    reason_en: str = ""
    format: str | None = None
    kind: str = ""
    rows: int | None = None
    sha256: str | None = None  # of the file written, once :meth:`digest` has read it

    def digest(self) -> str:
        """The SHA-256 of the member's file, read once (copies are told by it, then a folder's checksum)."""
        assert self.path is not None
        if self.sha256 is None:
            self.sha256 = sha256_of(self.path)
        return self.sha256

    def skip(self, reason: str, reason_en: str) -> None:
        self.status, self.reason, self.reason_en = "skipped", reason, reason_en

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "format": self.format,
            "kind": self.kind,
            "rows": self.rows,
            "reason": self.reason,
            "reason_en": self.reason_en,
        }


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file ``path``, read by chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _parts(name: str) -> list[str]:
    return [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]


def polis_exports(names: Iterable[str]) -> set[tuple[str, str]]:
    """(folder, prefix) of each Polis comments file among ``names``, both case-folded."""
    found = set()
    for name in names:
        parts = _parts(name)
        if parts and (match := _POLIS_COMMENTS.match(parts[-1])):
            found.add(("/".join(parts[:-1]).casefold(), match[1].casefold()))
    return found


def litter(parts: list[str]) -> tuple[str, str] | None:
    """Why a file or folder is left out by its name alone: what an operating system or an open document
    leaves beside the files (macOS's ``__MACOSX`` and ``._*``, ``.DS_Store``, ``Thumbs.db``, an Office
    ``~$`` lock file), or a hidden file or folder."""
    base = parts[-1]
    if "__MACOSX" in parts or base.startswith("._") or base in {".DS_Store", "Thumbs.db", "desktop.ini"}:
        return (
            "métadonnées du système (macOS, Windows) : non lues",
            "system metadata (macOS, Windows): not read",
        )
    if base.startswith("~$"):
        return (
            "fichier de verrou d'Office (document ouvert) : non lu",
            "Office lock file (of an open document): not read",
        )
    if any(p.startswith(".") for p in parts):
        return "fichier ou dossier caché : non lu", "hidden file or folder: not read"
    return None


def place_member(
    name: str,
    dest: Path,
    taken: dict[str, str],
    polis: set[tuple[str, str]],
    refusal: tuple[str, str] | None = None,
) -> Member:
    """The member ``name`` (a path inside the archive or folder) and where it is written under ``dest``
    (``path`` None, with the reason, when skipped: ``refusal`` says why its source refuses it)."""
    member = Member(name=name, status="read")
    parts = _parts(name)
    if not parts:  # "." or "./.": no file name at all
        member.skip("membre sans nom de fichier : non lu", "member without a file name: not read")
        return member
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        member.skip(
            "chemin hors de l'archive (« .. » ou chemin absolu) : non lu",
            "path outside the archive ('..' or an absolute path): not read",
        )
        return member
    reason = refusal or litter(parts)
    if reason is not None:
        member.skip(*reason)
    elif len(parts) > DEPTH:
        member.skip(*too_deep())
    else:
        _classify(member, parts, polis)
    if member.status == "skipped":
        return member
    safe = [_safe_part(p) for p in parts]
    key = "/".join(safe).casefold()
    earlier = taken.get(key)
    if earlier == name:
        member.skip("même nom qu'un membre précédent : non lu", "same name as an earlier member: not read")
        return member
    if earlier is not None:  # "Avis.csv" and "avis.csv": two files on this disk, one on others
        member.skip(
            f"même nom que « {earlier} » sur certains disques (à la casse ou à un caractère près) : non lu ; "
            "renommez l'un des deux",
            f"same name as '{earlier}' on some disks (but for case or a character): not read; rename one of "
            "them",
        )
        return member
    taken[key] = name
    member.path = dest.joinpath(*safe)
    return member


def too_deep() -> tuple[str, str]:
    return f"dossiers imbriqués sur plus de {DEPTH} niveaux", f"folders nested over {DEPTH} levels"


def _classify(member: Member, parts: list[str], polis: set[tuple[str, str]]) -> None:
    """Read (a contribution file), side (a file its reader uses) or skipped, from the member's name."""
    base = parts[-1]
    suffix = PurePosixPath(base).suffix.lower()
    decidim = _DECIDIM.search(base)
    beside = _POLIS_FILE.match(base)
    if beside and ("/".join(parts[:-1]).casefold(), beside[1].casefold()) not in polis:
        beside = None  # no Polis comments beside it: a spreadsheet like any other
    what = beside[2].lower() if beside else ""
    if suffix in NESTED:
        member.skip(
            "archive imbriquée : non ouverte (décompressez-la et importez-la à part)",
            "nested archive: not opened (unpack it and import it separately)",
        )
    elif what == "summary":
        member.status = "side"
        member.reason = "fichier voisin de Polis : donne le texte de la question"
        member.reason_en = "Polis side file: gives the question's text"
    elif what:
        member.skip(*_POLIS_SKIPPED["votes" if what.endswith("votes") else what])
    elif decidim and not (decidim[1].lower() in _DECIDIM_READ or decidim[1].lower().endswith("_comments")):
        what = decidim[1].lower()
        member.skip(
            f"données ouvertes Decidim « {what} » : pas des contributions (seuls les propositions, débats et "
            "commentaires le sont)",
            f"Decidim open data '{what}': not contributions (only proposals, debates and comments are)",
        )
    elif suffix not in READABLE:
        member.skip(
            "pas un export lisible (CSV, XLSX, JSON ou JSON Lines attendu)",
            "not a readable export (CSV, XLSX, JSON or JSON Lines expected)",
        )


def _safe_part(part: str) -> str:
    """A path part the file system accepts: no separators or leading dots, at most ``_NAME_BYTES`` bytes."""
    part = part.replace(":", "_").lstrip(".") or "_"
    suffix = PurePosixPath(part).suffix if len(PurePosixPath(part).suffix) <= 10 else ""
    stem = part[: len(part) - len(suffix)] if suffix else part
    return stem.encode()[: _NAME_BYTES - len(suffix.encode())].decode(errors="ignore") + suffix


def size_text(limit: int, lang: str) -> str:
    """``limit`` as a reader takes it in: whole MiB as such, else its bytes, thousands apart."""
    if limit >= 1 << 20 and limit % (1 << 20) == 0:
        return f"{limit >> 20} Mio" if lang == "fr" else f"{limit >> 20} MiB"
    return f"{limit:,} octets".replace(",", "\u00a0") if lang == "fr" else f"{limit:,} bytes"
