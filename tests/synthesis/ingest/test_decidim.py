"""Decidim exports (synthesis.ingest.decidim): the text column, side files giving the debates' titles."""

from __future__ import annotations

import logging

import pytest

from synthesis.errors import MappingError
from synthesis.ingest import read_file

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
