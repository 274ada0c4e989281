"""Decidim exports (synthesis.ingest.decidim): the text column, side files giving the debates' titles."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from schemas.settings import ColumnMapping
from synthesis.errors import FormatDetectionError, InputFileError, MappingError
from synthesis.ingest import Format, iter_file, read_file
from synthesis.ingest.decidim import WITHDRAWN_REASON
from synthesis.ingest.preview import preview
from synthesis.records import AuthorType

COMMENTS = (
    "id;created_at;body;author/id;commentable_id;commentable_type;root_commentable_url\n"
    "1;2024-01-01;Premier;10;4;Decidim::Debates::Debate;https://d.example/f/1/debates/4\n"
    "2;2024-01-02;Second;11;5;Decidim::Debates::Debate;https://d.example/f/1/debates/5\n"
)
DEBATES = (
    "id;author_id;title/fr;description/fr;comments;created_at;url;component/id\n"
    "4;;Quelle fiscalité ?;<p>Desc</p>;1;2019;https://d.example/f/1/debates/4;1\n"
)


def test_comments_without_body_column_are_refused_naming_it(write):
    path = write("comments.csv", COMMENTS.replace(";body;", ";message;", 1))
    with pytest.raises(MappingError, match="La colonne de texte « body » est absente") as caught:
        read_file(path)
    assert "« message »" in caught.value.message_fr and "'message'" in caught.value.message_en
    assert caught.value.details["available"][2] == "message"


def test_a_broken_side_file_only_costs_its_titles(write, caplog):
    path = write("comments.csv", COMMENTS)
    write("debats.csv", DEBATES + '99;;"Titre cassé;desc;0;2019;https://d.example/f/1/debates/99;1\n')
    with caplog.at_level(logging.WARNING):
        result = read_file(path)
    assert [c.question_text for c in result.contributions] == ["Débat n° 4", "Débat n° 5"]
    assert not result.rejected
    [warning] = result.extras["warnings"]
    assert warning["code"] == "related_file_unreadable" and warning["value"].endswith("debats.csv")
    assert "Fichier voisin « debats.csv » ignoré" in warning["message_fr"]
    assert "Guillemet ouvrant" in warning["message_fr"] and "Side file 'debats.csv'" in warning["message_en"]
    assert "debats.csv" in caplog.text


def test_a_readable_side_file_gives_the_titles_without_warning(write):
    path = write("comments.csv", COMMENTS)
    write("debats.csv", DEBATES)
    result = read_file(path)
    assert [c.question_text for c in result.contributions] == ["Quelle fiscalité ?", "Débat n° 5"]
    assert "warnings" not in result.extras


def test_a_side_file_too_large_for_its_titles_is_said_not_silently_skipped(write, monkeypatch):
    # a debates / proposals export over the 64 MiB read for titles was skipped without a word: its
    # comments answered "Débat n° 4" and nobody knew why
    from synthesis.ingest import api

    path = write("comments.csv", COMMENTS)
    write("debats.csv", DEBATES)
    monkeypatch.setattr(api, "MAX_RELATED_BYTES", 100)  # the limit, lowered to the size of a test file
    result = read_file(path)
    assert [c.question_text for c in result.contributions] == ["Débat n° 4", "Débat n° 5"]
    [warning] = result.extras["warnings"]
    assert warning["code"] == "related_file_too_large" and warning["value"].endswith("debats.csv")
    assert "Fichier voisin « debats.csv » ignoré" in warning["message_fr"]
    assert "Side file 'debats.csv' skipped" in warning["message_en"]


def test_a_comment_without_id_never_takes_another_comments_id(write):
    # the comment without id on line 2 was "comment-2", the id of the comment whose export id is 2: two
    # contributions with one id (the service kept one of them, the other overwritten)
    no_id = COMMENTS.replace("\n1;", "\n;", 1)
    result = read_file(write("comments.csv", no_id))
    assert [(c.contribution_id, c.source_id) for c in result.contributions] == [
        ("comment-ligne-2", "ligne-2"),
        ("comment-2", "2"),
    ]
    assert not result.rejected and result.rows_read == 2


# Proposals exports as Decidim's own serializer writes them (decidim/decidim,
# decidim-proposals/lib/decidim/proposals/proposal_serializer.rb, flattened by
# decidim-core/lib/decidim/exporters/csv.rb: nested keys joined with "/", lists with ", ", ";" separator).
# 0.27: no created_at (published_at only), a withdrawn proposal has state "withdrawn", votes are "supports".
PROPOSALS_027 = (
    "id;author/id;author/name;author/url;category/id;category/name/fr;category/name/en;scope/id;scope/name/fr;"
    "participatory_space/id;participatory_space/url;component/id;title/fr;body/fr;address;latitude;longitude;"
    "state;reference;answer/fr;answered_at;supports;endorsements/total_count;endorsements/user_endorsements;"
    "comments;attachments;followers;published_at;url;meeting_urls;related_proposals;is_amend;"
    "original_proposal/title;original_proposal/url\n"
    "457;1153;Marie;https://d.example/profiles/marie;39;Autre sujet;Other;;;1;https://d.example/processes/p;"
    "111;Collectivités territoriales;Accentuer la création de communes nouvelles;;;;accepted;D-PROP-457;"
    "Merci;2019-02-01 10:00:00 +0100;2;0;;0;0;1;2019-01-24 22:29:15 +0100;"
    "https://d.example/processes/p/f/111/proposals/457;;;false;;\n"
    "418;1154;Jean;https://d.example/profiles/jean;39;Autre sujet;Other;;;1;https://d.example/processes/p;"
    "111;Non au déploiement forcé des compteurs Linky;L'installation devrait se faire avec le consentement des "
    "abonnés.;;;;withdrawn;D-PROP-418;;;0;0;;0;0;1;2019-01-25 08:01:02 +0100;"
    "https://d.example/processes/p/f/111/proposals/418;;;false;;\n"
)
# 0.28 and later: withdrawn / withdrawn_at columns, state holds the answer only; created_at from 0.29
PROPOSALS_029 = (
    "id;author/id;author/name;author/url;category/id;category/name/fr;component/id;title/fr;body/fr;state;"
    "reference;answer/fr;votes;comments;published_at;url;is_amend;withdrawn;withdrawn_at;created_at;updated_at\n"
    "457;1153;Marie;https://d.example/profiles/marie;39;Autre sujet;111;Collectivités territoriales;Accentuer "
    "la création de communes nouvelles;rejected;D-PROP-457;Non;2;0;2019-01-24 22:29:15 +0100;"
    "https://d.example/processes/p/f/111/proposals/457;false;false;;2019-01-24 22:20:00 +0100;"
    "2019-01-24 22:29:15 +0100\n"
    "418;1154;Jean;https://d.example/profiles/jean;39;Autre sujet;111;Non au déploiement forcé des compteurs "
    "Linky;L'installation devrait se faire avec le consentement des abonnés.;;D-PROP-418;;0;0;"
    "2019-01-25 08:01:02 +0100;https://d.example/processes/p/f/111/proposals/418;false;true;"
    "2019-01-26 09:00:00 +0100;2019-01-25 08:00:00 +0100;2019-01-26 09:00:00 +0100\n"
)


@pytest.mark.parametrize(
    ("content", "dated", "state"),
    [
        (PROPOSALS_027, "2019-01-24 22:29:15 +0100", "accepted"),
        (PROPOSALS_029, "2019-01-24 22:20:00 +0100", "rejected"),
    ],
    ids=["0.27", "0.29"],
)
def test_proposals_of_each_version_are_dated_and_a_withdrawn_one_is_excluded(write, content, dated, state):
    # a withdrawn proposal was analysed as any other, and the proposals of 0.23-0.27, which have no
    # created_at column (only published_at), were all undated
    kept, withdrawn = read_file(write("proposals.csv", content)).contributions
    assert kept.question_text == "Autre sujet" and kept.text.startswith("Collectivités territoriales\n\n")
    assert (kept.created_at, kept.excluded, kept.extra["state"]) == (dated, None, state)
    assert withdrawn.excluded == WITHDRAWN_REASON and withdrawn.created_at is not None


def test_debates_of_0_27_and_later_pseudonymise_their_author_by_id(write):
    # decidim-debates/lib/decidim/debates/debate_serializer.rb writes author/id (author_id before): the
    # author was read by name, another pseudonym than the same participant's comments (read by id)
    debates = write(
        "debates.csv",
        "id;author/id;author/name;author/url;title/fr;description/fr;component/id;url;created_at\n"
        "4;10;Alice;https://d.example/profiles/alice;Quelle fiscalité ?;<p>Desc</p>;1;"
        "https://d.example/f/1/debates/4;2024-01-01 10:00:00 +0100\n",
    )
    comments = write("comments.csv", COMMENTS)
    [debate] = read_file(debates, secret=b"k").contributions
    first = read_file(comments, secret=b"k", related=[]).contributions[0]
    assert debate.author_ref == first.author_ref  # author 10 in both files


REAL = Path(__file__).resolve().parents[4] / "shared" / "data" / "decidim-mel-nancy"


def _real_rows(name: str) -> list[dict[str, str]]:
    if not REAL.is_dir():
        pytest.skip(f"real data not found at {REAL}")
    with (REAL / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _as_decidim_json(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as Decidim's JSON exporter writes the record (decidim-core/lib/decidim/exporters/json.rb: the
    serialized hash kept nested, ``author/id`` is ``{"author": {"id": …}}``; numbers as numbers, nil as null)."""
    record: dict[str, Any] = {}
    for column, value in row.items():
        *parents, leaf = column.split("/")
        node = record
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = int(value) if value.lstrip("-").isdigit() else (value or None)
    return record


