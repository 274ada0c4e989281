"""Sharded embedding on Celery workers: one worker against two, each limited to one thread (issues 6 and 8).

A consultation of ``--texts`` distinct real answers (Grand Débat questions and République numérique
arguments from ``../shared/data``, a seeded draw) is imported once through the API into a file SQLite
database. Each trial empties the stored embeddings (cold cache), starts ``k`` Celery workers
(``celery -A service.jobs.celery_app worker --pool=solo --concurrency=1``, OMP/OPENBLAS/MKL_NUM_THREADS=1,
the model loaded by the start-up hook before the clock starts), submits a run with the default embedder
through the API and times it from the submission until every shard has stored its vectors (planning included,
clustering excluded: the run is then cancelled). ``k`` alternates 1, 2, 1, 2, ... so that load from other jobs
on the machine hits both alike. The CPU seconds of the workers are read from ``/proc`` too.

The machine's own ceiling is measured alongside: the same embedding (``CEILING_TEXTS`` answers, one thread) in
one process alone, then in two processes at once. Where two busy cores each run slower than one (shared caches,
memory bandwidth, clock), two workers cannot reach 2x, whatever the sharding.

Run from the repository root: ``.venv/bin/python bench/workers.py`` (Redis: ``scripts/start-services.sh``).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import machine_lines, median, write_section  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
REDIS_URL = os.environ.get("SYNTHESE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SEED = 0
HZ = os.sysconf("SC_CLK_TCK")
CEILING_TEXTS = 1500
CEILING_ROUNDS = 3


def real_answers(n: int) -> list[str]:
    """``n`` distinct usable answers (distinct after normalisation), a seeded draw over all the sources."""
    from synthesis import prepare

    texts: list[str] = []
    for path in sorted((DATA / "granddebat").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            texts += [r["comment"] for r in csv.DictReader(f)]
    with (DATA / "republique-numerique" / "arguments.csv").open(encoding="utf-8-sig", newline="") as f:
        texts += [r["body"] for r in csv.DictReader(f) if r["is_trashed"] != "True"]
    seen: dict[str, str] = {}
    for t in texts:
        if prepare.exclusion_reason(t) is None:
            seen.setdefault(prepare.normalise_text(t), t)
    pool = sorted(seen.values())
    random.Random(SEED).shuffle(pool)
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} distinct answers available, {n} asked")
    return pool[:n]


def write_csv(texts: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "auteur", "avis"])
        for i, t in enumerate(texts):
            w.writerow([f"c{i}", f"a{i % 5000}", t])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ  # utime + stime


class Bench:
    def __init__(self, work: Path, db_url: str) -> None:
        import redis
        from fastapi.testclient import TestClient
        from sqlmodel import Session

        from service import crud
        from service.core.config import Settings
        from service.core.db import make_engine, upgrade_database
        from service.main import create_app

        self.work, self.db_url = work, db_url
        self.redis = redis.Redis.from_url(REDIS_URL, decode_responses=True)
        self.engine = make_engine(db_url)
        upgrade_database(self.engine)
        with Session(self.engine) as s:
            tenant = crud.create_tenant(session=s, name="Bench")
            _, key = crud.create_api_key(session=s, tenant_id=tenant.id, name="bench")
            s.commit()
        self.h = {"X-API-Key": key}
        settings = Settings(
            environment="test", database_url=db_url, broker_url=REDIS_URL, run_migrations=False
        )
        self.client = TestClient(create_app(settings, engine=self.engine))
        self.client.__enter__()
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "BROKER_URL": REDIS_URL,
            "PYTHONPATH": str(ROOT),
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PROGRESS_INTERVAL_S": "1",
        }

    def import_csv(self, path: Path) -> int:
        cid = self.client.post("/api/consultations", json={"title": "Bench"}, headers=self.h).json()["id"]
        with path.open("rb") as f:
            r = self.client.post(
                f"/api/consultations/{cid}/imports",
                headers=self.h,
                files={"file": ("bench.csv", f, "text/csv")},
                data={"text_column": "avis", "id_column": "id", "author_column": "auteur"},
            )
        assert r.status_code == 201, r.text
        return cid

    def start_workers(self, k: int) -> list[subprocess.Popen]:
        self.redis.flushdb()
        procs = []
        for i in range(k):
            log = (self.work / f"worker{i}.log").open("ab")
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "service.jobs.celery_app",
                        "worker",
                        "--pool=solo",
                        "--concurrency=1",
                        "-n",
                        f"bench{i}@%h",
                        "--loglevel=WARNING",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        host = socket.gethostname()
        deadline = time.monotonic() + 120
        while not all(self.redis.hexists("synthese:workers", f"{host}:{p.pid}") for p in procs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"workers did not start; see {self.work}/worker*.log")
            time.sleep(0.2)
        return procs

    def trial(self, cid: int, k: int) -> dict:
        from sqlalchemy import text

        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM embeddings"))  # cold cache
        procs = self.start_workers(k)
        try:
            return self._timed(cid, k, procs)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()

    def _timed(self, cid: int, k: int, procs: list[subprocess.Popen]) -> dict:
        cpu0 = sum(cpu_seconds(p.pid) for p in procs)
        t0 = time.perf_counter()
        r = self.client.post(f"/api/consultations/{cid}/runs", json={"settings": {}}, headers=self.h)
        run_id = r.json()["id"]
        last_check = t0
        while True:
            shards = self.redis.hvals(f"synthese:run:{run_id}:shards")
            planned = self.redis.scard(f"synthese:run:{run_id}:tasks") - 2  # minus start_run and the body
            if planned > 0 and len(shards) == planned and all(float(v) == 1.0 for v in shards):
                break
            if time.perf_counter() - last_check > 2:  # the API, rarely: this process shares the cores
                last_check = time.perf_counter()
                run = self.client.get(f"/api/runs/{run_id}", headers=self.h).json()
                if run["status"] in ("failed", "cancelled", "succeeded"):
                    raise SystemExit(f"run ended before its shards: {run}")
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        self.client.post(f"/api/runs/{run_id}/cancel", headers=self.h)
        return {"k": k, "wall": wall, "cpu": cpu, "shards": planned, "load": os.getloadavg()[0]}


def ceiling_child() -> None:
    """Embed ``CEILING_TEXTS`` real answers with one thread; print the seconds it took."""
    from threadpoolctl import threadpool_limits

    from synthesis.embed import get_embedder

    threadpool_limits(limits=1)
    embedder = get_embedder()
    texts = real_answers(CEILING_TEXTS)
    embedder.embed(texts[:10])  # load the model before the clock starts
    t = time.perf_counter()
    embedder.embed(texts)
    print(time.perf_counter() - t)


def machine_ceiling() -> tuple[float, float]:
    """Median seconds of the ceiling embedding alone, and in two processes at once (their mean)."""
    alone, together = [], []

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, __file__, "--ceiling-child"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )

    for _ in range(CEILING_ROUNDS):
        alone.append(float(start().communicate()[0]))
        pair = [start(), start()]
        together.append(sum(float(p.communicate()[0]) for p in pair) / 2)
    return median(alone), median(together)


def main() -> None:
    if "--ceiling-child" in sys.argv:
        ceiling_child()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=20000, help="distinct answers to embed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shard-texts", type=int, default=None, help="EMBED_SHARD_TEXTS (default: settings)")
    parser.add_argument("--no-write", action="store_true", help="print, do not update BENCHMARKS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="synthese-bench-workers-"))
    texts = real_answers(args.texts)
    write_csv(texts, work / "bench.csv")
    bench = Bench(work, f"sqlite:///{work / 'synthese.db'}")
    if args.shard_texts:
        bench.env["EMBED_SHARD_TEXTS"] = str(args.shard_texts)
    cid = bench.import_csv(work / "bench.csv")
    header = machine_lines()
    results = []
    for rep in range(args.repeat):
        for k in (1, 2):
            res = bench.trial(cid, k)
            results.append(res)
            print(
                f"trial {rep + 1} k={k}: {res['wall']:.1f} s wall, {res['cpu']:.1f} s worker CPU, "
                f"{res['shards']} shards",
                flush=True,
            )
    ceiling = machine_ceiling()
    print(f"ceiling: {ceiling[0]:.2f} s alone, {ceiling[1]:.2f} s two at once", flush=True)
    body = report(args, results, header, ceiling)
    print(body)
    if not args.no_write:
        write_section(ROOT / "BENCHMARKS.md", "Workers", body)


def report(args, results: list[dict], header: list[str], ceiling: tuple[float, float]) -> str:
    def col(k: int, key: str) -> list[float]:
        return [r[key] for r in results if r["k"] == k]

    def cores(k: int) -> float:
        return median([c / w for c, w in zip(col(k, "cpu"), col(k, "wall"), strict=True)])

    one, two = median(col(1, "wall")), median(col(2, "wall"))
    rows = []
    for k in (1, 2):
        walls, cpus = col(k, "wall"), col(k, "cpu")
        rows.append(
            f"| {k} | " + " | ".join(f"{w:.1f}" for w in walls) + f" | **{median(walls):.1f}** | "
            f"{median(cpus):.1f} | {results[k - 1]['shards']} | {args.texts / median(walls):.0f} |"
        )
    return "\n".join(
        [
            "Embedding of a large consultation split into shards over local Celery workers (issues 6 and 8): "
            "each worker `--pool=solo --concurrency=1`, OMP/OPENBLAS/MKL_NUM_THREADS=1, default embedder "
            "(`use-multilingual`, one text at a time), cold embedding cache every trial.",
            "",
            *header,
            f"- command: `.venv/bin/python bench/workers.py --texts {args.texts} --repeat {args.repeat}`",
            f"- input: {args.texts:,} distinct real answers (seeded draw, seed {SEED}, from the 9 Grand Débat "
            "files "
            "and the République numérique arguments), imported through the API into a file SQLite database",
            "- timed: from the API's `POST /runs` until every shard has stored its vectors (planning, loading "
            "the inputs in each shard and the database writes included; worker start-up and clustering excluded)",
            "",
            "| workers | "
            + " | ".join(f"trial {i + 1} (s)" for i in range(args.repeat))
            + " | median (s) | worker CPU (s, median) | shards | texts/s |",
            "|---|" + "---|" * (args.repeat + 4),
            *rows,
            "",
            f"**Two workers take {two / one:.2f}× the time of one** (speed-up {one / two:.2f}×; "
            "ideal 0.50, 2×).",
            "",
            "Cores the workers actually got (worker CPU / wall, median): "
            + ", ".join(f"{k} worker(s) {cores(k):.2f}" for k in (1, 2))
            + "; 1-minute load average after each trial: "
            + ", ".join(f"{r['load']:.1f}" for r in results)
            + ". "
            "Where the workers got much less than 1 and 2 cores, the machine was busy with other jobs and the "
            "wall ratio measures that contention, not the sharding. CPU-bound estimate on 2 free cores "
            f"(CPU of two workers / 2, over CPU of one): {median(col(2, 'cpu')) / 2 / median(col(1, 'cpu')):.2f}"
            ".",
            "",
            f"Machine ceiling: embedding {CEILING_TEXTS:,} answers with one thread takes {ceiling[0]:.2f} s in one "
            f"process alone and {ceiling[1]:.2f} s in each of two processes running at once (medians of "
            f"{CEILING_ROUNDS}): two busy cores here do {2 * ceiling[0] / ceiling[1]:.2f}× the work of one, the "
            f"most two workers can reach on this machine; the sharding reaches {one / two:.2f}× "
            f"({one / two / (2 * ceiling[0] / ceiling[1]):.0%} of it).",
        ]
    )


if __name__ == "__main__":
    main()
