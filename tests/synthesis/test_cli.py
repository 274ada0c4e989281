"""The ``synthese analyse`` command end to end on a real sample, and its errors on bad input."""

import html
import json
import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemas import Report
from synthesis.cli import app
from synthesis.errors import SettingsError
from synthesis.html import render_report_page, reproduce_command
from tests.utils.data import SAMPLES, SHARED_DATA
from tests.utils.fake_embedder import FAKE_EMBEDDER, register_fake_embedder

SAMPLE = SAMPLES / "granddebat_fiscalite_sample.csv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # per-machine secret and cache go to a temporary home
    register_fake_embedder()


def analyse(*args):
    return runner.invoke(app, ["analyse", *map(str, args)])


def test_analyse_real_sample_to_json_and_html(tmp_path):
    out = tmp_path / "report.json"
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    counts = report["manifest"]["counts"]
    assert counts["rows_read"] == 1300
    assert counts["contributions"] == counts["clustered"] + counts["noise"] + counts["excluded"]
    assert report["manifest"]["input_sha256"]
    assert "1\u00a0300 lignes lues" in result.output  # thousands apart, never on two lines
    said = " ".join(result.output.split())
    assert "1 300 lignes lues" in said and "44 lignes rejetées" in said and "Rapport écrit dans" in said
    said = " ".join(analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out, "--lang", "en").output.split())
    assert "1,300 rows read" in said and "44 rejected rows" in said and "Report written to" in said
    html = tmp_path / "report.html"
    assert analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", html).exit_code == 0
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    # the English page with --lang en (it wrote the French one)
    assert analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", html, "--lang", "en").exit_code == 0
    assert '<html lang="en">' in html.read_text(encoding="utf-8")
    wrong = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", html, "--lang", "de")
    assert (
        wrong.exit_code == 2 and "'de'" in wrong.output and "lignes lues" not in wrong.output
    )  # before the run


def test_a_file_of_non_answers_says_no_theme(tmp_path):
    # it read "0 thème, 0 contribution classée"
    path = tmp_path / "reponses.csv"
    path.write_text("comment\nRAS\nRien\nNéant\n", encoding="utf-8")
    result = analyse(path, "--embedder", FAKE_EMBEDDER, "--out", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ": aucun thème, aucune contribution classée, 0 non classée, 3 exclues." in said


def test_the_question_of_a_file_without_a_question_column_can_be_given(tmp_path):
    # the real Grand Débat answers of one question, in a one-column file (like ../shared/data/granddebat)
    rows = [json.dumps(t, ensure_ascii=False) for t in ("Le maire, par confiance", "Les élus locaux") * 15]
    path = tmp_path / "reponses.csv"
    path.write_text("comment\n" + "\n".join(rows) + "\n", encoding="utf-8")
    question = "En qui faites-vous le plus confiance pour vous faire représenter ?"
    out = tmp_path / "report.json"
    result = analyse(path, "--embedder", FAKE_EMBEDDER, "--question-text", question, "--out", out)
    assert result.exit_code == 0, result.output
    (q,) = json.loads(out.read_text(encoding="utf-8"))["questions"]
    assert q["question_text"] == question
    keywords = {k["term"] for c in q["clusters"] for k in c["keywords"]}
    assert "maire" in keywords and "confiance" not in keywords  # the question's own words are not keywords
    assert analyse(path, "--embedder", FAKE_EMBEDDER, "--out", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["questions"][0]["question_text"] == "reponses"


def test_the_methodology_command_reads_the_file_as_the_run_did(tmp_path):
    # the page's command left out --question-text and the columns: run again, 16 of 27 labels changed
    path = tmp_path / "réponses.csv"
    path.write_text("n,avis\n" + "".join(f"{i},Le maire de la commune {i % 3}\n" for i in range(30)), "utf-8")
    question = "En qui avez-vous confiance ? (l'élu)"
    args = ["--text-column", "avis", "--id-column", "n", "--question-text", question, "--seed", "3"]
    out = tmp_path / "r.json"
    assert analyse(path, "--embedder", FAKE_EMBEDDER, *args, "--out", out).exit_code == 0
    report = Report.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.manifest.import_options == {
        "format": "csv", "text_column": "avis", "id_column": "n", "question_text": question,
    }  # fmt: skip
    command = shlex.split(reproduce_command(report))
    assert command[:3] == ["synthese", "analyse", "FICHIER"] and command[-2:] == ["--out", "rapport.html"]
    again = tmp_path / "again.json"
    rerun = analyse(path, *command[3:-2], "--embedder", FAKE_EMBEDDER, "--out", again)
    assert rerun.exit_code == 0, rerun.output
    first, second = (json.loads(f.read_text(encoding="utf-8")) for f in (out, again))
    for r in (first, second):
        r["manifest"].pop("timings")
    assert first == second
    assert "n'est pas enregistrée" not in render_report_page(report)
    report.manifest.import_options = {}  # an import through the API: the page says what it lacks
    assert "n'est pas enregistrée pour ce rapport" in html.unescape(render_report_page(report))


@pytest.mark.slow
def test_analyse_with_default_embedder_is_deterministic(tmp_path):
    reports = []
    for name in ("a.json", "b.json"):
        result = analyse(SAMPLE, "--out", tmp_path / name, "--seed", 7)
        assert result.exit_code == 0, result.output
        data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        data["manifest"].pop("timings")
        reports.append(data)
    assert reports[0] == reports[1]
    assert reports[0]["manifest"]["embedder"]["name"] == "use-multilingual"
    assert reports[0]["manifest"]["seed"] == 7


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, [], "invalid|binaire|binary"),
        (b"", [], "vide|empty"),
        (b"id,texte\n1,bonjour\n", ["--format", "csv", "--text-column", "contenu"], "contenu"),
        (
            b'id,texte\n1,"guillemet jamais ferme\n2,ok\n',
            ["--format", "csv", "--text-column", "texte"],
            "ligne|line",
        ),
    ],
    ids=["not-csv", "empty", "missing-text-column", "broken-quote"],
)
def test_bad_input_gives_a_clear_error(tmp_path, content, args, expected):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = analyse(path, "--embedder", FAKE_EMBEDDER, *args)
    assert result.exit_code == 2, result.output
    assert "Erreur" in result.output
    assert pytest.importorskip("re").search(expected, result.output, flags=2)


