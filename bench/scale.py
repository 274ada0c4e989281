"""Scale benchmark (issue 8): 1k, 10k, 100k contributions end to end, a re-run with cached embeddings, and 1M.

Inputs are Grand Débat wide-format exports built from the real answers of ``../shared/data/granddebat`` by
``sample_consultations/generate.py`` (``generate_granddebat``: two real open questions, 30 % blank cells,
3.5 % copies of the real CSG campaign text, 17.5 % real answers verbatim, the rest two real answers joined),
with the number of rows chosen so that the import yields the wanted number of contributions.

For each size, in fresh processes (our CLI, ``--format granddebat``, default settings, seed 0):

1. **cold**: empty embedding cache, ingest -> report (JSON written);
2. **re-run**: the same file with other clustering settings (``--min-cluster-size 40``), embeddings cached.

The **1M** case (``--million``): with the same generator, 1,000,000 contributions have about 700k distinct
texts, about 25 min of embedding on 2 cores. So the 1M file is built the same way except that the two-answer
combinations are drawn from a fixed list of ``MILLION_PAIRS`` pairs per question (fewer distinct texts, more
copies); its distinct texts are embedded first (measured and reported as a separate line), then the CLI runs
end to end (ingest, preparation, campaign detection, clustering, report) with those embeddings cached.

Usage: ``.venv/bin/python bench/scale.py [--sizes 1000 10000 100000] [--million] [--write]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Measure, machine_lines, run_measured, write_section  # noqa: E402
from bench.speed import PYTHON, our_command  # noqa: E402

SEED = 0
RERUN_MIN_CLUSTER_SIZE = 40
MILLION = 1_000_000
MILLION_PAIRS = 40_000
MILLION_TIMEOUT_S = 25 * 60


def contributions_per_row(work: Path) -> float:
    """Contributions the import yields per generated row (measured on 4,000 rows)."""
    from sample_consultations.generate import generate_granddebat
    from synthesis.ingest import read_file

    path = generate_granddebat(work / "probe.csv", 4000, SEED + 1)
    return len(read_file(path, format="granddebat", secret=b"bench").contributions) / 4000


def build(work: Path, target: int, ratio: float, *, million: bool = False) -> tuple[Path, float]:
    """Write the export for ``target`` contributions; returns its path and the seconds it took."""
    from sample_consultations import generate as g

    n_rows = math.ceil(target / ratio)
    path = work / f"gd-{target}.csv"
    start = time.perf_counter()
    g.generate_granddebat(path, n_rows, SEED, pairs=MILLION_PAIRS if million else None)
    return path, time.perf_counter() - start


def embed_child(path: Path, cache_path: Path) -> None:
    """Embed the distinct usable texts of ``path`` into the SQLite cache (the 1M case's precomputation)."""
    from schemas import RunSettings
    from synthesis.embed import SQLiteCache, embed_unique, get_embedder
    from synthesis.embed.parallel import resolve_workers
    from synthesis.ingest import iter_file
    from synthesis.pipeline import embedded_texts
    from synthesis.records import Contribution

    question_texts: dict[str, str] = {}  # filled as the rows stream by, read by embedded_texts after them

    def rows() -> Iterator[tuple[str, str, str | None]]:
        for c in iter_file(path, format="granddebat", secret=b"bench"):
            if isinstance(c, Contribution):
                question_texts.setdefault(c.question_id, c.question_text)
                yield c.question_id, c.text, c.excluded

    texts = embedded_texts(rows(), question_texts)
    cache = SQLiteCache(cache_path)
    start = time.perf_counter()
    embed_unique(
        texts,
        get_embedder("use-multilingual"),
        cache,
        workers=resolve_workers(RunSettings().embed_workers),
    )
    print(json.dumps({"distinct": len(texts), "embed_s": time.perf_counter() - start}))


def million_child(path: Path, cache_path: Path) -> None:
    """The 1M case without the report: stages printed as JSON lines as they end (the parent may stop it)."""
    import numpy as np

    from schemas import RunSettings
    from synthesis import prepare
    from synthesis.campaigns import detect_campaigns
    from synthesis.embed import SQLiteCache, embed_unique, get_embedder
    from synthesis.ingest import iter_file
    from synthesis.pipeline import cluster_question, group_by_question, question_exclusions

    def stage(name: str, start: float, **facts: object) -> float:
        print(json.dumps({"stage": name, "s": round(time.perf_counter() - start, 1), **facts}), flush=True)
        return time.perf_counter()

    settings, t = RunSettings(), time.perf_counter()
    items = [x for x in iter_file(path, format="granddebat", secret=b"bench") if hasattr(x, "question_id")]
    t = stage("ingest", t, contributions=len(items))
    groups = group_by_question(items)
    kept = {  # as the pipeline keeps them
        q: [
            c
            for c, r in zip(
                cs,
                question_exclusions([(c.text, c.excluded) for c in cs], cs[0].question_text)[0],
                strict=True,
            )
            if r is None
        ]
        for q, cs in groups.items()
    }
    forms = iter(
        prepare.embedding_forms([prepare.normalise_text(c.text) for cs in kept.values() for c in cs])
    )
    norm = {q: [next(forms) for _ in cs] for q, cs in kept.items()}  # as the pipeline embeds them
    distinct = len({x for v in norm.values() for x in v})
    t = stage("prepare", t, kept=sum(map(len, kept.values())), distinct=distinct)
    cache, embedder = SQLiteCache(cache_path), get_embedder("use-multilingual")
    vectors = {q: embed_unique(texts, embedder, cache) for q, texts in norm.items()}
    t = stage("embeddings from the cache", t)
    for q, cs in kept.items():
        campaigns, _ = detect_campaigns(q, cs, vectors[q], settings)
        t = stage(f"campaigns q{q}", t, n=len(cs), campaigns=len(campaigns))
    for q, X in vectors.items():
        result = cluster_question(X, settings, texts=[c.text for c in kept[q]])
        t = stage(f"cluster q{q}", t, n=len(X), themes=int(np.max(result.labels)) + 1)


def run_cli(path: Path, work: Path, tag: str, cache: Path, extra: list[str]) -> tuple[Measure, dict]:
    """Our CLI end to end in a fresh process; returns the measure and facts from the report."""
    secret = work / "secret"
    secret.write_text("bench-scale-secret", encoding="ascii")
    out = work / f"report-{tag}.json"
    cmd = our_command(path, out, cache, secret)
    cmd = [c for c in cmd if c not in ("--text-column", "comment")]
    cmd[cmd.index("csv")] = "granddebat"
    m = run_measured(cmd + extra, stdout=work / f"{tag}.out", stderr=work / f"{tag}.err")
    if m.returncode != 0:
        raise SystemExit(f"CLI failed ({tag}), see {work / f'{tag}.err'}")
    with out.open(encoding="utf-8") as fh:
        report = json.load(fh)
    manifest = report["manifest"]
    facts = {
        "counts": manifest["counts"],
        "timings": manifest["timings"],
        "themes": sum(len(q["clusters"]) for q in report["questions"]),
        "report_mib": out.stat().st_size / 2**20,
    }
    out.unlink()
    return m, facts


def _fmt(m: Measure) -> str:
    return f"{m.wall_s:.1f} s | {m.cpu_s:.1f} s | {m.max_rss_mib:.0f} MiB | {m.tree_rss_mib:.0f} MiB"


def _median_run(runs: list[tuple[Measure, dict]]) -> tuple[Measure, dict]:
    """The run with the median wall time (the upper median for an even count)."""
    return sorted(runs, key=lambda r: r[0].wall_s)[len(runs) // 2]


def _runs(runs: list[tuple[Measure, dict]]) -> str:
    """`` (median of 3: 20.1, 21.0, 25.3 s)`` for several runs, nothing for one."""
    if len(runs) == 1:
        return ""
    return f" (median of {len(runs)}: {', '.join(f'{m.wall_s:.1f}' for m, _ in runs)} s)"


def _stages(timings: dict) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in timings.items())


def measure_size(work: Path, target: int, ratio: float, million: bool, repeat: int = 1) -> list[str]:
    """Table rows for one size: (precompute,) cold, re-run; the median of ``repeat`` runs each."""
    path, build_s = build(work, target, ratio, million=million)
    cache = work / f"cache-{target}.sqlite3"
    rows = []
    if million:
        m = run_measured(
            [PYTHON, str(Path(__file__).resolve()), "--embed-child", str(path), str(cache)],
            stdout=work / "embed.out",
            stderr=work / "embed.err",
        )
        info = json.loads((work / "embed.out").read_text().strip().splitlines()[-1])
        rows.append(
            f"| {target:,} | embed the {info['distinct']:,} distinct texts into the cache (precomputation) "
            f"| {_fmt(m)} | | |"
        )
    if million:
        cmd = [PYTHON, str(Path(__file__).resolve()), "--million-child", str(path), str(cache)]
        m = run_measured(
            cmd, stdout=work / "million.out", stderr=work / "million.err", timeout_s=MILLION_TIMEOUT_S
        )
        lines = [json.loads(x) for x in (work / "million.out").read_text().splitlines() if x.startswith("{")]
        stages = ", ".join(f"{x['stage']} {x['s']}" for x in lines)
        n = lines[0]["contributions"] if lines else target
        done = "" if m.returncode == 0 else f" (stopped after {MILLION_TIMEOUT_S // 60} min: {m.returncode})"
        rows.append(
            f"| {n:,} | ingest, campaigns, clustering; embeddings cached; no report{done} | {_fmt(m)} | "
            f"| {stages} |"
        )
        print(json.dumps(lines), flush=True)
        path.unlink()
        return [f"note: {target:,}: input built in {build_s:.0f} s", *rows]
    cold = [
        run_cli(path, work, f"{target}-cold", work / f"cache-{target}-{i}.sqlite3", []) for i in range(repeat)
    ]
    m, facts = _median_run(cold)
    c = facts["counts"]
    rows.append(
        f"| {c['contributions']:,} | end to end, empty cache{_runs(cold)} | {_fmt(m)} | {facts['themes']} "
        f"| {_stages(facts['timings'])} |"
    )
    print(rows[-1], flush=True)
    cache = work / f"cache-{target}-0.sqlite3"
    extra = ["--min-cluster-size", str(RERUN_MIN_CLUSTER_SIZE)]
    rerun = [run_cli(path, work, f"{target}-rerun", cache, extra) for _ in range(repeat)]
    m, facts = _median_run(rerun)
    rows.append(
        f"| {c['contributions']:,} | re-run, `--min-cluster-size {RERUN_MIN_CLUSTER_SIZE}`, embeddings "
        f"cached{_runs(rerun)} | {_fmt(m)} | {facts['themes']} | {_stages(facts['timings'])} |"
    )
    print(rows[-1], flush=True)
    path.unlink()
    return [
        f"note: {target:,}: input built in {build_s:.0f} s; report {facts['report_mib']:.0f} MiB of JSON",
        *rows,
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also run the 1,000,000-contribution case")
    ap.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md, section Scale")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="runs per line (median shown), except the 1M case")
    ap.add_argument("--embed-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--million-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.embed_child:
        return embed_child(*args.embed_child)
    if args.million_child:
        return million_child(*args.million_child)
    machine = machine_lines()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.workdir) as tmp:
        work = Path(tmp)
        ratio = contributions_per_row(work)
        for target in args.sizes:
            rows += measure_size(work, target, ratio, million=False, repeat=args.repeat)
        if args.million:
            rows += measure_size(work, MILLION, ratio, million=True)
    body = "\n".join(
        [
            f"Command: `.venv/bin/python bench/scale.py --sizes {' '.join(map(str, args.sizes))}"
            f"{' --million' if args.million else ''} --repeat {args.repeat} --write` (each line the median of "
            f"{args.repeat} runs, its wall times listed; the 1M lines one run each: long runs). "
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
            *machine,
            f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"- inputs: see the docstring of `bench/scale.py` ({ratio:.2f} contributions per generated row)",
            "",
            "| contributions | run | wall | CPU (user+sys) | peak RSS, largest process "
            "| peak RSS, all processes "
            "| themes | stages (RunManifest, s) |",
            "|---|---|---|---|---|---|---|---|",
            *[r for r in rows if r.startswith("|")],
            "",
            *[f"- {r.removeprefix('note: ')}." for r in rows if r.startswith("note: ")],
        ]
    )
    print(body)
    if args.write:
        write_section(ROOT / "BENCHMARKS.md", "Scale", body)


if __name__ == "__main__":
    main()
