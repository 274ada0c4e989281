"""Format details on small hand-made files: Decidim shapes and organisations, Polis moderation, privacy."""

from __future__ import annotations

import pytest

from schemas.settings import ColumnMapping
from synthesis.errors import InputFileError
from synthesis.ingest import Format, content_hash, pseudonymise, read_file
from synthesis.ingest.decidim import plain_text
from synthesis.ingest.polis import MODERATED_REASON
from synthesis.ingest.preview import preview
from synthesis.records import AuthorType
from synthesis.times import parse_time

COMMENTS = (
    "id;created_at;body/fr;author/id;author/name;alignment;depth;user_group/id;user_group/name/fr;"
    "commentable_id;commentable_type;root_commentable_url\n"
    "1;2024-01-01;Premier;10;Alice;1;0;;;7;Decidim::Proposals::Proposal;"
    "https://d.example/processes/p/f/2/proposals/7\n"
    '2;2024-01-02;"<p>Réponse&nbsp;HTML</p>";11;Bob;-1;1;55;Association des usagers;1;'
    "Decidim::Comments::Comment;"
    "https://d.example/processes/p/f/2/proposals/7\n"
    "3;2024-01-03;Parent absent;12;Carol;0;2;;;999;Decidim::Comments::Comment;"
    "https://d.example/processes/p/f/1/debates/4\n"
    "4;2024-01-03;Orphelin;12;Carol;0;1;;;998;Decidim::Comments::Comment;\n"
)
PROPOSALS = (
    "id;category/id;category/name/fr;title/fr;body/fr;votes;url;component/id\n"
    '7;3;Mobilité;Plus de bus;"<p>Le soir</p>";4;https://d.example/processes/p/f/2/proposals/7;2\n'
)


def test_decidim_comment_chains_organisations_and_localised_columns(tmp_path):
    (tmp_path / "comments.csv").write_text(COMMENTS, encoding="utf-8")
    (tmp_path / "proposals.csv").write_text(PROPOSALS, encoding="utf-8")
    result = read_file(tmp_path / "comments.csv", secret=b"k")
    assert result.format is Format.DECIDIM and result.extras["related"] == [str(tmp_path / "proposals.csv")]
    c = {x.source_id: x for x in result.contributions}
    assert c["1"].question_id == c["2"].question_id == "proposal-7"
    assert c["1"].question_text == "Plus de bus"  # title found through the URL in the proposals export
    assert c["2"].text == "Réponse HTML" and c["2"].extra["parent_id"] == "1"
    assert (
        c["2"].author_type is AuthorType.ORGANISATION
        and c["2"].extra["organisation"] == "Association des usagers"
    )
    assert c["1"].author_type is AuthorType.UNKNOWN and c["1"].extra["alignment"] == 1
    assert c["3"].question_id == "debate-4" and c["3"].question_text == "Débat n° 4"  # root read from its URL
    assert [r.line for r in result.rejected] == [5] and "998" in result.rejected[0].reason
    assert c["1"].author_ref == pseudonymise("10", b"k")


def test_decidim_proposals_title_fr_shape(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PROPOSALS, encoding="utf-8")
    [p] = read_file(path).contributions
    assert (p.contribution_id, p.question_id, p.question_text) == ("proposal-7", "category-3", "Mobilité")
    assert p.text == "Plus de bus\n\nLe soir"


def test_plain_text_leaves_plain_text_alone():
    assert plain_text("a < b et c > d") == "a < b et c > d"
    assert plain_text("<p>un</p><p>deux &amp; trois</p>") == "un\ndeux & trois"


