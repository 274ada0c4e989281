"""Cap Collectif exports (synthesis.ingest.capcollectif): the column each kind of file reads its texts from."""

from __future__ import annotations

import pytest

from synthesis.errors import MappingError
from synthesis.ingest import read_file

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