def test_fit_options_reach_the_run_settings_and_bad_values_are_named(tmp_path):
    out = tmp_path / "report.json"
    result = analyse(
        SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out, "--fit-max", 1000, "--umap-epochs", 30
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["manifest"]["settings"]["fit_max"] == 1000
    methods = [q["method"] for q in report["questions"]]
    assert all(m["n_epochs"] == 30 for m in methods if m["fitted_on"] > 16)
    bad = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--fit-max", 10, "--min-cluster-size", 0)
    assert bad.exit_code == 2 and "Erreur (invalid_settings)" in bad.output
    assert "--fit-max doit être ≥ 1000 (reçu : 10)" in bad.output and "--min-cluster-size" in bad.output
    english = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--umap-epochs", 1, "--lang", "en")
    assert english.exit_code == 2 and "--umap-epochs must be ≥ 10 (got 1)" in english.output


@pytest.mark.parametrize(
    ("given", "french", "english"),
    [
        (
            '{"max_themes": 500}',
            "--settings max_themes doit être ≤ 200 (reçu : 500)",
            "must be ≤ 200 (got 500)",
        ),
        ('{"themes_max": 5}', "--settings themes_max : réglage inconnu", "themes_max: unknown setting"),
        ('{"max_themes": 5', "n'est pas un objet JSON valide (colonne 17)", "is not valid JSON (column 17)"),
        ("[5]", "--settings doit être un objet JSON", "--settings must be a JSON object"),
        (
            '{"random_state": 5}',
            "random_state se donne avec l'option --seed",
            "is given with the option --seed",
        ),
    ],
    ids=["out-of-range", "unknown", "not-json", "not-an-object", "has-its-option"],
)
def test_bad_settings_are_named_before_the_run(given, french, english):
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--settings", given)
    assert result.exit_code == 2 and "Erreur (invalid_settings)" in result.output
    assert french in said(result) and "lignes lues" not in result.output
    assert english in said(analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--settings", given, "--lang", "en"))


@pytest.mark.parametrize(("seed", "bound"), [(-1, "≥ 0"), (2**32, "≤ 4294967295")])
def test_a_seed_numpy_cannot_take_is_refused_before_the_run(seed, bound):
    # it read the file, then crashed on numpy's "Seed must be between 0 and 2**32 - 1"
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--seed", seed)
    assert result.exit_code == 2, result.output
    assert (
        f"Erreur (invalid_settings) : Réglage invalide : --seed doit être {bound} (reçu : {seed})"
        in " ".join(result.output.split())
    )
    assert "lignes lues" not in result.output


def said(result):
    """The output on one line (rich wraps long messages)."""
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    ("where", "french", "english"),
    [
        ("nodir/r.json", "le dossier {tmp}/nodir n'existe pas", "folder {tmp}/nodir does not exist"),
        (".", "c'est un dossier", "it is a folder"),
        (
            "export.csv/r.json",
            "un élément du chemin n'est pas un dossier",
            "a part of the path is not a folder",
        ),
    ],
    ids=["no-folder", "a-folder", "under-a-file"],
)
def test_a_report_path_that_cannot_be_written_is_refused_before_the_run(tmp_path, where, french, english):
    # it ran the whole analysis, then ended on a FileNotFoundError / IsADirectoryError traceback
    (tmp_path / "export.csv").write_text("comment\nbonjour\n", encoding="utf-8")
    out = tmp_path / where
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out)
    assert result.exit_code == 2, result.output
    assert f"Erreur (invalid_output) : Impossible d'écrire le rapport dans {out} : " in said(result)
    assert french.format(tmp=tmp_path) in said(result) and "lignes lues" not in result.output
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out, "--lang", "en")
    assert f"Error (invalid_output): Cannot write the report to {out}: " in said(result)
    assert english.format(tmp=tmp_path) in said(result)


