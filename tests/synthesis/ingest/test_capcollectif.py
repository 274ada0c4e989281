"""Cap Collectif exports (synthesis.ingest.capcollectif): the column each kind of file reads its texts from."""

from __future__ import annotations

import pytest

from synthesis.errors import MappingError
from synthesis.ingest import Format, read_file
from synthesis.ingest.capcollectif import EXPIRED_REASON, TRASHED_REASON

ARGUMENTS = (
    "argument_id,opinion_id,section_subtitle,opinion_title,stance,body,votes_count,author_uniqueId,created_at,"
    "is_trashed\n1,7,Titre I,Ouvrir les données,yes,Oui car…,3,u1,2015-10-01,0\n"
)
OPINIONS = (
    "opinion_id,section_title,section_subtitle,title,body_text,is_trashed\n7,Titre I,,Ouvrir,Le texte,0\n"
)


def test_arguments_without_body_column_are_refused_naming_it(write):
    assert read_file(write("arguments.csv", ARGUMENTS)).contributions[0].text == "Oui car…"
    path = write("arguments.csv", ARGUMENTS.replace(",body,", ",message,"))
    with pytest.raises(MappingError, match="La colonne de texte « body » est absente") as caught:
        read_file(path)
    assert "Cap Collectif arguments export 'arguments.csv'" in caught.value.message_en
    assert "« message »" in caught.value.message_fr


def test_opinions_without_body_text_column_are_refused(write):
    assert read_file(write("opinions.csv", OPINIONS)).contributions[0].text == "Ouvrir\n\nLe texte"
    with pytest.raises(MappingError, match="« body_text »"):
        read_file(write("opinions.csv", OPINIONS.replace("body_text", "texte")))


# The export of a consultation step by Cap Collectif's back office (cap-collectif/cap-collectif,
# src/Capco/AppBundle/Command/CreateCsvFromConsultationStepCommand.php, SHEET_HEADER): one row per proposal,
# then its votes, sources, reports, arguments and amendments, each kind in its own columns, booleans Yes / No
STEP_HEADER = (
    "type,contributions_id,contributions_author_id,contributions_section_title,contributions_title,"
    "contributions_bodyText,contributions_createdAt,contributions_updatedAt,contributions_url,"
    "contributions_published,contributions_trashed,contributions_trashedAt,contributions_trashedReason,"
    "contributions_votesCount,contributions_votesCountOk,contributions_votesCountMitige,"
    "contributions_votesCountNok,contributions_argumentsCount,contributions_argumentsCountFor,"
    "contributions_argumentsCountAgainst,contributions_sourcesCount,contributions_versionsCount,"
    "contributions_arguments_related_id,contributions_arguments_related_kind,contributions_arguments_id,"
    "contributions_arguments_author_id,contributions_arguments_type,contributions_arguments_body,"
    "contributions_arguments_createdAt,contributions_arguments_updatedAt,contributions_arguments_url,"
    "contributions_arguments_published,contributions_arguments_trashed,contributions_arguments_trashedAt,"
    "contributions_arguments_trashedReason,contributions_arguments_votesCount,contributions_votes_id,"
    "contributions_votes_author_id,contributions_votes_value,contributions_votes_createdAt,"
    "contributions_reportings_related_id,contributions_reportings_related_kind,contributions_reportings_id,"
    "contributions_reportings_author_id,contributions_reportings_type,contributions_reportings_body,"
    "contributions_reportings_createdAt,contributions_sources_id,contributions_sources_related_id,"
    "contributions_sources_related_kind,contributions_sources_author_id,contributions_sources_trashed,"
    "contributions_sources_trashedAt,contributions_sources_trashedReason,contributions_sources_body,"
    "contributions_sources_createdAt,contributions_sources_updatedAt,contributions_sources_published,"
    "contributions_sources_votesCount,contribution_versions_id,contribution_versions_title,"
    "contribution_versions_bodyText,contribution_versions_createdAt,contribution_versions_updatedAt\n"
)


def _step_row(kind: str, **cells: str) -> str:
    names = STEP_HEADER.strip().split(",")
    return ",".join([kind] + [f'"{cells.get(n, "")}"' if cells.get(n) else "" for n in names[1:]]) + "\n"


