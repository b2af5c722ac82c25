"""Benchmark of the template path (read → normalise → extract → verify), per report.

Prints the median and 90th-percentile time per report over repeated runs, and the peak memory.
Goal (issue 2): median ≤ 50 ms per seed report on the 2-core dev machine.

    .venv/bin/python benchmarks/bench_template.py [--repeat 20] [PATH ...]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

from extractor.pipeline import extract_file, iter_inputs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[SHARED / "seeds", *sorted(
        (SHARED / "reports").glob("*.pdf"))])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    files = list(iter_inputs(args.paths))
    extract_file(files[0])  # warm imports and regex caches
    print(f"{'report':45} {'median ms':>10} {'p90 ms':>8} {'status':>8}")
    medians = {}
    for f in files:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = extract_file(f)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        medians[f] = statistics.median(times)
        print(f"{f.name:45} {medians[f]:10.1f} {times[int(0.9 * (len(times) - 1))]:8.1f} "
              f"{r.status:>8}")
    seeds = [m for f, m in medians.items() if f.suffix == ".txt"]
    if seeds:
        print(f"median over seeds: {statistics.median(seeds):.1f} ms (goal ≤ 50 ms)")
    print(f"median over all:   {statistics.median(medians.values()):.1f} ms")
    tracemalloc.start()
    for f in files:
        extract_file(f)
    _, peak = tracemalloc.get_traced_memory()
    print(f"peak Python heap while extracting all once: {peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