def test_the_check_of_the_report_path_leaves_no_file_and_an_existing_report_as_it_is(tmp_path, monkeypatch):
    import synthesis.cli as cli

    reports, seen = tmp_path / "reports", []

    def look_and_stop(*args):
        seen.append(sorted(reports.iterdir()))
        raise SettingsError("arrêt du test", "test stop")

    monkeypatch.setattr(cli, "run_with_progress", look_and_stop)
    reports.mkdir()
    new, old = reports / "new.json", reports / "old.json"
    old.write_text("{}", encoding="utf-8")
    assert "arrêt du test" in analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", new).output
    assert "arrêt du test" in analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", old).output
    assert (
        seen == [[old], [old]] and old.read_text(encoding="utf-8") == "{}"
    )  # as they were when the run began


def test_a_report_that_cannot_be_written_after_the_run_is_a_clear_error(tmp_path, monkeypatch):
    # the folder goes away during the run: a clear error, not a traceback
    import shutil

    import synthesis.cli as cli

    run = cli.run_with_progress

    def run_then_remove_the_folder(*args):
        report = run(*args)
        shutil.rmtree(tmp_path / "out")
        return report

    monkeypatch.setattr(cli, "run_with_progress", run_then_remove_the_folder)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "r.json"
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out)
    assert result.exit_code == 2, result.output
    assert "lignes lues" in result.output  # the run happened
    assert f"Erreur (invalid_output) : Impossible d'écrire le rapport dans {out} : le dossier" in said(result)


def _not_a_cache(folder, kind):
    folder.mkdir()
    path = folder / "cache.sqlite3"
    if kind == "folder":
        path.mkdir()
    elif kind == "damaged":
        path.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 8)
    else:  # another program's database
        import sqlite3

        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE users (name TEXT)")
        conn.commit()
        conn.close()
    return path


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("folder", "c'est un dossier"),
        ("damaged", "ce n'est pas une base SQLite"),
        ("foreign", "c'est une base SQLite qui n'est pas un cache d'embeddings (tables : users)"),
    ],
)
def test_a_cache_that_is_not_one_is_refused_before_the_run_and_left_as_it_is(tmp_path, kind, reason):
    # it ended on an sqlite3 OperationalError / DatabaseError traceback after the import
    path = _not_a_cache(tmp_path / "caches", kind)
    before = sorted(path.parent.iterdir()), None if kind == "folder" else path.read_bytes()
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--cache", path)
    assert result.exit_code == 2, result.output
    assert f"Erreur (invalid_cache) : Le cache d'embeddings {path} ne peut pas servir : {reason}" in said(
        result
    )
    assert "--no-cache" in result.output and "lignes lues" not in result.output
    assert (sorted(path.parent.iterdir()), None if kind == "folder" else path.read_bytes()) == before
    english = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--cache", path, "--lang", "en")
    assert f"Error (invalid_cache): The embedding cache {path} cannot be used: " in said(english)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00\x81 binary key", "ce n'est pas un texte UTF-8"),
        (b" \n", "le fichier est vide"),
        (None, "c'est un dossier"),
    ],
    ids=["binary", "empty", "folder"],
)
def test_a_secret_file_that_is_not_a_key_is_refused_naming_it(tmp_path, content, reason):
    # a binary key ended on a UnicodeDecodeError traceback; an empty one pseudonymised with an empty key
    path = tmp_path / "secret"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--secret-file", path)
    assert result.exit_code == 2, result.output
    assert (
        f"Erreur (invalid_secret) : La clé de pseudonymisation {path} ne peut pas servir : {reason}"
        in said(result)
    )
    assert "lignes lues" not in result.output
    english = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--secret-file", path, "--lang", "en")
    assert f"Error (invalid_secret): The pseudonymisation key {path} cannot be used: " in said(english)


def test_a_secret_is_text_read_as_the_service_reads_its_key(tmp_path):
    # the service encodes PSEUDONYM_SECRET as UTF-8: the same key file gives the same pseudonyms
    from synthesis.cli import load_secret

    path = tmp_path / "secret"
    path.write_text("clé de la consultation « été »\n", encoding="utf-8")
    assert load_secret(path) == "clé de la consultation « été »".encode()