def _same(a, b):
    """The same contributions, line ends aside (a workbook cell keeps "\n" where the CSV wrote "\r\n")."""
    keys = (
        "source_id",
        "question_id",
        "question_text",
        "text",
        "author_ref",
        "author_type",
        "excluded",
        "extra",
    )

    def seen(c):
        return [str(getattr(c, k)).replace("\r\n", "\n") for k in keys]

    return [seen(c) for c in a] == [seen(c) for c in b]


def test_a_decidim_json_export_reads_as_its_csv(tmp_path):
    # Decidim's admin exports comments (and proposals, debates) as CSV, JSON or Excel: the JSON was read as
    # any JSON file, every comment one question ("comments"), replies unresolved
    rows = _real_rows("commentaires_debats.csv")
    path = tmp_path / "comments.json"
    path.write_text(json.dumps([_as_decidim_json(r) for r in rows], ensure_ascii=False), encoding="utf-8")
    debates = [REAL / "debats.csv"]
    read = read_file(path, secret=b"k", related=debates)
    as_csv = read_file(REAL / "commentaires_debats.csv", secret=b"k", related=debates)
    assert (read.format, read.extras["kind"], read.rows_read) == (Format.DECIDIM, "comments", 693)
    assert len({c.question_id for c in read.contributions}) == len(
        {c.question_id for c in as_csv.contributions}
    )
    assert _same(read.contributions, as_csv.contributions)
    assert preview(path).format == "decidim" and preview(path).mapping_required is False


