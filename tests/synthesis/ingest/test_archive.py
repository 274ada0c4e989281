"""ZIP exports: the real Decidim open-data download and Polis export read as their files are on disk, a ZIP of
spreadsheets, and hostile archives (each a clear error or a stated skip, nothing written outside its folder)."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest

from synthesis.errors import ArchiveError, ArchiveTooLargeError
from synthesis.ingest import preview, read_file
from synthesis.ingest.members import ArchiveLimits
from tests.utils.archives import (
    DECIDIM,
    DECIDIM_MEMBERS,
    HOST,
    POLIS,
    decidim_zip,
    encrypted_member,
    patched,
    polis_download_zip,
    polis_zip,
    symlink_member,
    zip_bytes,
)


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    """Unpacked archives go to a folder of the test's own, so that what is left there can be checked."""
    unpack = tmp_path / "tmp"
    unpack.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(unpack))
    yield
    assert not list(unpack.iterdir()), "an unpacked archive was left behind"


def _zip(tmp_path: Path, data: bytes, name: str = "export.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _members(result) -> dict[str, dict]:
    return {m["name"]: m for m in result.extras["archive"]["members"]}


def _seen(contributions) -> set[tuple]:
    return {(c.contribution_id, c.question_id, c.question_text, c.text, c.author_ref) for c in contributions}


def test_decidim_open_data_zip_reads_proposals_debates_and_comments_as_the_files_beside_each_other(tmp_path):
    if not DECIDIM.is_dir():
        pytest.skip("real data not found")
    result = read_file(_zip(tmp_path, decidim_zip(), f"{HOST}-open-data.zip"), secret=b"k")
    # the same files read from a folder, the comments with the debates and proposals beside them
    folder = tmp_path / "folder"
    folder.mkdir()
    for old in DECIDIM_MEMBERS:
        (folder / old).write_bytes((DECIDIM / old).read_bytes())
    alone = [read_file(folder / old, secret=b"k") for old in DECIDIM_MEMBERS]
    assert _seen(result.contributions) == set().union(*(_seen(r.contributions) for r in alone))
    assert result.rows_read == sum(r.rows_read for r in alone) == 196 + 29 + 693
    titled = [c for c in result.contributions if c.extra["kind"] == "comment"]
    assert sum(c.question_text.startswith("Débat n°") for c in titled) == 0  # every debate named by its title
    members = _members(result)
    assert {n: (m["status"], m["kind"], m["rows"]) for n, m in members.items() if m["status"] == "read"} == {
        f"{HOST}-open-data-proposals.csv": ("read", "proposals", 196),
        f"{HOST}-open-data-debates.csv": ("read", "debates", 29),
        f"{HOST}-open-data-debate_comments.csv": ("read", "comments", 693),
    }
    assert members[f"{HOST}-open-data-meetings.csv"]["status"] == "skipped"
    assert "meetings" in members[f"{HOST}-open-data-meetings.csv"]["reason"]
    assert members["LISEZMOI.md"]["reason_en"].startswith("not a readable export")
    assert {c.extra["file"] for c in result.contributions} == set(DECIDIM_MEMBERS.values())


def test_polis_zip_reads_comments_with_their_summary_and_skips_the_votes(tmp_path):
    result = read_file(_zip(tmp_path, polis_zip()))
    alone = read_file(POLIS / "comments.csv")
    assert _seen(result.contributions) == _seen(alone.contributions)
    assert result.contributions[0].question_text.startswith("What is the best way to engage")
    members = _members(result)
    assert members["london.youth.policing/summary.csv"]["status"] == "side"
    assert members["london.youth.policing/votes.csv"]["status"] == "skipped"
    # at the archive's root, the conversation is named after the archive (or the folder the caller names)
    root = read_file(_zip(tmp_path, polis_zip(None), "conversation.zip"), archive_folder="consultation-7")
    assert {c.question_id for c in root.contributions} == {"consultation-7"}
    assert root.contributions[0].question_text == result.contributions[0].question_text


def test_polis_download_from_the_report_page_reads_each_comment_once_with_its_question(tmp_path):
    # its comment-groups.csv (each comment's text again, with votes per group) was read as a spreadsheet of
    # contributions: every comment twice; its prefixed participant-votes.csv was tried as one too
    result = read_file(_zip(tmp_path, polis_download_zip()))
    alone = read_file(POLIS / "comments.csv")
    assert len(result.contributions) == result.rows_read == 39
    assert {c.question_text for c in result.contributions} == {alone.contributions[0].question_text}
    statuses = {name.split("8xk3-")[1]: m["status"] for name, m in _members(result).items()}
    assert statuses == {
        "comments.csv": "read",
        "summary.csv": "side",
        "votes.csv": "skipped",
        "participant-votes.csv": "skipped",
        "comment-groups.csv": "skipped",
    }
    # with no Polis comments beside it, a "summary.csv" is a spreadsheet like any other
    sheets = read_file(_zip(tmp_path, zip_bytes({"summary.csv": b"id;avis\n1;Des bus\n"}), "s.zip"))
    assert [c.text for c in sheets.contributions] == ["Des bus"]


def test_zip_of_spreadsheets_reads_each_file_as_a_question_and_names_the_file_of_each_rejected_row(tmp_path):
    data = zip_bytes(
        {
            "mobilite.csv": b"id;avis\n1;Plus de bus le soir\n2;Des pistes cyclables\n",
            "logement/loyers.csv": "id;avis\n1;Encadrer les loyers\n1;Doublon\n".encode("cp1252"),
        }
    )
    result = read_file(_zip(tmp_path, data))
    assert [(c.question_id, c.contribution_id, c.text) for c in result.contributions] == [  # in name order
        ("loyers", "logement/loyers.csv:1", "Encadrer les loyers"),
        ("mobilite", "mobilite.csv:1", "Plus de bus le soir"),
        ("mobilite", "mobilite.csv:2", "Des pistes cyclables"),
    ]
    [rejected] = result.rejected
    assert rejected.file == "logement/loyers.csv" and rejected.line == 3 and "double" in rejected.reason
    assert result.rows_read == 4
    alone = read_file(_zip(tmp_path, zip_bytes({"mobilite.csv": b"id;avis\n1;Plus de bus\n"}), "one.zip"))
    assert [c.contribution_id for c in alone.contributions] == ["1"]  # as the file imported alone


def test_an_error_met_inside_one_file_of_the_archive_names_that_file(tmp_path):
    # "Guillemet ouvrant sans guillemet fermant ligne 3": of which of the archive's files, it did not say
    from synthesis.errors import InputFileError

    data = zip_bytes({"a.csv": b"id;avis\n1;Des bus\n", "sous/b.csv": b'id;avis\n1;ok\n2;"pas fini\n3;x\n'})
    with pytest.raises(
        InputFileError, match=r"^Dans « sous/b\.csv » : Guillemet ouvrant .* ligne 3"
    ) as caught:
        read_file(_zip(tmp_path, data))
    assert caught.value.code == "unterminated_quote" and caught.value.message_en.startswith(
        "In 'sous/b.csv': "
    )
    assert caught.value.to_dict()["file"] == "sous/b.csv"


def test_preview_of_a_zip_shows_its_first_contribution_file_and_lists_every_member(tmp_path):
    p = preview(_zip(tmp_path, polis_zip()))
    assert p.member == "london.youth.policing/comments.csv" and p.format == "polis" and p.kind == "comments"
    assert p.file_name == "export.zip" and p.rows_estimate == 39
    assert {m.name.rsplit("/", 1)[-1]: m.status for m in p.members} == {
        "comments.csv": "read",
        "summary.csv": "side",
        "votes.csv": "skipped",
        "participants-votes.csv": "skipped",
    }


def test_a_member_unpacking_past_its_limit_is_refused_naming_the_limit(tmp_path):
    bomb = _zip(tmp_path, zip_bytes({"avis.csv": b"id,avis\n" + b"0" * (3 << 20)}))
    assert bomb.stat().st_size < 20_000
    with pytest.raises(ArchiveTooLargeError, match=r"« avis\.csv » dépasse.*limite de 1 Mio") as err:
        read_file(bomb, archive_limits=ArchiveLimits(member_bytes=1 << 20))
    assert "1 MiB" in err.value.message_en and err.value.code == "archive_too_large"
    with pytest.raises(ArchiveTooLargeError, match="limite de 1 Mio"):
        preview(bomb, archive_limits=ArchiveLimits(member_bytes=1 << 20))
    many = _zip(
        tmp_path, zip_bytes({f"q{i}.csv": b"id,avis\n" + b"1" * (400 << 10) for i in range(4)}), "m.zip"
    )
    with pytest.raises(ArchiveTooLargeError, match=r"L'archive décompressée dépasse la limite de 1 Mio"):
        read_file(many, archive_limits=ArchiveLimits(member_bytes=1 << 20, total_bytes=1 << 20))


def test_an_archive_of_too_many_members_is_refused_before_its_directory_is_read(tmp_path):
    data = zip_bytes({f"f{i}.csv": b"id,avis\n1,a\n" for i in range(1001)}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveError, match=r"1001 membres \(limite : 1000\)"):
        read_file(_zip(tmp_path, data))


def test_an_archive_of_many_files_is_read_one_open_file_at_a_time(tmp_path):
    import os
    import resource

    data = zip_bytes({f"q{i}.csv": f"id,avis\n1,réponse {i}\n".encode() for i in range(600)})
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 100, hard))
    try:  # it held every member open at once: "Too many open files"
        result = read_file(_zip(tmp_path, data))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert len({c.question_id for c in result.contributions}) == 600 == len(result.contributions)