STEP_EXPORT = STEP_HEADER + "".join(
    [
        _step_row(
            "opinion", contributions_id="T3BpbmlvbjoxMg==", contributions_author_id="VXNlcjox",
            contributions_section_title="Ouverture des données publiques",
            contributions_title="Article 1 - Open data par défaut",
            contributions_bodyText="Les administrations publient en ligne leurs principaux documents.",
            contributions_createdAt="2015-09-26 10:00:00", contributions_published="Yes",
            contributions_trashed="No",
        ),
        _step_row(
            "vote", contributions_votes_id="Vm90ZTox", contributions_votes_author_id="VXNlcjoy",
            contributions_votes_value="YES", contributions_votes_createdAt="2015-09-27 08:00:00",
        ),
        _step_row(
            "argument", contributions_arguments_related_id="T3BpbmlvbjoxMg==",
            contributions_arguments_related_kind="opinion", contributions_arguments_id="QXJndW1lbnQ6MQ==",
            contributions_arguments_author_id="VXNlcjoz", contributions_arguments_type="FOR",
            contributions_arguments_body="Une avancée pour la transparence de l'action publique.",
            contributions_arguments_createdAt="2015-09-27 09:00:00", contributions_arguments_published="Yes",
            contributions_arguments_trashed="No",
        ),
        _step_row(
            "argument", contributions_arguments_related_id="T3BpbmlvbjoxMg==",
            contributions_arguments_related_kind="opinion", contributions_arguments_id="QXJndW1lbnQ6Mg==",
            contributions_arguments_author_id="VXNlcjo0", contributions_arguments_type="AGAINST",
            contributions_arguments_body="Pub pub pub", contributions_arguments_published="Yes",
            contributions_arguments_trashed="Yes",
        ),
        _step_row(
            "source", contributions_sources_id="U291cmNlOjE=", contributions_sources_related_id="T3BpbmlvbjoxMg==",
            contributions_sources_author_id="VXNlcjo1",
            contributions_sources_body="Le rapport Trojette sur l'ouverture des données.",
            contributions_sources_published="Yes", contributions_sources_trashed="No",
        ),
        _step_row(
            "reportings", contributions_reportings_related_id="QXJndW1lbnQ6Mg==",
            contributions_reportings_id="UmVwb3J0aW5nOjE=", contributions_reportings_body="Ceci est du spam",
        ),
        _step_row(
            "version", contribution_versions_id="VmVyc2lvbjox", contribution_versions_title="Amendement 1",
            contribution_versions_bodyText="Ajouter les collectivités de moins de 3 500 habitants.",
        ),
    ]
)  # fmt: skip


def test_a_consultation_step_export_reads_each_row_by_its_type(write):
    # it was read as any spreadsheet: the moderation reports and the votes became contributions (or empty
    # ones), the arguments, sources and amendments, in their own columns, were lost
    result = read_file(write("projet-de-loi_consultation.csv", STEP_EXPORT))
    assert (result.format, result.extras["kind"], result.rows_read) == (
        Format.CAPCOLLECTIF,
        "consultation",
        7,
    )
    c = {x.extra["kind"] + ":" + x.source_id: x for x in result.contributions}
    opinion = c["opinion:T3BpbmlvbjoxMg=="]
    assert opinion.question_text == "Ouverture des données publiques"
    assert opinion.text.startswith("Article 1 - Open data par défaut\n\nLes administrations")
    pro, spam = c["argument:QXJndW1lbnQ6MQ=="], c["argument:QXJndW1lbnQ6Mg=="]
    assert (pro.question_id, pro.question_text, pro.extra["stance"]) == (
        "T3BpbmlvbjoxMg==", "Article 1 - Open data par défaut", "pour"
    )  # fmt: skip
    assert spam.excluded == TRASHED_REASON and spam.extra["stance"] == "contre"
    assert c["source:U291cmNlOjE="].question_id == "T3BpbmlvbjoxMg=="
    amendment = c["version:VmVyc2lvbjox"]  # its row names no proposal: the one before it
    assert amendment.question_id == "T3BpbmlvbjoxMg==" and amendment.text.startswith("Amendement 1\n\n")
    assert [r.line for r in result.rejected] == [3, 7]
    assert "pas une contribution écrite" in result.rejected[0].reason
    assert "not a contribution" in result.rejected[1].reason_en


def test_an_expired_contribution_of_a_step_export_is_excluded_with_its_reason(write):
    # the 2019 versions of the command write contributions_expired (its author never confirmed their account)
    header = STEP_HEADER.replace("contributions_url,", "contributions_url,contributions_expired,", 1)
    names = header.strip().split(",")
    row = {"type": "opinion", "contributions_id": "1", "contributions_section_title": "Titre I",
           "contributions_title": "Ouvrir", "contributions_bodyText": "Le texte", "contributions_expired": "Yes",
           "contributions_published": "No"}  # fmt: skip
    path = write("step.csv", header + ",".join(row.get(n, "") for n in names) + "\n")
    [expired] = read_file(path).contributions
    assert expired.excluded == EXPIRED_REASON
