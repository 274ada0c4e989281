"""The report's two promises, checked on every real export format (Grand Débat, Decidim, Cap Collectif, Polis,
spreadsheet, JSON, JSON Lines): nothing is lost and every count adds up; the same input and settings give the
same report, byte for byte, in another process with another string hash seed.

Each file is cut to a few hundred rows and synthesised with the seeded fake embedder (the clustering, keywords,
campaigns and origin flags are the real ones), so the whole module stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from schemas import Report, RunSettings
from synthesis.ingest import IngestResult, read_file
from synthesis.pipeline import run
from synthesis.prepare import mask_pii
from tests.utils.data import REPO_ROOT, SAMPLES, SHARED_DATA
from tests.utils.fake_embedder import FAKE_EMBEDDER

ROWS = 200  # rows kept of each real file
GD = SHARED_DATA / "granddebat" / "gd_animation_democratie_11.csv"


def _cut(src: Path, dest: Path, rows: int = ROWS, delimiter: str = ",") -> Path:
    """The header and the first ``rows`` records of a real CSV export, as written by its platform."""
    with open(src, encoding="utf-8", newline="") as fh:
        records = [r for _, r in zip(range(rows + 1), csv.reader(fh, delimiter=delimiter), strict=False)]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(records)
    dest.write_text(out.getvalue(), encoding="utf-8")
    return dest


def _with_ids(tmp: Path) -> list[dict[str, str]]:
    """Real Grand Débat answers with an id column, as a spreadsheet or JSON export would hold them."""
    with open(GD, encoding="utf-8", newline="") as fh:
        answers = [r["comment"] for _, r in zip(range(ROWS), csv.DictReader(fh), strict=False)]
    return [{"ref": f"GD-{i:04d}", "avis": text} for i, text in enumerate(answers)]


def _xlsx(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ref", "avis"])
    for row in _with_ids(tmp):
        ws.append([row["ref"], row["avis"]])
    wb.save(tmp / "avis.xlsx")
    return tmp / "avis.xlsx"


def _json(tmp: Path) -> Path:
    (tmp / "avis.json").write_text(json.dumps(_with_ids(tmp), ensure_ascii=False), encoding="utf-8")
    return tmp / "avis.json"


def _jsonl(tmp: Path) -> Path:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _with_ids(tmp))
    (tmp / "avis.jsonl").write_text(lines, encoding="utf-8")
    return tmp / "avis.jsonl"


def _polis(tmp: Path) -> Path:
    folder = tmp / "canadian-electoral-reform"
    folder.mkdir()
    real = SHARED_DATA / "polis" / "canadian-electoral-reform"
    (folder / "summary.csv").write_bytes((real / "summary.csv").read_bytes())
    return _cut(real / "comments.csv", folder / "comments.csv")


# name -> (how to make the file in a temporary folder, import options); every format the product reads
FORMATS = {
    "granddebat": (lambda tmp: _cut(SAMPLES / "granddebat_fiscalite_sample.csv", tmp / "gd.csv", 150), {}),
    "decidim": (
        lambda tmp: _cut(
            SHARED_DATA / "decidim-mel-nancy" / "commentaires_debats.csv", tmp / "c.csv", ROWS, ";"
        ),
        {},
    ),
    "capcollectif": (
        lambda tmp: _cut(SHARED_DATA / "republique-numerique" / "arguments.csv", tmp / "a.csv"),
        {},
    ),
    "polis": (_polis, {}),
    "csv": (lambda tmp: _cut(GD, tmp / "reponses.csv"), {}),
    "xlsx": (_xlsx, {"text_column": "avis", "id_column": "ref"}),
    "json": (_json, {"text_column": "avis", "id_column": "ref"}),
    "jsonl": (_jsonl, {}),
}
SETTINGS = RunSettings(embedder=FAKE_EMBEDDER, campaign_min_words=4, campaign_min_size=3)


def _read(name: str, tmp: Path) -> IngestResult:
    make, options = FORMATS[name]
    from schemas import ColumnMapping

    mapping = ColumnMapping(text=options["text_column"], id=options["id_column"]) if options else None
    return read_file(make(tmp), mapping=mapping, secret=b"test")


@pytest.fixture(scope="module", params=list(FORMATS))
def synthesis(request, tmp_path_factory) -> tuple[IngestResult, Report]:
    result = _read(request.param, tmp_path_factory.mktemp(request.param))
    report = run(
        result.contributions,
        SETTINGS,
        rejected=result.rejected,
        rows_read=result.rows_read,
        input_sha256=result.sha256,
    )
    return result, report


def _themes(clusters):
    for cl in clusters:
        yield cl
        yield from _themes(cl.subclusters)


def test_every_row_is_a_contribution_or_a_rejected_row_and_every_count_adds_up(synthesis):
    result, report = synthesis
    counts, c = result.extras["counts"], report.manifest.counts
    assert result.rows_read == counts["rows_with_contributions"] + counts["rejected"] > 0
    assert (c.rows_read, c.rejected, c.contributions) == (
        result.rows_read,
        len(result.rejected),
        len(result.contributions),
    )
    assert len({r.line for r in report.rejected}) == c.rejected and all(r.reason for r in report.rejected)
    ids = [x.contribution_id for x in result.contributions]
    assert len(set(ids)) == len(ids) == len(report.contributions)
    question_of = {x.contribution_id: x.question_id for x in result.contributions}
    placed: list[str] = []
    for q in report.questions:
        members = [m.contribution_id for cl in q.clusters for m in cl.members]
        ours = members + [n.contribution_id for n in q.noise] + [e.contribution_id for e in q.excluded]
        assert {question_of[i] for i in ours} <= {q.question_id}
        placed += ours
        assert all(n.reason and n.reason_code for n in q.noise)
        assert all(e.reason and e.reason_code for e in q.excluded)
    assert sorted(placed) == sorted(ids)  # each in exactly one place
    assert c.clustered == sum(cl.size for q in report.questions for cl in q.clusters)
    assert (c.noise, c.excluded) == (
        sum(len(q.noise) for q in report.questions),
        sum(len(q.excluded) for q in report.questions),
    )
    assert c.contributions == c.clustered + c.noise + c.excluded
    assert sum(report.manifest.exclusion_counts.values()) == c.excluded
    assert len({cl.cluster_id for q in report.questions for cl in _themes(q.clusters)}) == sum(
        1 for q in report.questions for _ in _themes(q.clusters)
    )


def test_themes_hold_their_sub_themes_and_quote_their_members_verbatim(synthesis):
    result, report = synthesis
    imported = {x.contribution_id: mask_pii(x.text) for x in result.contributions}
    assert {x.contribution_id: x.text for x in report.contributions} == imported
    for q in report.questions:
        for theme in _themes(q.clusters):
            members = {m.contribution_id for m in theme.members}
            assert theme.size == len(theme.members) == len(members)
            seen: set[str] = set()
            for sub in theme.subclusters:
                inside = {m.contribution_id for m in sub.members}
                assert inside <= members and not inside & seen
                seen |= inside
            for quote in theme.quotes:
                assert quote.contribution_id in members and quote.text == imported[quote.contribution_id]


def test_campaigns_and_origin_breakdowns_add_up(synthesis):
    _, report = synthesis
    for q in report.questions:
        theme_of = {m.contribution_id: cl.cluster_id for cl in q.clusters for m in cl.members}
        campaign_of = {m.contribution_id: cp.campaign_id for cp in q.campaigns for m in cp.members}
        for cp in q.campaigns:
            ids = [m.contribution_id for m in cp.members]
            assert cp.size == len(ids) == len(set(ids)) == sum(v.count for v in cp.variants)
            assert sorted(i for v in cp.variants for i in v.contribution_ids) == sorted(ids)
            assert set(cp.cluster_ids) == {theme_of[i] for i in ids if i in theme_of}
        for theme in _themes(q.clusters):
            o, members = theme.origin, [m.contribution_id for m in theme.members]
            assert o is not None and o.contributions == theme.size
            for shares in (o.author_types, o.territories, o.channels):
                assert sum(shares.values()) == theme.size
            free = [i for i in members if i not in campaign_of]
            assert o.without_campaigns == len(free)
            assert o.campaigns_counted_once == len(free) + len(
                {campaign_of[i] for i in members if i in campaign_of}
            )
            assert o.weighted == pytest.approx(sum(m.weight for m in theme.members), abs=1e-5)
        kept = sum(cl.size for cl in q.clusters) + len(q.noise)
        assert (q.origin["kept"], q.origin["excluded"]) == (kept, len(q.excluded))
        assert q.origin["in_campaigns"] == len(campaign_of) and sum(q.origin["author_types"].values()) == kept
    assert report.origin["contributions"] == report.manifest.counts.contributions


_ANALYSE = (
    "import sys; from tests.utils.fake_embedder import register_fake_embedder; register_fake_embedder(); "
    "from synthesis.cli import app; app(sys.argv[1:], prog_name='synthese')"
)


def test_same_input_same_report_in_another_process_with_another_hash_seed(tmp_path):
    """Byte-identical JSON (timings aside) from two processes whose string hashes differ (the orders of sets of
    strings), on the Grand Débat export: three questions, a closed one, trashed rows, rows answering nothing."""
    path = FORMATS["granddebat"][0](tmp_path)
    (tmp_path / "key").write_text("test", encoding="utf-8")
    reports = []
    for seed in ("0", "4242"):
        out = tmp_path / f"r{seed}.json"
        args = ["analyse", str(path), "--embedder", FAKE_EMBEDDER, "--no-cache", "--out", str(out)]
        args += ["--secret-file", str(tmp_path / "key"), "--settings", '{"campaign_min_words": 4}']
        env = {**os.environ, "PYTHONHASHSEED": seed, "HOME": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", _ANALYSE, *args], cwd=REPO_ROOT, env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
        data = json.loads(out.read_bytes())
        data["manifest"].pop("timings")
        reports.append(json.dumps(data, ensure_ascii=False, indent=2))
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["manifest"]["counts"]["contributions"] > 100
