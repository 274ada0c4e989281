"""Ingest benchmark (issue 3): stream a 1,000,000-row Grand Débat export and record time and peak RSS.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--runs 3] [--file /tmp/gd_1m.csv]

The file is generated once from the real answers (``sample_consultations/generate.py``, seed 0) unless
it exists. Each run iterates ``synthesis.ingest.iter_file`` over it in a fresh Python process (so peak
RSS is that run's own, from ``resource.getrusage``) and counts what came out. Prints one JSON line per
run and the medians.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, resource, sys, time
from synthesis.ingest import iter_file
from synthesis.records import RejectedRow
start = time.perf_counter()
stream = iter_file(sys.argv[1], secret=b"bench")
contributions = rejected = 0
for item in stream:
    if isinstance(item, RejectedRow):
        rejected += 1
    else:
        contributions += 1
seconds = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mib": round(peak_mib, 1),
                  "rows_read": stream.rows_read, "contributions": contributions, "rejected": rejected,
                  "counts": stream.counts.as_dict()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=Path("/tmp/synthese_bench_gd_1m.csv"))
    args = parser.parse_args()
    if not args.file.exists():
        from sample_consultations.generate import generate_granddebat

        start = time.perf_counter()
        generate_granddebat(args.file, args.rows, seed=0)
        print(
            f"generated {args.file} ({args.file.stat().st_size / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.file)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout))
        print(json.dumps(runs[-1]))
    summary = {
        "file_mib": round(args.file.stat().st_size / 2**20, 1),
        "rows": runs[0]["rows_read"],
        "contributions": runs[0]["contributions"],
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "median_peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in runs),
        "python": platform.python_version(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
