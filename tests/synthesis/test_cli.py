"""The ``synthese analyse`` command end to end on a real sample, and its errors on bad input."""

import json

import pytest
from typer.testing import CliRunner

from synthesis.cli import app
from tests.utils.data import SAMPLES
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