def test_only_the_default_secret_is_created_when_missing(tmp_path):
    # a --secret-file that does not exist (a typo, a secret not mounted) was created with a new random key: the
    # authors were pseudonymised unlike the service and the earlier reports, and nothing said so
    from synthesis.cli import default_secret_path, load_secret

    missing = tmp_path / "etc" / "secret"
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--secret-file", missing)
    assert result.exit_code == 2, result.output
    assert f"La clé de pseudonymisation {missing} ne peut pas servir : il n'existe pas" in said(result)
    assert not missing.exists() and "lignes lues" not in result.output
    english = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--secret-file", missing, "--lang", "en")
    assert f"The pseudonymisation key {missing} cannot be used: it does not exist" in said(english)
    created = load_secret(None)  # HOME is tmp_path: the per-machine key, created once
    assert len(created) == 64 and default_secret_path().read_bytes() == created == load_secret(None)


NOT_A_TABLE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--embedder", "nope"], "Erreur (unknown_embedder) : Embedder inconnu : 'nope'"),
        (["--model", "paraphrase-multilingual"], "--model paraphrase-multilingual ne s'emploie qu'avec"),
    ],
    ids=["unknown", "model-it-ignores"],
)
def test_the_embedder_is_checked_before_the_file_is_read(tmp_path, args, expected):
    # an unknown embedder was refused only after the whole file had been read (here: the file's error came first)
    path = tmp_path / "export.csv"
    path.write_bytes(NOT_A_TABLE)
    result = analyse(path, *args)
    assert result.exit_code == 2, result.output
    assert expected in said(result) and "binary" not in said(result)


def preview(*args):
    return runner.invoke(app, ["preview", *map(str, args)])


@pytest.mark.parametrize("command", [analyse, preview], ids=["analyse", "preview"])
def test_a_missing_file_or_a_folder_is_said_in_the_chosen_language(tmp_path, command):
    # typer said "Invalid value for 'FILE': File '…' does not exist." in English whatever --lang
    missing = tmp_path / "absent.csv"
    result = command(missing)
    assert result.exit_code == 2 and f"Erreur (invalid_file) : Fichier introuvable : {missing}" in said(
        result
    )
    result = command(missing, "--lang", "en")
    assert result.exit_code == 2 and f"Error (invalid_file): File not found: {missing}" in said(result)
    # a folder is read as the ZIP of its files: one with nothing to read is said, naming it
    empty = tmp_path / "dossier vide"
    empty.mkdir()
    result = command(empty)
    assert result.exit_code == 2 and (
        f"Erreur (invalid_archive) : Le dossier « {empty} » ne contient aucun fichier de contributions lisible"
    ) in said(result)
    result = command(empty, "--lang", "en")
    assert result.exit_code == 2 and (
        f"Error (invalid_archive): The folder '{empty}' holds no readable contribution file"
    ) in said(result)


@pytest.mark.parametrize("command", [analyse, preview], ids=["analyse", "preview"])
def test_an_unknown_language_is_refused_in_french_with_a_french_prefix(command):
    # preview accepted --lang xx; analyse refused it as « Error (…) : Langue … », an English prefix on French
    result = command(SAMPLE, "--lang", "xx")
    assert result.exit_code == 2, result.output
    assert "Erreur (unsupported_language) : Langue non prise en charge : --lang 'xx'" in said(result)
    assert "Error" not in result.output and "Colonnes" not in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_side_file_skipped_is_said_once_in_the_chosen_language(tmp_path, lang):
    from tests.synthesis.ingest.test_decidim import COMMENTS, DEBATES

    path = tmp_path / "comments.csv"
    path.write_text(COMMENTS, encoding="utf-8")
    (tmp_path / "debats.csv").write_text(DEBATES + '99;;"Titre cassé;d;0;2019;u;1\n', encoding="utf-8")
    result = analyse(path, "--embedder", FAKE_EMBEDDER, "--out", tmp_path / "r.json", "--lang", lang)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    warned = (
        "Attention : Fichier voisin « debats.csv » ignoré"
        if lang == "fr"
        else "Warning: Side file 'debats.csv'"
    )
    assert said.count(warned) == 1 and said.count("debats.csv") == 1, said


def test_help_is_in_french_from_its_first_line_to_its_last():
    # the help mixed French texts with typer's English ("Usage:", "[default: auto]", "Show this message and
    # exit."), and the cache's and the key's default files were not said
    out = runner.invoke(app, ["analyse", "--help"], env={"COLUMNS": "200"}).output
    for french in ("Utilisation :", "[défaut : auto]", "Affiche cette aide", "[obligatoire]"):
        assert french in out, french
    for english in ("Usage:", "[default", "Show this message", "[required]"):
        assert english not in out, english
    assert "~/.cache/synthese/embeddings.sqlite3" in out and "~/.config/synthese/secret" in out


