#!/usr/bin/env python3
"""Benchmark sflint against its baselines on synthetic orgs, in one run, warm cache.

    python3 benches/bench.py                    # 50, 500 and 1024 MB, 3 runs each
    python3 benches/bench.py --sizes 50 --runs 5

For each size it generates (once, deterministically) an SFDX project with examples/synth.rs, then
times, taking the median of the runs:

- rg -c '<userPermissions>'   the cost of reading the bytes
- tokenize                    a quick-xml pass over the same files building nothing (the floor)
- sflint                      `sflint check` with every built-in rule and one integration declared
- sflint -j 1                 the same on one thread (scaling)

and reads sflint's peak RSS from /usr/bin/time. It prints a Markdown table with the ratios the
README reports and the memory limit 64 MB + 4 x the largest file.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"


def run(command, cwd=None):
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def timed(command, cwd=None):
    """Wall seconds and peak RSS in KB of one run (exit codes 0 and 1 both mean success)."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed with {result.returncode}: {result.stderr}")
    rss = int(result.stderr.strip().splitlines()[-1])
    return elapsed, rss


def measure(command, runs, cwd=None):
    samples = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def tree_stats(directory):
    total, largest, files = 0, 0, 0
    for dirpath, _, names in os.walk(directory):
        for name in names:
            size = (Path(dirpath) / name).stat().st_size
            total += size
            largest = max(largest, size)
            files += 1
    return total, largest, files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,1024", help="project sizes in MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/sflint-bench", help="where projects are generated")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if subprocess.run(["which", "rg"], stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("rg (ripgrep) is needed: apt install ripgrep, or cargo install ripgrep")
    run(["cargo", "build", "--release", "--quiet", "--bin", "sflint",
         "--example", "synth", "--example", "tokenize"], cwd=ROOT)
    sflint = str(RELEASE / "sflint")
    synth = str(RELEASE / "examples" / "synth")
    tokenize = str(RELEASE / "examples" / "tokenize")

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        project = Path(args.dir) / f"org-{size}mb-seed{args.seed}"
        if not (project / "sfdx-project.json").exists():
            run([synth, "--out", str(project), "--size-mb", str(size), "--seed", str(args.seed)])
        total, largest, files = tree_stats(project)
        # Warm the page cache so every tool reads from memory.
        run(["rg", "-c", "<userPermissions>", str(project)])
        rg, _ = measure(["rg", "-c", "<userPermissions>", "."], args.runs, project)
        floor, _ = measure([tokenize, "."], args.runs, project)
        check = [sflint, "check", "--format", "json", "--output", "/dev/null"]
        full, rss = measure(check, args.runs, project)
        single, _ = measure(check + ["--threads", "1"], args.runs, project)
        limit_kb = 64 * 1024 + 4 * largest // 1024
        rows.append((size, files, total, largest, rg, floor, full, single, rss, limit_kb))

    print(f"cores: {os.cpu_count()}, runs per figure: {args.runs} (median), seed {args.seed}\n")
    print("| project | files | largest file | rg | tokenize floor | sflint | sflint -j 1 "
          "| sflint / floor | sflint / rg | -j 1 / -j N | MB/s | peak RSS | RSS limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, files, total, largest, rg, floor, full, single, rss, limit_kb in rows:
        print(
            f"| {total / 2**20:.0f} MB | {files} | {largest / 2**20:.1f} MB | {rg:.2f} s "
            f"| {floor:.2f} s | {full:.2f} s | {single:.2f} s | {full / floor:.2f}x "
            f"| {full / rg:.1f}x | {single / full:.2f}x | {total / 2**20 / full:.0f} "
            f"| {rss / 1024:.0f} MB | {limit_kb / 1024:.0f} MB |"
        )
    if len(rows) > 1:
        base = rows[0]
        print("\nGrowth against the smallest project (time ratio / size ratio):")
        for row in rows[1:]:
            print(f"- {row[2] / 2**20:.0f} MB: {row[6] / base[6]:.2f}x the time for "
                  f"{row[2] / base[2]:.2f}x the bytes")


if __name__ == "__main__":
    main()
