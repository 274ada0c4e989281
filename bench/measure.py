"""Measure a command in a fresh child process: wall time, CPU time and peak memory (issue 8 benchmarks).

Peak memory is given two ways: the largest single process (``ru_maxrss`` from ``wait4``, exact, covers the
child and the descendants it waited for) and the whole process tree (the sum of every live descendant's RSS,
sampled every 50 ms from ``/proc``; what the machine must actually hold when the embedding workers run beside
the parent).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY_S = 0.05


@dataclass
class Measure:
    """One run: wall and CPU seconds (user + system, child and waited-for descendants); memory in MiB."""

    wall_s: float
    cpu_s: float
    max_rss_mib: float
    tree_rss_mib: float
    returncode: int


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            out += [int(x) for x in text.split()]
    except OSError:
        pass
    return out


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    """Sum of the RSS of ``pid`` and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kib(p)
        todo += _children(p)
    return total


def run_measured(
    cmd: list[str],
    *,
    stdout: Path,
    stderr: Path,
    env: dict[str, str] | None = None,
    timeout_s: float | None = None,
) -> Measure:
    """Run ``cmd`` to completion (or kill it after ``timeout_s``) in a new process and measure it."""
    peak = [0]
    done = threading.Event()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))
                if timeout_s is not None and time.perf_counter() - start > timeout_s:
                    proc.kill()
                done.wait(SAMPLE_EVERY_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measure(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_mib=usage.ru_maxrss / 1024,
        tree_rss_mib=peak[0] / 1024,
        returncode=proc.returncode,
    )


def machine_lines() -> list[str]:
    """Machine description for BENCHMARKS.md: cores (``nproc``), CPU model, RAM, Python, load average now."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    ram = f"{int(mem.group(1)) / 1024**2:.1f} GiB" if mem else "?"
    cores = len(os.sched_getaffinity(0))
    return [
        f"- code: {code_version()}",
        f"- machine: `nproc` = {cores}, CPU {cpu}, RAM {ram}, Python {platform.python_version()}, no GPU",
        f"- load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (machine shared "
        "with other sessions: wall times are upper bounds; CPU times are less sensitive to the sharing)",
    ]


def code_version() -> str:
    """``git`` commit of the working tree, and whether files under ``synthesis/`` had uncommitted changes."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        dirty = git("status", "--porcelain", "synthesis", "schemas")
    except OSError:  # pragma: no cover
        return "unknown"
    changed = len(dirty.splitlines())
    return f"commit {head}" + (f" + uncommitted edits in {changed} library files" * bool(changed))


def write_section(path: Path, title: str, body: str) -> None:
    """Replace the ``## {title}`` section of ``path`` (up to the next ``## ``) with ``body``, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    heading = f"## {title}\n"
    block = heading + "\n" + body.strip() + "\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