def test_a_decidim_json_comment_names_its_organisation_in_any_shape(tmp_path):
    # CommentSerializer 0.23-0.26 writes body as {"fr": ...} (0.27: body and locale) and user_group/name as
    # the group's name, or {"fr": "", "en": ""} when there is none; a line that is no object stays rejected
    comments = [
        {"id": 1, "created_at": "2024-01-01T10:00:00.000+01:00", "body": {"fr": "Plus de bancs"},
         "author": {"id": 10, "name": "Alice"}, "alignment": 0, "depth": 0,
         "user_group": {"id": None, "name": {"fr": "", "en": ""}}, "commentable_id": 4,
         "commentable_type": "Decidim::Debates::Debate", "root_commentable_url": "https://d.example/f/1/debates/4"},
        "not a comment",
        {"id": 2, "created_at": "2024-01-02T10:00:00.000+01:00", "body": {"fr": "D'accord", "machine_translations":
         {"en": "Agreed"}}, "author": {"id": 11, "name": "Bob"}, "alignment": 1, "depth": 1,
         "user_group": {"id": 9, "name": "Association des usagers"}, "commentable_id": 1,
         "commentable_type": "Decidim::Comments::Comment", "root_commentable_url": "https://d.example/f/1/debates/4"},
    ]  # fmt: skip
    path = tmp_path / "comments.json"
    path.write_text(json.dumps(comments, indent=2), encoding="utf-8")
    result = read_file(path, related=[])
    first, reply = result.contributions
    assert (first.text, reply.text, reply.question_id, reply.extra["parent_id"]) == (
        "Plus de bancs", "D'accord", "debate-4", "1"
    )  # fmt: skip
    assert (
        reply.author_type is AuthorType.ORGANISATION
        and reply.extra["organisation"] == "Association des usagers"
    )
    assert first.author_type is AuthorType.UNKNOWN
    line = path.read_text(encoding="utf-8").splitlines().index('  "not a comment",') + 1
    assert [r.line for r in result.rejected] == [line] and result.rows_read == 3
    assert [type(x).__name__ for x in iter_file(path, related=[])] == ["Contribution", "RejectedRow"] * 1 + [
        "Contribution"
    ]  # in file order