@pytest.mark.parametrize(
    "args",
    [
        ["analyse", "--help", "--lang", "en"],
        ["--lang", "en", "analyse", "--help"],
        ["analyse", "--lang=en", "--help"],
    ],
)
def test_help_in_english_with_lang_en(args):
    # --lang en switched the messages and the report to English, never the help: French only
    out = runner.invoke(app, args, env={"COLUMNS": "200"}).output
    for english in ("Usage:", "Import FILE, synthesise it", "Format of the export", "[default: auto]",
                    "Show this message and exit.", "Column of the text"):  # fmt: skip
        assert english in out, english
    for french in ("Utilisation", "Colonne", "défaut", "Fichier"):
        assert french not in out, french


def test_a_column_option_without_text_column_is_said_in_both_languages(tmp_path):
    # "--text-column est obligatoire avec les autres options de colonnes", in French whatever --lang, in an
    # English "Invalid value" frame
    fr = analyse(SAMPLE, "--id-column", "id", "--out", tmp_path / "r.json")
    en = analyse(SAMPLE, "--id-column", "id", "--lang", "en")
    assert fr.exit_code == en.exit_code == 2
    assert "--id-column demande --text-column" in fr.output and "synthese preview" in fr.output
    assert "Error (invalid_settings): --id-column needs --text-column" in en.output
    assert "Invalid value" not in fr.output + en.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Aucun thème : 3 contributions analysées, trop peu ou trop différentes pour former un thème"),
        ("en", "No theme: 3 contributions analysed, too few or too different to form a theme"),
    ],
)
def test_a_consultation_too_small_for_themes_says_why(tmp_path, lang, said):
    # three answers gave "aucun thème, 3 non classées" and nothing on why, or on what the report holds
    export = tmp_path / "trois réponses.csv"
    export.write_text(
        "id,texte\r\n1,Plus de pistes cyclables\r\n2,Moins de voitures en ville\r\n3,Des bus plus fréquents\r\n",
        encoding="utf-8",
    )
    out = tmp_path / "dossier avec espaces" / "rapport.html"
    out.parent.mkdir()
    result = analyse(
        export, "--text-column", "texte", "--embedder", FAKE_EMBEDDER, "--out", out, "--lang", lang
    )
    assert result.exit_code == 0, result.output
    assert said in " ".join(result.output.split())
    assert "(--min-cluster-size)" in result.output and out.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["analyse", "x.csv", "--txt-column", "a"], "Option inconnue : --txt-column (options proches :"),
        (["analyse"], "Argument manquant : « file »."),
        (
            ["analyse", "x.csv", "--seed", "abc"],
            "Valeur invalide pour --seed : un nombre entier est attendu.",
        ),
        (["analsye", "x.csv"], "Commande inconnue : « analsye ». Vouliez-vous dire 'analyse' ?"),
        (["analyse", "x.csv", "--out"], "L'option --out demande une valeur."),
        (["analyse", "mon", "dossier/export.csv"], "Argument en trop : dossier/export.csv. Un chemin qui"),
        (
            ["analyse", "mon", "dossier/export.csv", "--lang", "en"],
            "Got unexpected extra argument(s) (dossier/export.csv). A path that holds spaces is written between",
        ),
    ],
)
def test_usage_errors_are_said_in_the_users_language(args, said):
    # a mistyped option or a missing file was told in typer's English ("No such option", "Missing argument")
    # in a French frame; an unquoted path with spaces gave "Got unexpected extra argument(s)" and no next step
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert said in " ".join(result.output.replace("│", " ").split())


UNREADABLE = Path("/proc/self/mem")  # opens, then every read fails (EIO): a real file that cannot be read


