"""A folder of export files, read as the ZIP of the same files is: the real Decidim exports of two collectivités
and a real Polis export folder, OS litter and links skipped with the reason, the archive's limits."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from synthesis.errors import ArchiveError, ArchiveTooLargeError
from synthesis.ingest import preview, read_file
from synthesis.ingest.members import ArchiveLimits
from tests.utils.data import SHARED_DATA

DECIDIM = SHARED_DATA / "decidim-mel-nancy"
POLIS = SHARED_DATA / "polis" / "brexit-consensus"


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    """Staged files go to a folder of the test's own, so that what is left there can be checked."""
    staged = tmp_path / "tmp"
    staged.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(staged))
    yield
    assert not list(staged.iterdir()), "a staged folder was left behind"


def zip_of(folder: Path, dest: Path) -> Path:
    """The ZIP of ``folder``'s files, at its root, in the order the folder is read (paths sorted)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
    return dest


def _members(result) -> dict[str, tuple]:
    return {
        m["name"]: (m["status"], m["format"], m["kind"], m["rows"])
        for m in result.extras["archive"]["members"]
    }


def _seen(result) -> list[tuple]:
    return [
        (c.contribution_id, c.question_id, c.question_text, c.text, c.author_ref, c.extra.get("file"))
        for c in result.contributions
    ]


def _copy(source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


@pytest.mark.parametrize("source", [DECIDIM, POLIS], ids=["decidim", "polis"])
def test_a_real_export_folder_is_read_as_the_zip_of_its_files(tmp_path, source):
    if not source.is_dir():
        pytest.skip("real data not found")
    folder = _copy(source, tmp_path)
    from_folder = read_file(folder, secret=b"k")
    from_zip = read_file(zip_of(folder, tmp_path / f"{folder.name}.zip"), secret=b"k")
    assert _seen(from_folder) == _seen(from_zip) and from_folder.contributions
    assert [(r.file, r.line, r.reason) for r in from_folder.rejected] == [
        (r.file, r.line, r.reason) for r in from_zip.rejected
    ]
    assert from_folder.rows_read == from_zip.rows_read
    assert _members(from_folder) == _members(from_zip)
    assert from_folder.extras["archive"]["folder"] is True
    assert read_file(folder, secret=b"k").sha256 == from_folder.sha256  # the same files, the same checksum


def test_the_decidim_folder_reads_each_export_with_the_debates_and_proposals_beside_it(tmp_path):
    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    result = read_file(DECIDIM, secret=b"k")
    assert _members(result) == {
        "README.md": ("skipped", None, "", None),
        "commentaires_debats.csv": ("read", "decidim", "comments", 693),
        "commentaires_propositions_libres.csv": ("read", "decidim", "comments", 44),
        "debats.csv": ("read", "decidim", "debates", 29),
        "propositions-libres.csv": ("read", "decidim", "proposals", 196),
    }
    assert result.rows_read == 693 + 44 + 29 + 196
    comments = [c for c in result.contributions if c.extra["kind"] == "comment"]
    assert comments and not any(c.question_text.startswith("Débat n°") for c in comments)


def test_a_polis_folder_reads_its_comments_with_their_question_and_skips_the_votes(tmp_path):
    if not POLIS.is_dir():
        pytest.skip("real data not found")
    result = read_file(POLIS)
    alone = read_file(POLIS / "comments.csv")
    assert [(c.text, c.question_text) for c in result.contributions] == [
        (c.text, c.question_text) for c in alone.contributions
    ]
    assert {c.question_id for c in result.contributions} == {"brexit-consensus"}  # named after its folder
    members = _members(result)
    assert members["summary.csv"][0] == "side" and members["votes.csv"][0] == "skipped"
    assert members["participants-votes.csv"][0] == "skipped"
    p = preview(POLIS)
    assert p.file_name == "brexit-consensus" and p.member == "comments.csv" and p.format == "polis"
    assert [m.name for m in p.members] == sorted(m.name for m in p.members)


def test_litter_hidden_files_and_links_are_skipped_with_their_reason_in_name_order(tmp_path):
    folder = tmp_path / "consultation"
    outside = tmp_path / "ailleurs.csv"
    outside.write_text("id;avis\n1;Secret\n", encoding="utf-8")
    files = {
        "b.csv": "id;avis\n1;Des bus le soir\n",
        "a.csv": "id;avis\n1;Des pistes cyclables\n",
        "sous dossier/été.csv": "id;avis\n1;Des arbres\n",
        ".DS_Store": "\0\0\0\1Bud1",
        "Thumbs.db": "\0",
        "~$avis.xlsx": "\0verrou",
        ".cachée.csv": "id;avis\n1;Caché\n",
        ".git/config": "[core]\n",
        "__MACOSX/._a.csv": "\0\5\26\7",
        "/".join("abcdefghij") + "/profond.csv": "id;avis\n1;Trop loin\n",
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / "lien-dehors.csv").symlink_to(outside)
    (folder / "lien-dedans.csv").symlink_to(folder / "a.csv")
    (folder / "dossier-lié").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "tube.csv")  # read, it would block the import for ever
    result = read_file(folder)
    assert [(c.text, c.extra["file"]) for c in result.contributions] == [
        ("Des pistes cyclables", "a.csv"),
        ("Des bus le soir", "b.csv"),
        ("Des arbres", "sous dossier/été.csv"),
    ]
    members = {m["name"]: m for m in result.extras["archive"]["members"]}
    assert list(members) == sorted(members, key=lambda n: n.split("/"))  # paths in order, whatever the disk
    reasons = {name: m["reason_en"] for name, m in members.items() if m["status"] == "skipped"}
    assert reasons == {
        ".DS_Store": "system metadata (macOS, Windows): not read",
        ".cachée.csv": "hidden file or folder: not read",
        ".git/": "hidden file or folder: not read",
        "Thumbs.db": "system metadata (macOS, Windows): not read",
        "__MACOSX/": "system metadata (macOS, Windows): not read",
        "a/b/c/d/e/f/g/h/": "folders nested over 8 levels",
        "dossier-lié": "symbolic link to a path outside the folder (or missing): not followed",
        "lien-dedans.csv": "symbolic link to 'a.csv', inside the folder: read under its own name, not twice",
        "lien-dehors.csv": "symbolic link to a path outside the folder (or missing): not followed",
        "tube.csv": "not a regular file (pipe, device, socket): not read",
        "~$avis.xlsx": "Office lock file (of an open document): not read",
    }
    assert members["~$avis.xlsx"]["reason"] == "fichier de verrou d'Office (document ouvert) : non lu"
    assert "Secret" not in {c.text for c in result.contributions}


def test_an_office_lock_file_and_a_hidden_file_are_skipped_in_a_zip_too(tmp_path):
    from tests.utils.archives import zip_bytes

    path = tmp_path / "export.zip"
    path.write_bytes(
        zip_bytes({"avis.csv": b"id;avis\n1;Des bus\n", "~$avis.xlsx": b"\0", ".avis.csv": b"id;avis\n1;x\n"})
    )
    result = read_file(path)
    assert [c.text for c in result.contributions] == ["Des bus"]
    statuses = {m["name"]: m["status"] for m in result.extras["archive"]["members"]}
    assert statuses == {"avis.csv": "read", "~$avis.xlsx": "skipped", ".avis.csv": "skipped"}


def test_an_empty_folder_or_one_with_nothing_readable_is_an_error_naming_it(tmp_path):
    empty = tmp_path / "vide"
    empty.mkdir()
    with pytest.raises(
        ArchiveError, match=r"^Le dossier « .*vide » ne contient aucun fichier de contributions"
    ):
        read_file(empty)
    (empty / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(ArchiveError, match=r"« notes\.docx » : pas un export lisible") as caught:
        preview(empty)
    assert caught.value.message_en.startswith(f"The folder '{empty}' holds no readable contribution file")


def test_a_folder_is_held_to_the_limits_of_an_archive(tmp_path):
    folder = tmp_path / "gros"
    folder.mkdir()
    for i in range(4):
        (folder / f"q{i}.csv").write_text("id,avis\n" + "1,abc\n" * 200, encoding="utf-8")
    with pytest.raises(
        ArchiveError, match=r"« .*gros » contient plus de 3 fichiers \(limite : 3\)"
    ) as caught:
        read_file(folder, archive_limits=ArchiveLimits(members=3))
    assert "holds more than 3 files (limit: 3)" in caught.value.message_en
    with pytest.raises(ArchiveTooLargeError, match=r"« q0\.csv » dépasse la limite de 1\xa0000 octets"):
        read_file(folder, archive_limits=ArchiveLimits(member_bytes=1000))
    with pytest.raises(ArchiveTooLargeError, match=r"ensemble la limite de 2\xa0000 octets"):
        preview(folder, archive_limits=ArchiveLimits(total_bytes=2000))


# Read as a user without the right to read every file: as root, with the capabilities that let root read
# them dropped (setpriv), so that the test runs as the import runs for a collectivité's agent
_READ_FOLDER = (
    "import json, sys; from synthesis.ingest import read_file; r = read_file(sys.argv[1]); "
    "print(json.dumps([[c.text for c in r.contributions], r.extras['archive']['members']]))"
)


def _read_without_rights(folder: Path) -> tuple[list[str], list[dict]]:
    import json
    import subprocess
    import sys

    command = [sys.executable, "-c", _READ_FOLDER, str(folder)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root reads every file, and setpriv is missing to drop that right")
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", *command]
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    texts, members = json.loads(done.stdout)
    return texts, members


def test_a_file_or_folder_of_the_folder_one_may_not_read_is_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "droits"
    (folder / "fermé").mkdir(parents=True)
    (folder / "a.csv").write_text("id;avis\n1;Des bus\n", encoding="utf-8")
    (folder / "fermé" / "c.csv").write_text("id;avis\n1;Secret\n", encoding="utf-8")
    locked = folder / "b.csv"
    locked.write_text("id;avis\n1;Secret\n", encoding="utf-8")
    locked.chmod(0)
    (folder / "fermé").chmod(0)
    try:
        texts, members = _read_without_rights(folder)
    finally:
        locked.chmod(0o600)
        (folder / "fermé").chmod(0o700)
    assert texts == ["Des bus"]
    skipped = {m["name"]: (m["reason"], m["reason_en"]) for m in members if m["status"] == "skipped"}
    assert skipped == {
        "b.csv": ("illisible (accès refusé) : non lu", "unreadable (permission denied): not read"),
        "fermé/": ("illisible (accès refusé) : non lu", "unreadable (permission denied): not read"),
    }


def test_no_comment_of_the_two_platforms_in_the_real_decidim_folder_is_lost(tmp_path):
    # Lille's and Nancy's comments share 42 ids: Nancy's were rejected as duplicates of Lille's
    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    result = read_file(DECIDIM, secret=b"k")
    assert len(result.contributions) == result.rows_read == 962 and not result.rejected
    assert len({c.contribution_id for c in result.contributions}) == 962


def test_a_copy_of_a_file_is_skipped_not_read_twice_in_a_folder_or_a_zip(tmp_path):
    # "Copie de avis.csv" beside "avis.csv": each read, every contribution counted twice (the ids of a
    # spreadsheet are prefixed with its file's name, so no duplicate id told them apart)
    from tests.utils.archives import zip_bytes

    folder = tmp_path / "avis"
    folder.mkdir()
    content = "id;avis\n" + "".join(f"{i};Avis numéro {i}\n" for i in range(1, 11))
    (folder / "avis.csv").write_text(content, encoding="utf-8")
    (folder / "sous").mkdir()
    (folder / "sous" / "avis (1).csv").write_text(content, encoding="utf-8")
    (folder / "autre.csv").write_text("id;avis\n1;Autre chose\n", encoding="utf-8")
    archive = tmp_path / "avis.zip"
    archive.write_bytes(
        zip_bytes({p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.csv"))})
    )
    for given in (folder, archive):
        result = read_file(given)
        assert len(result.contributions) == result.rows_read == 11
        members = {m["name"]: m for m in result.extras["archive"]["members"]}
        assert members["sous/avis (1).csv"]["status"] == "skipped"
        assert members["sous/avis (1).csv"]["reason"] == "même contenu que « avis.csv » : non lu deux fois"
        assert members["sous/avis (1).csv"]["reason_en"] == "same content as 'avis.csv': not read twice"
    assert [m.status for m in preview(folder).members] == ["read", "read", "skipped"]
    for name in ("vide.csv", "vide aussi.csv"):  # empty files alike: each said empty, not a copy of the other
        (folder / name).write_bytes(b"")
    reasons = {m["name"]: m["reason"] for m in read_file(folder).extras["archive"]["members"]}
    assert reasons["vide.csv"] == "Le fichier « vide.csv » est vide."
    assert reasons["vide aussi.csv"] == "Le fichier « vide aussi.csv » est vide."


def test_two_files_named_alike_but_for_case_say_which_file_the_other_clashes_with(tmp_path):
    # "avis.csv" beside "Avis.csv" was skipped as « même nom qu'un membre précédent », though their names
    # differ: which one, and what to do, it did not say
    folder = tmp_path / "casse"
    folder.mkdir()
    (folder / "Avis.csv").write_text("id;avis\n1;Des bus\n", encoding="utf-8")
    (folder / "avis.csv").write_text("id;avis\n1;Des trams\n", encoding="utf-8")
    members = {m["name"]: m for m in read_file(folder).extras["archive"]["members"]}
    assert members["avis.csv"]["reason"] == (
        "même nom que « Avis.csv » sur certains disques (à la casse ou à un caractère près) : non lu ; renommez "
        "l'un des deux"
    )
    assert members["avis.csv"]["reason_en"].startswith("same name as 'Avis.csv' on some disks")


def test_a_zip_written_in_another_order_gives_the_contributions_of_its_folder(tmp_path):
    # a ZIP's members were read in the order the archive lists them, a folder's files in name order: the same
    # files zipped by another tool (newest first, say) gave their contributions in another order, and so a
    # slightly different report, with the ids prefixed after another first file
    from tests.utils.archives import zip_bytes

    folder = tmp_path / "avis"
    (folder / "quartiers").mkdir(parents=True)
    files = {
        "b.csv": "id;avis\n1;Des pistes cyclables\n2;Des bancs\n",
        "a.csv": "id;avis\n1;Des arbres\n",
        "quartiers/c.csv": "id;avis\n1;Un marché couvert\n",
        "a (1).csv": "id;avis\n1;Une fontaine\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    archive = tmp_path / "avis.zip"
    archive.write_bytes(zip_bytes({name: (folder / name).read_bytes() for name in reversed(files)}))
    from_folder, from_zip = read_file(folder, secret=b"k"), read_file(archive, secret=b"k")
    assert [c.text for c in from_folder.contributions] == [
        "Une fontaine",
        "Des arbres",
        "Des pistes cyclables",
        "Des bancs",
        "Un marché couvert",
    ]
    assert _seen(from_zip) == _seen(from_folder)
    assert (
        list(_members(from_zip))
        == list(_members(from_folder))
        == ["a (1).csv", "a.csv", "b.csv", "quartiers/c.csv"]
    )