def test_hostile_members_are_skipped_with_their_reason_and_nothing_is_written_outside(tmp_path):
    good = b"id;avis\n1;Plus de bus le soir\n"
    data = zip_bytes(
        {
            "avis.csv": good,
            "../../evil.csv": good,
            "/etc/abs.csv": good,
            "inner.zip": zip_bytes({"x.csv": good}),
            "__MACOSX/._avis.csv": b"\x00\x05\x16\x07",
            "Avis.CSV": good,  # the same name but for its case: one file on some disks
            "q.csv/r.csv": good.replace(b"soir", b"matin"),  # another content: a copy is skipped as such
            "q.csv": good.replace(b"soir", b"dimanche"),  # a file named as a folder of the archive
            ".": good,  # no file name: IndexError
            "Xhidden.csv": good.replace(b"soir", b"midi"),  # named "\0hidden.csv" below
        }
    )
    data = patched(data, b"Xhidden", b"\0hidden")  # zipfile cuts a name at its NUL: "", an IndexError
    work = tmp_path / "work"
    work.mkdir()
    result = read_file(_zip(work, data))
    assert [c.text for c in result.contributions] == [  # Avis.CSV, hidden, q.csv: in name order
        "Plus de bus le soir",
        "Plus de bus le midi",
        "Plus de bus le dimanche",
    ]
    members = _members(result)
    assert members["../../evil.csv"]["status"] == members["/etc/abs.csv"]["status"] == "skipped"
    assert "hors de l'archive" in members["../../evil.csv"]["reason"]
    assert "nested archive" in members["inner.zip"]["reason_en"]
    assert members["__MACOSX/._avis.csv"]["status"] == "skipped"
    assert members["."]["reason_en"] == "member without a file name: not read"
    assert members["hidden.csv"]["status"] == "read"  # its name as written, the NUL left out
    assert "même nom que « Avis.CSV »" in members["avis.csv"]["reason"]
    assert members["q.csv/r.csv"]["reason"] == "son dossier porte le nom d'un fichier de l'archive : non lu"
    assert not (tmp_path / "evil.csv").exists() and sorted(p.name for p in work.iterdir()) == ["export.zip"]
    for odd, why in ((encrypted_member, "chiffré"), (symlink_member, "lien symbolique")):
        with pytest.raises(ArchiveError, match=why):  # alone in its archive: nothing to read, the reason said
            read_file(_zip(tmp_path, odd("x.csv", b"id;avis\n1;a\n"), "odd.zip"))


