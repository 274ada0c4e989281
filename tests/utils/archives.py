"""ZIP exports built in the tests from the real files (nothing binary is committed), and hostile ones."""

from __future__ import annotations

import io
import zipfile

from tests.utils.data import SHARED_DATA

DECIDIM = SHARED_DATA / "decidim-mel-nancy"
HOST = "participation.lillemetropole.fr"
# The Métropole Européenne de Lille's files of the real exports, named as Decidim's open-data ZIP names them
# (``<host>-open-data-<resource>.csv``); a meetings file the import does not read, and a README.
DECIDIM_MEMBERS = {
    "propositions-libres.csv": f"{HOST}-open-data-proposals.csv",
    "debats.csv": f"{HOST}-open-data-debates.csv",
    "commentaires_debats.csv": f"{HOST}-open-data-debate_comments.csv",
}
POLIS = SHARED_DATA / "polis" / "london.youth.policing"


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def decidim_zip() -> bytes:
    members = {new: (DECIDIM / old).read_bytes() for old, new in DECIDIM_MEMBERS.items()}
    members[f"{HOST}-open-data-meetings.csv"] = b"id;title/fr;description/fr\n1;Rencontre;Salle des fetes\n"
    members["LISEZMOI.md"] = b"Export des donnees ouvertes\n"
    return zip_bytes(members)


def polis_zip(folder: str | None = "london.youth.policing") -> bytes:
    """The real Polis export, in a folder of the archive (``None``: at its root, as some downloads are)."""
    prefix = f"{folder}/" if folder else ""
    return zip_bytes({prefix + p.name: p.read_bytes() for p in sorted(POLIS.iterdir())})


def patched(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with every ``old`` (a member's name, a header's flags) replaced by ``new`` of the same size."""
    assert len(old) == len(new) and old in data
    return data.replace(old, new)


def encrypted_member(name: str, content: bytes) -> bytes:
    """A ZIP whose one member says it is encrypted (general purpose flag bit 0) in both of its headers
    (zipfile writes no encrypted member: the flags are set in the bytes)."""
    data = bytearray(zip_bytes({name: content}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x1
    return bytes(data)


def symlink_member(name: str, target: str) -> bytes:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(info, target)
    return out.getvalue()


def polis_download_zip(prefix: str = "2024-05-02-1512-8xk3-") -> bytes:
    """The real Polis export as the report page's download names its files ("<prefix>comments.csv",
    "participant-votes.csv"), with the per-group tallies it adds ("comment-groups.csv": each comment's text
    again, with its votes by opinion group), built from the real comments."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["comment-id", "comment", "total-votes", "total-agrees", "group-a-votes", "group-a-agrees"]
    )
    with (POLIS / "comments.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            writer.writerow([row["comment-id"], row["comment-body"], row["agrees"], row["agrees"], 0, 0])
    members = {
        prefix + name.replace("participants-", "participant-"): (POLIS / name).read_bytes()
        for name in ("comments.csv", "summary.csv", "votes.csv", "participants-votes.csv")
    }
    members[prefix + "comment-groups.csv"] = out.getvalue().encode()
    return zip_bytes(members)
