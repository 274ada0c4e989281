"""The report's "reproduce this report" command (methodology page) gives a report made through the API again,
identical, through ``synthese analyse``: same file, same settings, whatever settings the API run was given."""

from __future__ import annotations

import json
import shlex

from typer.testing import CliRunner

from schemas import Report
from service.core.config import DEV_SECRET
from synthesis.cli import app
from synthesis.html import reproduce_command
from tests.service.factories import MAPPING_FIELDS, consultation_rows, to_csv
from tests.service.helpers import upload

# settings the command line has no option of its own for, as an API run may set them
API_SETTINGS = {
    "embedder": "fake-hash",
    "random_state": 3,
    "min_cluster_size": 5,
    "n_neighbors": 10,
    "subclusters": False,
    "max_themes": 4,
    "n_keywords": 6,
    "campaign_min_size": 3,
    "territory": ["59"],
}


def _comparable(report: dict) -> dict:
    report["manifest"].pop("timings")
    report["manifest"].pop("import_options")  # how the file was read: the CLI records it, the API does not
    report.pop("review", None)
    return report


def test_the_reproduce_command_of_an_api_report_gives_it_again(client, keys, runner, tmp_path, monkeypatch):
    # the command kept only --seed and the CLI's own options, and said "settings missing from the command are
    # the defaults": run again, the report had other themes (n_neighbors 15, 30 themes at most, sub-themes…)
    monkeypatch.setenv("HOME", str(tmp_path))
    h = keys.h()
    content = to_csv(consultation_rows())
    cid = client.post("/api/consultations", json={"title": "Plan climat"}, headers=h).json()["id"]
    assert upload(client, cid, content, h).status_code == 201
    run = client.post(f"/api/consultations/{cid}/runs", json={"settings": API_SETTINGS}, headers=h)
    runner.drain()
    by_api = client.get(f"/api/runs/{run.json()['id']}/report", headers=h).json()
    command = shlex.split(reproduce_command(Report.model_validate(by_api)))
    assert command[:3] == ["synthese", "analyse", "FICHIER"] and command[-2:] == ["--out", "rapport.html"]
    assert json.loads(command[command.index("--settings") + 1])["max_themes"] == 4

    export, secret, out = tmp_path / "export.csv", tmp_path / "secret", tmp_path / "again.json"
    export.write_bytes(content)
    secret.write_text(DEV_SECRET, encoding="utf-8")  # the service's key: the same pseudonyms
    import_options = [f"--{name.replace('_', '-')}={column}" for name, column in MAPPING_FIELDS.items()]
    args = [str(export), *import_options, *command[3:-2], "--out", str(out), "--secret-file", str(secret)]
    result = CliRunner().invoke(app, ["analyse", *args, "--no-cache"])
    assert result.exit_code == 0, result.output
    again = json.loads(out.read_text(encoding="utf-8"))
    assert _comparable(again) == _comparable(by_api)