def test_a_decidim_excel_export_reads_as_its_csv(tmp_path):
    # decidim-core/lib/decidim/exporters/excel.rb writes the CSV's columns to a sheet: it was read as any
    # workbook, all proposals one question, a withdrawn one analysed
    rows = _real_rows("propositions-libres.csv")
    book = openpyxl.Workbook()
    book.active.append(list(rows[0]))
    for row in rows:
        book.active.append([int(v) if v.isdigit() else v or None for v in row.values()])
    book.save(tmp_path / "proposals.xlsx")
    read = read_file(tmp_path / "proposals.xlsx", secret=b"k")
    as_csv = read_file(REAL / "propositions-libres.csv", secret=b"k")
    assert (read.format, read.extras["kind"], read.rows_read) == (Format.DECIDIM, "proposals", 196)
    assert _same(read.contributions, as_csv.contributions)
    assert preview(tmp_path / "proposals.xlsx").kind == "proposals"


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_debates_saved_as_json_or_excel_beside_their_comments_name_them(tmp_path, suffix):
    # the debates' titles were read from a CSV beside the comments only: saved as JSON or Excel, every comment
    # answered « Débat n° 23 »
    rows = _real_rows("debats.csv")
    if suffix == ".json":
        (tmp_path / "debats.json").write_text(
            json.dumps([_as_decidim_json(r) for r in rows]), encoding="utf-8"
        )
    else:
        book = openpyxl.Workbook()
        book.active.append(list(rows[0]))
        for row in rows:
            book.active.append([int(v) if v.isdigit() else v or None for v in row.values()])
        book.save(tmp_path / "debats.xlsx")
    comments = tmp_path / "commentaires_debats.csv"
    comments.write_bytes((REAL / "commentaires_debats.csv").read_bytes())
    read = read_file(comments, secret=b"k")
    beside_csv = read_file(REAL / "commentaires_debats.csv", secret=b"k", related=[REAL / "debats.csv"])
    assert read.extras["related"] == [str(tmp_path / f"debats{suffix}")]
    assert [c.question_text for c in read.contributions] == [
        c.question_text for c in beside_csv.contributions
    ]
    assert not any(c.question_text.startswith("Débat n°") for c in read.contributions)


def test_a_json_file_said_decidim_that_is_not_is_refused_in_both_languages(tmp_path):
    path = tmp_path / "avis.json"
    path.write_text(json.dumps([{"ref": 1, "avis": "Des bus"}]), encoding="utf-8")
    with pytest.raises(FormatDetectionError, match="ne correspond pas au format decidim") as caught:
        read_file(path, format="decidim")
    assert "does not match format decidim" in caught.value.message_en
    assert (
        read_file(path, mapping=ColumnMapping(text="avis")).format is Format.JSON
    )  # any other JSON: as before


