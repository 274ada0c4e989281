"""``synthese preview``: French summary of what an import would see; clear error on a bad file."""

from __future__ import annotations

from typer.testing import CliRunner

from synthesis.cli import app

from .conftest import GD_SAMPLE


def test_preview_command_prints_detection_in_french():
    result = CliRunner().invoke(app, ["preview", str(GD_SAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Format détecté" in result.output and "granddebat (wide)" in result.output
    assert "[question fermée synthétique]" in result.output  # user text is not read as markup
    assert "1 300" in result.output and "5 premières lignes" in result.output


def test_preview_command_suggests_options(write):
    path = write("x.csv", "id;texte;code postal\n1;Plus de bus;75011\n")
    result = CliRunner().invoke(app, ["preview", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert '--text-column "texte" --id-column "id" --postcode-column "code postal"' in result.output


def test_preview_command_error(write):
    path = write("x.csv", b"%PDF-1.4\n\x00\x01")
    result = CliRunner().invoke(app, ["preview", str(path)])
    assert result.exit_code == 2 and "binary_file" in result.output


def test_preview_command_bad_encoding_is_a_clear_error(write):
    path = write("x.csv", "id,texte\n1,un\n")
    result = CliRunner().invoke(app, ["preview", str(path), "--encoding", "hex"])
    assert result.exit_code == 2 and "invalid_encoding" in result.output and "hex" in result.output


def test_preview_command_says_a_mixed_file_has_lines_read_as_windows_1252(write):
    rows = "".join(f"{i},Réponse numéro {i}\n" for i in range(1, 6))
    path = write("x.csv", ("id,texte\n" + rows).encode() + "6,été\n".encode("cp1252"))
    result = CliRunner().invoke(app, ["preview", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Attention : Des lignes ne sont pas en UTF-8" in result.output
    clean = CliRunner().invoke(
        app, ["preview", str(write("y.csv", "id,texte\n" + rows))], env={"COLUMNS": "200"}
    )
    assert "Attention" not in clean.output


def test_preview_command_in_english_with_lang_en(write):
    # --lang en changed only the error messages: the preview itself stayed French ("Format détecté",
    # "premières lignes", "Correspondance suggérée")
    path = write("x.csv", "id;texte\n1;Plus de bus\n")
    result = CliRunner().invoke(app, ["preview", str(path), "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for english in ("Detected format", "Delimiter", "first row", "Suggested mapping: --text-column"):
        assert english in result.output, english
    for french in ("Fichier", "Format détecté", "premières", "Correspondance", "octets"):
        assert french not in result.output, french
    big = CliRunner().invoke(app, ["preview", str(GD_SAMPLE), "--lang", "en"], env={"COLUMNS": "200"})
    assert "1,300" in big.output and "first 5 rows" in big.output


def test_preview_command_lists_the_files_of_a_zip_export_in_the_chosen_language(write):
    from tests.utils.archives import polis_zip, zip_bytes

    path = write("polis.zip", polis_zip())
    result = CliRunner().invoke(app, ["preview", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "Fichiers de l'archive (4)" in said and "Fichier montré : london.youth.policing/comments.csv" in said
    )
    assert "london.youth.policing/comments.csv : lu (polis, comments, 39 lignes)" in said
    assert "london.youth.policing/votes.csv : ignoré — votes Polis : pas des contributions" in said
    result = CliRunner().invoke(app, ["preview", str(path), "--lang", "en"], env={"COLUMNS": "200"})
    said = " ".join(result.output.split())
    assert "london.youth.policing/summary.csv: side file — Polis side file: gives the question's text" in said
    odd = write("odd.zip", zip_bytes({"[/]avis.csv": b"id;avis\n1;Des bus\n"}))
    result = CliRunner().invoke(app, ["preview", str(odd)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "[/]avis.csv : lu" in result.output  # a member's name is no markup