@pytest.mark.skipif(not UNREADABLE.exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    ("command", "lang", "said"),
    [
        ("analyse", "fr", "Erreur (invalid_file) : Impossible de lire /proc/self/mem : erreur de lecture"),
        ("analyse", "en", "Error (invalid_file): Cannot read /proc/self/mem: input/output error. If another"),
        ("preview", "fr", "S'il est ouvert dans un autre logiciel (un tableur), le fermer puis relancer"),
    ],
)
def test_an_export_that_cannot_be_read_is_said_not_a_traceback(command, lang, said):
    # a read that failed (a file locked by the spreadsheet that has it open, a failing disk) ended in an
    # OSError traceback
    extra = ["--text-column", "x", "--no-cache"] if command == "analyse" else []
    result = runner.invoke(app, [command, str(UNREADABLE), *extra, "--lang", lang], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and not isinstance(result.exception, OSError)
    assert said in result.output


@pytest.mark.skipif(
    not Path("/proc/sys/vm/drop_caches").exists() or os.access("/proc/sys/vm/drop_caches", os.R_OK),
    reason="needs a file this user cannot read",
)
def test_a_file_one_may_not_read_is_said_in_french():
    # typer's "path '...' is not readable." came in English, with no hint of a lock
    result = runner.invoke(app, ["analyse", "/proc/sys/vm/drop_caches"], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "« /proc/sys/vm/drop_caches » ne peut pas être lu (droits d'accès, ou ouvert et verrouillé" in (
        " ".join(result.output.replace("│", " ").split())
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_preview_says_each_warning_as_the_preview_words_it(tmp_path, lang):
    # the command line wrote its own copy of the mixed-encoding warning, worded unlike the preview's (and the
    # API's), and would have said none of the preview's other warnings
    from synthesis.ingest import preview as read_preview

    path = tmp_path / "mixe.csv"
    rows = "".join(f"{i},Réponse numéro {i}\n" for i in range(1, 6))
    path.write_bytes(("id,texte\n" + rows).encode() + "6,été\n".encode("cp1252"))
    (warning,) = read_preview(path).warnings
    out = runner.invoke(app, ["preview", str(path), "--lang", lang], env={"COLUMNS": "300"})
    said = " ".join(out.output.split())
    assert out.exit_code == 0
    assert (warning.message_en if lang == "en" else warning.message_fr) in said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_analyse_reads_a_zip_export_and_says_which_files_it_read(tmp_path, lang):
    from tests.utils.archives import polis_zip

    path = tmp_path / "london.zip"
    path.write_bytes(polis_zip())
    out = tmp_path / "r.json"
    result = analyse(path, "--embedder", FAKE_EMBEDDER, "--out", out, "--lang", lang)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    [question] = report["questions"]
    assert question["question_text"].startswith("What is the best way to engage")  # its summary.csv
    assert report["manifest"]["counts"]["rows_read"] == 39
    said = " ".join(result.output.split())
    read, skipped = (
        ("comments.csv : lu (polis, comments, 39 lignes)", "votes.csv : ignoré — votes Polis")
        if lang == "fr"
        else ("comments.csv: read (polis, comments, 39 rows)", "votes.csv: skipped — Polis votes")
    )
    assert read in said and skipped in said, said


def _report_without_timings(path: Path) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    manifest = report.pop("manifest")
    report["counts"] = manifest["counts"]
    return report


@pytest.mark.parametrize(
    "source",
    [SHARED_DATA / "decidim-mel-nancy", SHARED_DATA / "polis" / "brexit-consensus"],
    ids=["decidim", "polis"],
)
def test_analyse_reads_a_folder_as_the_zip_of_its_files(tmp_path, source):
    # "synthese analyse FOLDER" was refused: « … est un dossier : donner le fichier exporté »
    import shutil

    from tests.synthesis.ingest.test_folder import zip_of

    if not source.is_dir():
        pytest.skip("real data not found")
    folder = tmp_path / "données de la consultation" / source.name  # spaces and accents in the path
    shutil.copytree(source, folder)
    archive = zip_of(folder, tmp_path / f"{source.name}.zip")
    reports = []
    for given in (folder, archive):
        out = tmp_path / f"{given.name}.json"
        result = analyse(given, "--embedder", FAKE_EMBEDDER, "--no-cache", "--out", out)
        assert result.exit_code == 0, result.output
        reports.append(_report_without_timings(out))
    assert reports[0] == reports[1]
    assert reports[0]["counts"]["clustered"] > 0
    said = " ".join(result.output.split())
    assert "Fichiers de l'archive" in said
    result = analyse(folder, "--embedder", FAKE_EMBEDDER, "--no-cache", "--out", out, "--lang", "en")
    said = " ".join(result.output.split())
    line = (
        "summary.csv: side file" if "polis" in str(source) else "debats.csv: read (decidim, debates, 29 rows)"
    )
    assert result.exit_code == 0 and "Files in the folder (" in said and line in said, said
    result = preview(folder)
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "Fichiers du dossier (" in said and f"Dossier {source.name} (" in said


@pytest.mark.parametrize("command", [analyse, preview], ids=["analyse", "preview"])
def test_a_path_that_is_no_regular_file_is_said_so_not_missing(tmp_path, command):
    # /dev/null or a named pipe was "Fichier introuvable", though it is there
    pipe = tmp_path / "tube.csv"
    os.mkfifo(pipe)
    for path in (pipe, Path("/dev/null")):
        result = command(path, "--no-cache") if command is analyse else command(path)
        assert result.exit_code == 2, result.output
        assert f"« {path} » n'est pas un fichier ordinaire (périphérique, tube nommé" in said(result)
        assert "introuvable" not in result.output
    result = command(pipe, "--lang", "en")
    assert f"'{pipe}' is not a regular file (device, named pipe, socket)" in said(result)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_export_of_a_header_alone_names_its_file_or_its_folder(tmp_path, lang):
    # "Le fichier ne contient aucune ligne de données": which file, of a folder's or a ZIP's, it did not say
    folder = tmp_path / "consultation"
    folder.mkdir()
    (folder / "avis.csv").write_text("id;avis\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    alone = analyse(folder / "avis.csv", "--no-cache", "--lang", lang)
    both = analyse(folder, "--no-cache", "--lang", lang)
    assert alone.exit_code == both.exit_code == 2
    if lang == "fr":
        assert "Erreur (empty_file) : Le fichier « avis.csv » ne contient aucune ligne de données" in said(
            alone
        )
        assert f"Le dossier « {folder} » (fichiers lus : avis.csv) ne contient aucune ligne" in said(both)
    else:
        assert "Error (empty_file): The file 'avis.csv' holds no data row" in said(alone)
        assert f"The folder '{folder}' (files read: avis.csv) holds no data row" in said(both)


@pytest.mark.parametrize("name", ["rapport.xlsx", "rapport final.pdf", "r.csv"])
def test_a_report_path_whose_extension_is_no_report_format_is_refused_before_the_run(tmp_path, name):
    # "--out rapport.xlsx" ran the whole analysis and wrote JSON into it, which the spreadsheet refused to open
    out = tmp_path / name
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out)
    assert result.exit_code == 2 and not out.exists() and "lignes lues" not in result.output
    assert (
        f"Erreur (invalid_output) : --out {out} : le rapport s'écrit en JSON (.json) ou en page HTML"
        in said(result)
    )
    result = analyse(SAMPLE, "--embedder", FAKE_EMBEDDER, "--out", out, "--lang", "en")
    assert (
        f"Error (invalid_output): --out {out}: the report is written as JSON (.json) or as an HTML"
        in said(result)
    )


def test_the_methodology_command_reads_a_folder_of_several_formats_as_the_run_did(tmp_path):
    # a folder of the real Decidim debates and a spreadsheet: the command said --format decidim (its first
    # file's), which, run again, skipped the spreadsheet as « ne correspond pas au format decidim »
    if not (SHARED_DATA / "decidim-mel-nancy").is_dir():
        pytest.skip("real data not found")
    folder = tmp_path / "consultation"
    folder.mkdir()
    (folder / "debats.csv").write_bytes((SHARED_DATA / "decidim-mel-nancy" / "debats.csv").read_bytes())
    rows = "".join(f"{i};Des pistes cyclables pour le quartier {i % 4}\n" for i in range(30))
    (folder / "velo.csv").write_text("id;avis\n" + rows, encoding="utf-8")
    out = tmp_path / "r.json"
    result = analyse(folder, "--embedder", FAKE_EMBEDDER, "--no-cache", "--out", out)
    assert result.exit_code == 0, result.output
    assert "59 lignes lues (decidim, csv, utf-8)" in said(result)
    report = Report.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.manifest.import_options == {"format": "auto"}
    command = shlex.split(reproduce_command(report))
    again = tmp_path / "again.json"
    rerun = analyse(folder, *command[3:-2], "--embedder", FAKE_EMBEDDER, "--no-cache", "--out", again)
    assert rerun.exit_code == 0, rerun.output
    first, second = (json.loads(f.read_text(encoding="utf-8")) for f in (out, again))
    for r in (first, second):
        r["manifest"].pop("timings")
    assert first == second and first["manifest"]["counts"]["contributions"] == 59


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_options_a_recognised_format_leaves_unused_are_said(tmp_path, lang):
    # "--text-column title/fr" on the real Decidim debates was left unused (the Decidim reader reads its own
    # columns), and nothing said so: the report was not what the user asked for
    if not (SHARED_DATA / "decidim-mel-nancy").is_dir():
        pytest.skip("real data not found")
    debates = SHARED_DATA / "decidim-mel-nancy" / "debats.csv"
    args = ["--embedder", FAKE_EMBEDDER, "--no-cache", "--out", tmp_path / "r.json", "--lang", lang]
    result = analyse(debates, "--text-column", "title/fr", *args)
    assert result.exit_code == 0, result.output
    warned = (
        "Attention : les options de colonnes (--text-column…) ne servent qu'aux formats génériques ; l'export est "
        "lu au format decidim, dans ses propres colonnes. Pour choisir les colonnes : --format csv"
        if lang == "fr"
        else "Warning: the column options (--text-column…) only serve the generic formats; the export is read in "
        "the decidim format, in its own columns. To choose the columns: --format csv"
    )
    assert warned in said(result)
    result = analyse(debates, "--question-text", "Que proposez-vous ?", *args)  # its questions: its debates
    assert result.exit_code == 0, result.output
    assert (
        "Attention : --question-text n'a servi à aucune contribution : l'export, lu au format decidim, nomme ses "
        "propres questions."
        if lang == "fr"
        else "Warning: --question-text served no contribution: the export, read in the decidim format, names its "
        "own questions."
    ) in said(result)
    chosen = analyse(debates, "--format", "csv", "--text-column", "title/fr", *args)
    assert chosen.exit_code == 0 and "--text-column…" not in chosen.output  # read in the columns asked for


@pytest.mark.parametrize("model", ["./modèles/absent", "/nulle/part/minilm", "~/modèles/absent"])
def test_a_model_folder_that_does_not_exist_is_refused_before_the_file_is_read(tmp_path, model):
    # it was found missing once the file was read, after sentence-transformers' English warning ("Could not
    # resolve the revision of '/nulle/part/minilm' (Repo id must use alphanumeric chars…)")
    pytest.importorskip("sentence_transformers", reason="extra [sentence-transformers] not installed")
    args = [
        "--embedder",
        "sentence-transformers",
        "--model",
        model,
        "--no-cache",
        "--out",
        tmp_path / "r.json",
    ]
    result = analyse(SAMPLE, *args)
    assert result.exit_code == 2 and "lignes lues" not in result.output and "Could not" not in result.output
    assert f"Erreur (invalid_settings) : --model {model} : ce dossier de modèle n'existe pas." in said(result)
    result = analyse(SAMPLE, *args, "--lang", "en")
    assert f"Error (invalid_settings): --model {model}: this model folder does not exist." in said(result)


def test_a_questionnaire_is_analysed_one_question_per_column_and_reproduced(tmp_path):
    # a Google Forms download: one row per participant, one column per question (its header asks it)
    path = tmp_path / "formulaire.csv"
    rows = "".join(
        f"2024/03/0{1 + i % 5} 10:1{i % 10}:00 UTC+1,{'Des pistes cyclables' if i % 2 else 'Plus de bus'} {i},"
        f"{'Oui' if i % 3 else 'Non'}\n"
        for i in range(24)
    )
    path.write_text("Horodateur,1. Vos idées pour le centre ?,2. Viendrez-vous ?\n" + rows + ",,\n", "utf-8")
    both = ["--answers-column", "1. Vos idées pour le centre ?", "--answers-column", "2. Viendrez-vous ?"]
    out = tmp_path / "r.json"
    result = analyse(path, "--embedder", FAKE_EMBEDDER, *both, "--date-column", "Horodateur", "--out", out)
    assert result.exit_code == 0, result.output
    report = Report.model_validate_json(out.read_text(encoding="utf-8"))
    assert [(q.question_id, q.question_text) for q in report.questions] == [
        ("1", "Vos idées pour le centre ?"),  # the form's numbering is its order, not the question
        ("2", "Viendrez-vous ?"),
    ]
    assert report.manifest.import_options["answers_column"] == [  # the columns as written, to reproduce
        "1. Vos idées pour le centre ?",
        "2. Viendrez-vous ?",
    ]
    assert [r.line for r in report.rejected] == [26]  # the row without any answer, with its line
    command = shlex.split(reproduce_command(report))
    assert command.count("--answers-column") == 2
    again = tmp_path / "again.json"
    assert analyse(path, *command[3:-2], "--embedder", FAKE_EMBEDDER, "--out", again).exit_code == 0
    first, second = (json.loads(f.read_text(encoding="utf-8")) for f in (out, again))
    for r in (first, second):
        r["manifest"].pop("timings")
    assert first == second


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--text-column", "a", "--answers-column", "b"],
            "--text-column (un texte par ligne) et --answers-column",
        ),
        (
            ["--answers-column", "b", "--question-column", "q"],
            "--question-column ne va pas avec --answers-column",
        ),
        (["--answers-column", "b", "--answers-column", "b"], "--answers-column « b » est donnée deux fois"),
    ],
)
def test_answers_columns_that_cannot_go_together(tmp_path, options, said):
    result = analyse(SAMPLE, *options, "--out", tmp_path / "r.json")
    assert result.exit_code == 2 and said in result.output


@pytest.mark.parametrize(("given", "said"), [("EN", "File not found"), ("en-GB", "File not found"),
                                             ("fr_FR", "Fichier introuvable"), ("FR", "Fichier introuvable")])  # fmt: skip
def test_a_language_tag_in_another_case_or_with_its_region_is_its_language(tmp_path, given, said):
    # "--lang EN" was refused in French, "--lang en-GB" in English, though the help had switched to English
    result = analyse(tmp_path / "absent.csv", "--lang", given)
    assert result.exit_code != 0 and said in result.output and "unsupported_language" not in result.output