# A Catalan instance (ca, es): the first proposal official (every locale), the second written in Spanish
CATALAN_PROPOSALS = (
    "id;category/id;category/name/ca;category/name/es;title/ca;title/es;title/machine_translations/ca;"
    "body/ca;body/es;body/machine_translations/ca;published_at\n"
    "1;3;Mobilitat;Movilidad;Pla de mobilitat;Plan de movilidad;;Proposta oficial;Propuesta oficial;;"
    "2023-01-10 09:12:00 +0100\n"
    "2;3;Mobilitat;Movilidad;;Más carriles bici;Més carrils bici;;Carriles protegidos en la Diagonal.;"
    "Carrils protegits a la Diagonal.;2023-01-11 09:12:00 +0100\n"
)


def test_a_text_written_in_another_locale_is_read_not_left_empty(write):
    # Decidim keeps a participant's text in the locale they wrote it in ({"es": ...}) and its CSV exporter
    # takes its columns from the first record (decidim-core/lib/decidim/exporters/csv.rb): on a Catalan
    # instance whose first proposal is official (every locale), a proposal written in Spanish has title/ca
    # and body/ca empty. Only the first locale's column was read: its text was lost ("texte vide").
    path = write("proposals.csv", CATALAN_PROPOSALS)
    official, written_in_spanish = read_file(path).contributions
    assert official.text == "Pla de mobilitat\n\nProposta oficial" and official.question_text == "Mobilitat"
    # the author's own words, not the machine translation
    assert written_in_spanish.text == "Más carriles bici\n\nCarriles protegidos en la Diagonal."
    assert written_in_spanish.extra["title"] == "Más carriles bici"


# ProposalSerializer#author_fields (0.27+): the organisation, co-authors, a user, a meeting
OFFICIAL_PROPOSALS = (
    "id;author/id;author/name;author/url;title/ca;body/ca\n"
    "1;1;Ajuntament;https://decidim.example.cat/;Pla de mobilitat;Proposta oficial\n"
    "2;12, 34;Anna, Joan;https://decidim.example.cat/profiles/anna, https://decidim.example.cat/profiles/joan;"
    "Més carrils bici;Carrils protegits\n"
    "3;12;Anna;https://decidim.example.cat/profiles/anna;Bancs;Més bancs a la plaça\n"
    "4;7;Trobada;https://decidim.example.cat/processes/p/f/3/meetings/5;Arbres;Més arbres\n"
)


def test_official_coauthored_and_group_proposals_name_their_authors(write):
    # ProposalSerializer#author_fields (decidim/decidim 0.27+): author/id, author/name and author/url list every
    # co-author (", "); the organisation itself (an official proposal) has the site's root as its url, a
    # user their profile, a meeting its page. CommentSerializer's user_group/name is {"ca": "", ...} when
    # there is none: on a Catalan instance user_group/name/ca holds the group's name.
    path = write("proposals.csv", OFFICIAL_PROPOSALS)
    official, coauthored, alone, meeting = read_file(path, secret=b"k").contributions
    assert official.author_type is AuthorType.ELECTED_OR_INSTITUTION and official.extra["official"] is True
    assert coauthored.author_ref == alone.author_ref and coauthored.extra["coauthors"] == 2  # Anna created it
    assert {coauthored.author_type, alone.author_type, meeting.author_type} == {AuthorType.UNKNOWN}
    comments = write(
        "comments.csv",
        "id;created_at;body;author/id;author/name;user_group/id;user_group/name/ca;user_group/name/es;"
        "commentable_id;commentable_type;root_commentable_url\n"
        "5;2024-01-01;D'acord;40;Pere;9;Associació de veïns;;2;Decidim::Proposals::Proposal;"
        "https://decidim.example.cat/processes/p/f/2/proposals/2\n",
    )
    [comment] = read_file(comments, related=[]).contributions
    assert comment.author_type is AuthorType.ORGANISATION
    assert comment.extra["organisation"] == "Associació de veïns"


