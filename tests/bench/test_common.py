"""``bench.common.labelled_file``: a labelled export of one's own read as benchmark sets (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from bench.common import labelled_file
from synthesis.errors import InputFileError

Q2 = "Quels impôts baisser ?"
ROWS = [
    ("Q1", "Il faut plus de pistes cyclables en ville", "mobilité"),
    ("Q1", "Les bus devraient passer plus souvent le soir", "mobilité"),
    ("Q1", "Planter des arbres dans les cours d'école", "nature"),
    ("Q1", "RAS", "nature"),  # a non-answer: left out, as in every set
    ("Q1", "Aucune", "nature"),  # ... as "Aucune" is, unless the question asks which ones
    (Q2, "Baisser la TVA sur les produits de première nécessité", "impôts"),
    (Q2, "Supprimer la taxe d'habitation pour tous", "impôts"),
    (Q2, "Réduire les dépenses de l'État", "dépenses"),
    (Q2, "Aucun", "aucun"),  # answers Q2 (grouped by question), says nothing without it (the whole file)
    (Q2, "Une réponse sans étiquette", ""),  # not annotated: left out
]


def _csv(tmp_path: Path) -> Path:
    """The rows as a Windows-1252 CSV with semicolons, as spreadsheets export them."""
    path = tmp_path / "étiquettes.csv"
    lines = ["question;réponse;thème"] + [";".join(r) for r in ROWS]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def test_csv_in_any_encoding_grouped_by_question(tmp_path: Path) -> None:
    sets = labelled_file(_csv(tmp_path), "réponse", "thème", group_column="question")
    assert [s.name for s in sets] == ["étiquettes[Q1]/thème", f"étiquettes[{Q2}]/thème"]
    q1, q2 = sets
    assert q1.texts == [ROWS[0][1], ROWS[1][1], ROWS[2][1]]
    assert q1.labels.tolist() == ["mobilité", "mobilité", "nature"]
    assert q1.question_text == "Q1"
    assert q2.labels.tolist() == ["impôts", "impôts", "dépenses", "aucun"]


def test_whole_file_as_one_set(tmp_path: Path) -> None:
    (only,) = labelled_file(_csv(tmp_path), "réponse", "thème")
    assert only.name == "étiquettes/thème"
    assert len(only.texts) == 6 and only.n_labels == 4


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["question", "réponse", "thème"])
    for row in ROWS:
        sheet.append(list(row))
    path = tmp_path / "tags.xlsx"
    book.save(path)
    (only,) = labelled_file(path, "réponse", "thème")
    assert only.texts[0] == ROWS[0][1] and len(only.texts) == 6


def test_missing_column_is_named_with_the_columns_there(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as err:
        labelled_file(_csv(tmp_path), "texte", "thème")
    assert "« texte »" in err.value.message_fr and "réponse" in err.value.message_fr
    assert "'texte'" in err.value.message_en


def test_a_single_label_cannot_be_scored(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("text,label\nune idée,a\nune autre idée,a\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="moins de deux"):
        labelled_file(path, "text", "label")
    path.write_text("text,label\nune idée,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="Aucune ligne"):
        labelled_file(path, "text", "label")