def test_polis_moderation_and_summary(tmp_path):
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,d1,0,5,3,1,1,Keep it\n2,d2,1,6,0,0,-1,Spam\n3,d3,2,5,0,0,0,Not yet seen\n",
        encoding="utf-8",
    )
    (folder / "summary.csv").write_text("topic,Bus\nconversation-description,Que faire des bus ?\n")
    (folder / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n")
    result = read_file(folder / "comments.csv")
    assert [c.excluded for c in result.contributions] == [None, MODERATED_REASON, None]
    assert {c.question_text for c in result.contributions} == {"Que faire des bus ?"}
    assert result.extras["polis"]["votes"] == str(folder / "votes.csv")
    assert result.extras["polis"]["participants_votes"] is None
    assert result.contributions[0].author_ref == result.contributions[2].author_ref


def test_polis_download_from_the_report_page_finds_its_prefixed_summary(tmp_path, data):
    # the report page's export names every file "<date>-<conversation>-<file>.csv": the summary was looked
    # for as "summary.csv" only, so every comment answered the folder's name instead of the question
    real = data / "polis" / "15-per-hour-seattle"
    folder = tmp_path / "export"
    folder.mkdir()
    prefix = "2018-11-17-0509-4uzdfszxxf-"
    for name in ("comments.csv", "summary.csv", "votes.csv", "participants-votes.csv"):
        target = name.replace("participants-", "participant-")  # as the report page names it
        (folder / (prefix + target)).write_bytes((real / name).read_bytes())
    result = read_file(folder / f"{prefix}comments.csv")
    alone = read_file(real / "comments.csv")
    assert {c.question_text for c in result.contributions} == {alone.contributions[0].question_text}
    assert alone.contributions[0].question_text != "15-per-hour-seattle"  # its summary's, as in the open data
    assert result.extras["polis"]["votes"] == str(folder / f"{prefix}votes.csv")
    assert result.extras["polis"]["participants_votes"] == str(folder / f"{prefix}participant-votes.csv")


def test_polis_comments_are_dated_from_their_timestamp(data):
    # every Polis comment read as undated (no bursts, no campaign time window): created_at was its
    # "datetime", "Sat Nov 17 05:09:36 WIB 2018", which no date reader takes
    result = read_file(data / "polis" / "15-per-hour-seattle" / "comments.csv")
    assert result.contributions and all(parse_time(c.created_at) for c in result.contributions)
    first = next(c for c in result.contributions if c.source_id == "53")
    assert first.created_at == "2018-11-16T22:09:36+00:00"  # 05:09:36 WIB (UTC+7) on 17 November


def test_pseudonyms_depend_on_the_secret_and_hashes_on_content():
    assert pseudonymise("42", b"a") == pseudonymise("42", b"a") != pseudonymise("42", b"b")
    assert len(pseudonymise("42", b"a")) == 26 and "42" not in pseudonymise("42", b"a")[2:4]


def test_one_author_written_several_ways_is_one_author_and_anonymous_is_nobody(tmp_path):
    # "Jean Dupont" and " jean  DUPONT " were two authors (each under the very-active threshold), and the
    # "Anonyme" of every participant who chose anonymity was one author: a "very active author" of 4 answers
    authors = ["Jean Dupont", " jean  DUPONT ", "Jéan Dupont", "J.Dupont@Mail.fr", "j.dupont@mail.fr "]
    authors += ["Anonyme", "anonyme", "ANONYME", "n/a", "-"]
    rows = "".join(f"r{i};idée {i};{a}\n" for i, a in enumerate(authors))
    path = tmp_path / "avis.csv"
    path.write_text("ref;avis;auteur\n" + rows, encoding="utf-8")
    mapping = ColumnMapping(text="avis", id="ref", author="auteur")
    refs = [c.author_ref for c in read_file(path, mapping=mapping, secret=b"k").contributions]
    assert refs[0] == refs[1] == refs[2] != refs[3] == refs[4] and refs[0] is not None
    assert refs[5:] == [None] * 5


def test_reimport_gives_the_same_ids_and_hashes(data):
    path = data / "republique-numerique" / "arguments.csv"
    a, b = read_file(path, secret=b"s"), read_file(path, secret=b"s")
    assert [c.contribution_id for c in a.contributions] == [c.contribution_id for c in b.contributions]
    assert [content_hash(c) for c in a.contributions] == [content_hash(c) for c in b.contributions]
    assert a.sha256 == b.sha256


def test_a_placeholder_author_with_punctuation_is_nobody(tmp_path):
    # a spreadsheet's "#N/A", "Anonyme.", "non-renseigné" or "Inconnu(e)" was an author: every row holding it
    # one "very active author"; a name with punctuation stays a name
    authors = ["#N/A", "Anonyme.", "(anonyme)", "non-renseigné", "Non renseigné(e)", "Inconnu(e)", "N.A"]
    authors += ["Jean-Marie N.", "Anne (Nancy)"]
    rows = "".join(f"r{i};idée {i};{a}\n" for i, a in enumerate(authors))
    path = tmp_path / "avis.csv"
    path.write_text("ref;avis;auteur\n" + rows, encoding="utf-8")
    mapping = ColumnMapping(text="avis", id="ref", author="auteur")
    refs = [c.author_ref for c in read_file(path, mapping=mapping, secret=b"k").contributions]
    assert refs[:7] == [None] * 7 and None not in refs[7:]


def test_a_participant_column_of_insee_codes_is_read_as_insee_codes(tmp_path):
    # a "code_insee" column was not recognised, and mapped as the postcode its five digits were read as one:
    # "13100" (Saint-Rémy-de-Provence's INSEE code) located in Aix-en-Provence, whose postcode it is
    from synthesis import participation, territory

    path = tmp_path / "avis.csv"
    path.write_text(
        "id;texte;code_insee\n1;avis un;13100\n2;avis deux;1001\n3;avis trois;2A004\n4;avis quatre;75056\n",
        encoding="utf-8",
    )
    located = [territory.locate(c.zipcode) for c in read_file(path).contributions]
    assert [loc.communes[:1] for loc in located] == [("13100",), ("01001",), ("2A004",), ("75101",)]
    assert {loc.status for loc in located} == {territory.INSEE} and len(located[3].communes) == 20
    assert participation.territory_key(located[3], "commune") is None  # Paris: no single arrondissement
    # mapped by hand, a column named so is read the same way; a postcode column stays postcodes
    mapping = ColumnMapping(text="texte", postcode="code_insee")
    assert read_file(path, mapping=mapping).contributions[0].zipcode == "INSEE 13100"
    path.write_text("id;texte;code_postal\n1;avis un;13100\n", encoding="utf-8")
    assert territory.locate(read_file(path).contributions[0].zipcode).communes[0] == "13001"
    # a town's name in a "ville" column is read as a place
    path.write_text("id;texte;ville\n1;avis un;Nancy (54)\n", encoding="utf-8")
    assert territory.locate(read_file(path).contributions[0].zipcode).communes == ("54395",)


def test_polis_server_export_dated_in_seconds_is_read_in_seconds(data, tmp_path):
    # The Polis server's own export (compdemocracy/polis, server/src/routes/export.ts, sendCommentSummary)
    # writes "timestamp" as Math.floor(created / 1000), seconds, and "datetime" as JavaScript's
    # Date.toString(); the open-data files count milliseconds. Seconds were divided by 1000 again: every
    # comment of a current export was dated January 1970 (no bursts, wrong campaign windows).
    real = (data / "polis" / "15-per-hour-seattle" / "comments.csv").read_text(encoding="utf-8")
    header, first, *_ = real.splitlines()
    ms = first.split(",", 1)[0]
    folder = tmp_path / "conversation"
    folder.mkdir()
    seconds = first.replace(ms, ms[:-3], 1).replace(
        "Sat Nov 17 05:09:36 WIB 2018", "Sat Nov 17 2018 05:09:36 GMT+0700 (Western Indonesia Time)"
    )
    (folder / "comments.csv").write_text(f"{header}\n{seconds}\n", encoding="utf-8")
    [new] = read_file(folder / "comments.csv").contributions
    [old] = [
        c
        for c in read_file(data / "polis" / "15-per-hour-seattle" / "comments.csv").contributions
        if c.source_id == new.source_id
    ]
    assert new.created_at == old.created_at == "2018-11-16T22:09:36+00:00"


@pytest.mark.parametrize("name", ["votes.csv", "participants-votes.csv"])
def test_a_polis_file_without_comments_is_refused_saying_which_to_import(data, name):
    # compdemocracy/polis server/src/routes/export.ts writes votes.csv (timestamp,datetime,comment-id,voter-id,
    # vote) and participants-votes.csv (participant,group-id,n-comments,n-votes,…): uploaded alone, each was
    # taken for a spreadsheet, and the error asked for a text column, leading to "vote" read as the answers
    path = data / "polis" / "15-per-hour-seattle" / name
    for read in (read_file, preview):
        with pytest.raises(
            InputFileError, match="ne contient aucun commentaire.*importez le fichier comments.csv"
        ):
            read(path)
    with pytest.raises(InputFileError) as caught:
        read_file(path)
    assert "import the export's comments.csv" in caught.value.message_en