# Decidim 0.30: taxonomies instead of categories (ProposalSerializer, exporters/csv.rb)
TAXONOMY_PROPOSALS = (
    "id;author/id;author/name;author/url;taxonomies/id;taxonomies/name;title/fr;body/fr;withdrawn\n"
    '1;3;Marie;https://d.example/profiles/marie;12, 40;"{""fr""=>""Mobilité"", ""en""=>""Mobility""}, '
    '{""fr""=>""Quartier Nord""}";Plus de bus;Le soir;false\n'
    '2;4;Jean;https://d.example/profiles/jean;13;"{""en""=>""Schools"", ""fr""=>""Écoles \\""ouvertes\\""""}";'
    "Cantine;Bio;false\n"
    "3;5;Léa;https://d.example/profiles/lea;;;Sans thème;Rien;false\n"
)


def test_proposals_of_0_30_answer_their_taxonomy_as_they_answered_their_category(write, tmp_path):
    # Decidim 0.30 replaced categories with taxonomies: ProposalSerializer writes taxonomies: {id: [...],
    # name: [{"fr" => ...}]}, flattened by exporters/csv.rb as taxonomies/id "12, 13" and taxonomies/name
    # the name hashes as Ruby writes them. Without category/id every proposal answered one question,
    # « Propositions sans catégorie ».
    path = write("proposals.csv", TAXONOMY_PROPOSALS)
    bus, school, none = read_file(path).contributions
    assert (bus.question_id, bus.question_text) == ("taxonomy-12", "Mobilité")
    assert bus.extra["taxonomies"] == ["Mobilité", "Quartier Nord"]
    assert (school.question_id, school.question_text) == ("taxonomy-13", 'Écoles "ouvertes"')
    assert (none.question_id, none.question_text) == ("proposals", "Propositions sans catégorie")
    as_json = tmp_path / "proposals.json"
    as_json.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "author": {"id": [3], "name": ["Marie"], "url": ["https://d.example/profiles/marie"]},
                    "taxonomies": {
                        "id": [12, 40],
                        "name": [{"fr": "Mobilité", "en": "Mobility"}, {"fr": "Quartier Nord"}],
                    },
                    "title": {"fr": "Plus de bus"},
                    "body": {"fr": "Le soir"},
                    "withdrawn": False,
                },
            ]  # fmt: skip
        ),
        encoding="utf-8",
    )
    [from_json] = read_file(as_json).contributions
    assert (from_json.question_id, from_json.question_text, from_json.text) == (
        "taxonomy-12", "Mobilité", "Plus de bus\n\nLe soir"
    )  # fmt: skip


# CommentSerializer rows on the other commentable resources of Decidim's modules (meetings, budgets projects,
# blog posts): their replies whose parent comment is absent (hidden or deleted comments are not exported,
# decidim-comments/lib/decidim/comments/export.rb) are placed through root_commentable_url
OTHER_COMMENTS = (
    "id;created_at;body;locale;author/id;author/name;alignment;depth;commentable_id;commentable_type;"
    "root_commentable_url\n"
    "1;2024-01-01;Horaires trop tôt;fr;10;Alice;0;0;5;Decidim::Meetings::Meeting;"
    "https://d.example/processes/p/f/12/meetings/5\n"
    "2;2024-01-02;Je suis d'accord;fr;11;Bob;0;1;99;Decidim::Comments::Comment;"
    "https://d.example/processes/p/f/12/meetings/5\n"
    "3;2024-01-03;Projet trop cher;fr;12;Carol;-1;1;98;Decidim::Comments::Comment;"
    "https://d.example/processes/p/f/3/budgets/1/projects/7?locale=fr\n"
    "4;2024-01-04;Bel article;fr;13;Dan;0;0;4;Decidim::Blogs::Post;https://d.example/processes/p/f/9/posts/4\n"
)


def test_replies_on_meetings_projects_and_posts_find_their_root(write):
    # only debates and proposals were known: a reply to an absent comment on a meeting or a budget project was
    # rejected ("débat ou proposition introuvable"), and the questions were labelled « Meeting n° 5 »
    result = read_file(write("comments.csv", OTHER_COMMENTS), related=[])
    assert result.rejected == []
    c = {x.source_id: x for x in result.contributions}
    assert c["1"].question_id == c["2"].question_id == "meeting-5" and c["1"].question_text == "Réunion n° 5"
    assert (c["3"].question_id, c["3"].question_text) == ("project-7", "Projet n° 7")
    assert (c["4"].question_id, c["4"].question_text) == ("post-4", "Article n° 4")


