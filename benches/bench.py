#!/usr/bin/env python3
"""Benchmark sflint against its baselines on synthetic orgs, in one run, warm cache.

    python3 benches/bench.py                    # 50, 500 and 1024 MB, 3 runs each
    python3 benches/bench.py --sizes 50 --runs 5
    python3 benches/bench.py --compare OLD      # also time another sflint build, e.g. the previous
                                                # commit's, in the same run (ratio and peak RSS)

For each size it generates (once, deterministically) an SFDX project with examples/synth.rs, then
times, taking the median of the runs:

- rg -c '<userPermissions>'   the cost of reading the bytes
- tokenize                    a quick-xml pass over the same files building nothing (the floor)
- sflint                      `sflint check` with every built-in rule and one integration declared
- sflint -j 1                 the same on one thread (scaling)

- pre-commit                  `sflint check` on one permission set of the project, which loads
                              the rest of its integration user from the project

and reads sflint's peak RSS from /usr/bin/time. It prints a Markdown table with the ratios the
README reports and the memory limit 64 MB + 4 x the largest file. With --compare, the other binary
runs the same commands, interleaved with this one's runs so that both see the same machine, and a
second table gives this build's time and peak RSS as ratios of the other's.
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


def measure_pair(command, other, runs, cwd=None):
    """(median, peak RSS) of `command` and of `other`, their runs interleaved."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(timed(command, cwd))
        theirs.append(timed(other, cwd))
    summary = lambda samples: (statistics.median(s[0] for s in samples), max(s[1] for s in samples))
    return summary(mine), summary(theirs)


def first_permission_set(project):
    for dirpath, _, names in sorted(os.walk(project)):
        for name in sorted(names):
            if name.endswith(".permissionset-meta.xml"):
                return str((Path(dirpath) / name).relative_to(project))
    sys.exit(f"no permission set in {project}")


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
    parser.add_argument("--compare", metavar="SFLINT",
                        help="another sflint binary to time against this build in the same run")
    args = parser.parse_args()

    if subprocess.run(["which", "rg"], stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("rg (ripgrep) is needed: apt install ripgrep, or cargo install ripgrep")
    run(["cargo", "build", "--release", "--quiet", "--bin", "sflint",
         "--example", "synth", "--example", "tokenize"], cwd=ROOT)
    sflint = str(RELEASE / "sflint")
    synth = str(RELEASE / "examples" / "synth")
    tokenize = str(RELEASE / "examples" / "tokenize")

    rows = []
    comparisons = []
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
        pre_commit = check + [first_permission_set(project)]
        hook, _ = measure(pre_commit, args.runs, project)
        limit_kb = 64 * 1024 + 4 * largest // 1024
        rows.append((size, files, total, largest, rg, floor, full, single, hook, rss, limit_kb))
        if args.compare:
            for name, command in [("sflint", check), ("sflint -j 1", check + ["--threads", "1"]),
                                  ("pre-commit", pre_commit)]:
                other = [args.compare] + command[1:]
                mine, theirs = measure_pair(command, other, args.runs, project)
                comparisons.append((total, name, mine, theirs))

    print(f"cores: {os.cpu_count()}, runs per figure: {args.runs} (median), seed {args.seed}\n")
    print("| project | files | largest file | rg | tokenize floor | sflint | sflint -j 1 "
          "| pre-commit | sflint / floor | sflint / rg | -j 1 / -j N | MB/s | peak RSS "
          "| RSS limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, files, total, largest, rg, floor, full, single, hook, rss, limit_kb in rows:
        print(
            f"| {total / 2**20:.0f} MB | {files} | {largest / 2**20:.1f} MB | {rg:.2f} s "
            f"| {floor:.2f} s | {full:.2f} s | {single:.2f} s | {hook:.3f} s "
            f"| {full / floor:.2f}x | {full / rg:.1f}x | {single / full:.2f}x "
            f"| {total / 2**20 / full:.0f} | {rss / 1024:.0f} MB | {limit_kb / 1024:.0f} MB |"
        )
    if comparisons:
        print(f"\nThis build against {args.compare} (runs interleaved):\n")
        print("| project | command | this build | other | time ratio | peak RSS | other RSS "
              "| RSS ratio |")
        print("|---|---|---|---|---|---|---|---|")
        for total, name, (time_mine, rss_mine), (time_theirs, rss_theirs) in comparisons:
            print(
                f"| {total / 2**20:.0f} MB | {name} | {time_mine:.3f} s | {time_theirs:.3f} s "
                f"| {time_mine / time_theirs:.3f}x | {rss_mine / 1024:.1f} MB "
                f"| {rss_theirs / 1024:.1f} MB | {rss_mine / rss_theirs:.3f}x |"
            )
    if len(rows) > 1:
        base = rows[0]
        print("\nGrowth against the smallest project (time ratio / size ratio):")
        for row in rows[1:]:
            print(f"- {row[2] / 2**20:.0f} MB: {row[6] / base[6]:.2f}x the time for "
                  f"{row[2] / base[2]:.2f}x the bytes")


if __name__ == "__main__":
    main()