def test_member_names_not_marked_utf8_are_read_as_written(tmp_path):
    content = b"id;avis\n1;Des arbres\n"
    utf8 = patched(zip_bytes({"rXXponses.csv": content}), b"rXXponses", "réponses".encode())
    result = read_file(_zip(tmp_path, utf8))
    assert list(_members(result)) == ["réponses.csv"] and result.contributions[0].text == "Des arbres"
    legacy = patched(zip_bytes({"rXponses.csv": content}), b"rXponses", "réponses".encode("cp1252"))
    [member] = _members(read_file(_zip(tmp_path, legacy, "l.zip")))
    assert member.endswith("ponses.csv")  # cp437, as zipfile reads it: no crash, a name to show


def test_corrupt_archives_are_a_clear_error(tmp_path):
    data = zip_bytes({"avis.csv": b"id;avis\n" + b"1;Plus de bus le soir\n" * 2000})
    with pytest.raises(ArchiveError, match="corrompue ou tronquée"):
        read_file(_zip(tmp_path, data[: len(data) // 2]))
    start = data.index(b"PK\x03\x04") + 30 + len("avis.csv") + 10
    broken = data[:start] + bytes(b ^ 0xFF for b in data[start : start + 40]) + data[start + 40 :]
    with pytest.raises(ArchiveError, match=r"membre « avis\.csv ».*corrompue"):
        read_file(_zip(tmp_path, broken, "b.zip"))
    at = data.index(b"PK\x01\x02") + 6  # the directory entry's "version needed to extract": 9.9
    newer = data[:at] + bytes([99, 0]) + data[at + 2 :]
    with pytest.raises(ArchiveError, match="zip file version 9.9"):  # NotImplementedError, uncaught
        read_file(_zip(tmp_path, newer, "v.zip"))
    with pytest.raises(ArchiveError, match="aucun fichier de contributions lisible"):
        read_file(_zip(tmp_path, zip_bytes({}), "empty.zip"))


def test_the_directory_size_of_a_zip64_archive_is_read_from_its_zip64_record(tmp_path):
    # the classic end record of a ZIP64 archive is saturated or may lie: zipfile reads the ZIP64 record, and
    # so must the check made before zipfile parses the directory
    from synthesis.ingest.archive import directory_size

    data = zip_bytes({f"{i}": b"" for i in range(70_000)}, zipfile.ZIP_STORED)
    path = _zip(tmp_path, data)
    entries, directory = directory_size(path)
    assert entries == 70_000 and directory > 70_000 * 46
    end = data.rindex(b"PK\x05\x06")
    lying = data[: end + 8] + (5).to_bytes(2, "little") * 2 + b"\xff\xff\xff\xff" + data[end + 16 :]
    assert directory_size(_zip(tmp_path, lying, "lying.zip"))[0] == 70_000
    with pytest.raises(ArchiveError, match=r"70000 membres \(limite : 1000\)"):
        read_file(_zip(tmp_path, lying, "lying.zip"))


def test_an_id_two_files_give_to_different_contributions_keeps_both_and_a_copy_is_still_a_duplicate(tmp_path):
    # two Decidim platforms number their comments alike: the second platform's comment 532 was rejected as
    # "identifiant en double" of the first's, a different comment by a different author (42 of the 44 comments
    # of the real Nancy export read beside the Lille one were lost so)
    header = b"id;created_at;body;author/id;author/name;alignment;depth;commentable_id;commentable_type;"
    header += b"root_commentable_url\n"
    lille = (
        header
        + b"532;2019-01-17;Oui au vote blanc;1;a;0;0;30;Decidim::Debates::Debate;http://l.fr/debates/30\n"
    )
    nancy = (
        header
        + b"532;2019-01-21;Non au vote blanc;2;b;0;0;345;Decidim::Proposals::Proposal;http://n.fr/p/345\n"
    )
    result = read_file(_zip(tmp_path, zip_bytes({"lille_comments.csv": lille, "nancy_comments.csv": nancy})))
    assert [(c.contribution_id, c.text) for c in result.contributions] == [
        ("comment-532", "Oui au vote blanc"),
        ("nancy_comments.csv:comment-532", "Non au vote blanc"),
    ]
    assert not result.rejected and len({c.source_id for c in result.contributions}) == 2
    # the same comment in two files is one contribution: the second copy rejected, naming the first file
    more = (
        lille
        + b"533;2019-01-18;Et le vote obligatoire;3;c;0;0;30;Decidim::Debates::Debate;http://l.fr/debates/30\n"
    )
    again = read_file(_zip(tmp_path, zip_bytes({"a_comments.csv": lille, "b_comments.csv": more}), "c.zip"))
    assert [c.text for c in again.contributions] == ["Oui au vote blanc", "Et le vote obligatoire"]
    [rejected] = again.rejected
    assert rejected.file == "b_comments.csv" and "déjà lu dans « a_comments.csv »" in rejected.reason