# OpenSourcePolitics/decidim's DebateSerializer: no author id, the author's profile URL
OSP_DEBATES = (
    "id;title/fr;description/fr;comments;url;category/id;category/name/fr;component/id;participatory_space/id;"
    "participatory_space/url;created_at;start_time;end_time;author_url\n"
    "1;Quelle place pour le vélo ?;<p>Vos idées</p>;3;https://d.example/processes/p/f/4/debates/1;;;4;1;"
    "https://d.example/processes/p;2019-01-10 10:00:00 +0100;;;https://d.example/profiles/marie\n"
    "2;Et les piétons ?;<p>Vos idées</p>;0;https://d.example/processes/p/f/4/debates/2;;;4;1;"
    "https://d.example/processes/p;2019-01-11 10:00:00 +0100;;;https://d.example/profiles/marie\n"
)


def test_debates_of_the_open_source_politics_fork_know_their_author_by_profile(write):
    # OpenSourcePolitics/decidim (decidim-debates/lib/decidim/debates/debate_serializer.rb), which hosts many
    # French collectivités, writes no author id: author_url, the author's profile. Every debate was anonymous.
    path = write("debats.csv", OSP_DEBATES)
    first, second = read_file(path, secret=b"k").contributions
    assert first.author_ref is not None and first.author_ref == second.author_ref


# OpenSourcePolitics/decidim's ProposalSerializer, admin export: authors by name, nickname and e-mail
OSP_PROPOSALS = (
    "id;category/id;category/name/fr;title/fr;body/fr;published_at;url;authors/names;authors/nicknames;"
    "authors/emails\n"
    "1;;;Plus de bus;Le soir;2019-01-10 10:00:00 +0100;https://d.example/p/1;Marie D,Jean M;marie_d,jean_m;"
    "m@example.org,j@example.org\n"
    "2;;;Moins de voitures;En ville;2019-01-11 10:00:00 +0100;https://d.example/p/2;Marie D;marie_d;"
    "m@example.org\n"
)


def test_proposals_of_the_open_source_politics_fork_know_their_author_by_nickname(write):
    # OpenSourcePolitics/decidim's ProposalSerializer (decidim-proposals/lib/decidim/proposals/
    # proposal_serializer.rb, admin export) writes no author id: authors/names, authors/nicknames, authors/emails,
    # co-authors joined with ",". Every proposal was anonymous.
    path = write("propositions.csv", OSP_PROPOSALS)
    first, second = read_file(path, secret=b"k").contributions
    assert first.author_ref is not None and first.author_ref == second.author_ref


# decidim-meetings/lib/decidim/meetings/meeting_serializer.rb: a title and a description, as a debate has
MEETINGS = (
    "id;category/id;category/name/fr;scope/id;scope/name/fr;participatory_space/id;participatory_space/url;"
    "component/id;title/fr;description/fr;start_time;end_time;attendees;contributions;organizations;address;"
    "location/fr;reference;comments;attachments;followers;url;related_proposals;related_results;published\n"
    "5;;;;;1;https://d.example/processes/p;12;Réunion publique à Lille;<p>Débat sur la fiscalité</p>;"
    "2019-01-20 18:00;2019-01-20 20:00;45;12;;Hôtel de ville;Salle A;D-MEET-5;3;0;4;"
    "https://d.example/processes/p/f/12/meetings/5;;;true\n"
)


def test_a_meetings_export_is_refused_not_read_as_debates(write, tmp_path):
    # a meetings export has a title and a description: it was read as a debates export, the organisers'
    # meetings analysed as the participants' contributions
    path = write("meetings.csv", MEETINGS)
    for read in (read_file, preview):
        with pytest.raises(InputFileError, match="l'export des réunions de Decidim.*Importez les exports"):
            read(path)
    as_json = tmp_path / "meetings.json"
    as_json.write_text(
        json.dumps([_as_decidim_json(r) for r in csv.DictReader(MEETINGS.splitlines(), delimiter=";")])
    )
    with pytest.raises(InputFileError) as caught:
        read_file(as_json)
    assert "the meetings export of Decidim" in caught.value.message_en
