#!/usr/bin/env python3
"""Benchmark sflint against the parsing floor on every shape of project, in one run, warm cache.

    python3 benches/bench.py                          # every shape, 5 runs each
    python3 benches/bench.py --shapes huge,tiny --runs 3
    python3 benches/bench.py --scale 0.25             # smaller projects (a quick look)
    python3 benches/bench.py --instructions           # also callgrind instruction counts, -j 1
    python3 benches/bench.py --compare OLD            # also time another sflint build, e.g. the
                                                      # previous commit's, in the same run

Each shape is generated once, deterministically, with examples/synth.rs (in --dir):

- mixed        admin-like profiles of about 2.3 MB and permission sets of about 50 KB, 15% of the
               bytes in sets (the shape of a large real org)
- sets         many mid-sized permission sets (about 50 KB), nothing else
- huge         a few huge profiles: 48, 4, 16 and 8 MB
- tiny         tens of thousands of tiny files: permission sets decomposed one entry per file,
               beside the object and field files of the project (which sflint does not read)
- pre-commit   `sflint check` naming two permission sets of the mixed project, one of them in the
               integration user, whose profile and other set sflint then reads from the project

For each it times, median of the runs, each command interleaved with the others so that all see the
same machine:

- floor        examples/tokenize: quick-xml over the same metadata files building nothing (for the
               pre-commit case, the named files and those of their integration user)
- sflint       `sflint check --format json` with every built-in rule and one integration declared
- -j 1         both again on one thread (scaling, and a ratio less sensitive to other load)

and reads sflint's peak RSS from /usr/bin/time against the limit 64 MB + 4 x the largest file. With
--instructions, callgrind counts the instructions of both on one thread (a measure other load on the
machine does not change; a shape's project is large, so use --scale), the other binary's too with
--compare. With --compare, the other binary runs the same commands and a second table gives this
build's time and peak RSS as ratios of the other's.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"

# Shape, synth shape, default size in MB.
SHAPES = [
    ("mixed", "mixed", 180),
    ("sets", "sets", 75),
    ("huge", "huge", 76),
    ("tiny", "tiny", 10),
    ("pre-commit", "mixed", 180),
]

# The pre-commit case names these files of the mixed project; the integration user is
# Profile_0001, Synthetic_0001 and Synthetic_0002 (see examples/synth.rs).
SETS = "force-app/main/default/permissionsets"
PRE_COMMIT_NAMED = [f"{SETS}/Synthetic_0001.permissionset-meta.xml",
                    f"{SETS}/Synthetic_0003.permissionset-meta.xml"]
PRE_COMMIT_READ = PRE_COMMIT_NAMED + [
    f"{SETS}/Synthetic_0002.permissionset-meta.xml",
    "force-app/main/default/profiles/Profile_0001.profile-meta.xml",
]


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


def measure_all(commands, runs, cwd):
    """{name: (median seconds, peak RSS KB)} of each command, their runs interleaved."""
    samples = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(timed(command, cwd))
    return {name: (statistics.median(s[0] for s in runs_), max(s[1] for s in runs_))
            for name, runs_ in samples.items()}


def instructions(command, cwd):
    """Instructions callgrind counts in one run of `command`."""
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}"] + command,
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if not found:
        sys.exit(f"callgrind failed on {' '.join(command)}: {result.stderr[-2000:]}")
    return int(found.group(1))


def metadata_stats(project, files=None):
    """Bytes, largest file and count of the metadata files sflint reads."""
    if files is None:
        files = []
        for dirpath, _, names in os.walk(project / "force-app"):
            if f"{os.sep}objects" in dirpath:
                continue
            files.extend(Path(dirpath) / name for name in names if name.endswith(".xml"))
    else:
        files = [project / name for name in files]
    sizes = [path.stat().st_size for path in files]
    return sum(sizes), max(sizes), len(sizes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(name for name, _, _ in SHAPES))
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default="/tmp/sflint-bench", help="where projects are generated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with callgrind (-j 1)")
    parser.add_argument("--sflint", help="the sflint binary to time (default: build this tree)")
    parser.add_argument("--compare", metavar="SFLINT",
                        help="another sflint binary to time against this build in the same run")
    args = parser.parse_args()

    build = ["cargo", "build", "--release", "--quiet", "--example", "synth", "--example", "tokenize"]
    run(build + ([] if args.sflint else ["--bin", "sflint"]), cwd=ROOT)
    sflint = args.sflint or str(RELEASE / "sflint")
    synth = str(RELEASE / "examples" / "synth")
    tokenize = str(RELEASE / "examples" / "tokenize")
    wanted = args.shapes.split(",")
    unknown = set(wanted) - {name for name, _, _ in SHAPES}
    if unknown:
        sys.exit(f"unknown shapes: {', '.join(sorted(unknown))}")

    rows, counts, comparisons = [], [], []
    for name, shape, size in SHAPES:
        if name not in wanted:
            continue
        size = max(1, round(size * args.scale))
        project = Path(args.dir) / f"{shape}-{size}mb-seed{args.seed}"
        if not (project / "sfdx-project.json").exists():
            run([synth, "--out", str(project), "--size-mb", str(size), "--seed", str(args.seed),
                 "--shape", shape])
        if name == "pre-commit":
            total, largest, files = metadata_stats(project, PRE_COMMIT_READ)
            named, floor_paths = PRE_COMMIT_NAMED, PRE_COMMIT_READ
        else:
            total, largest, files = metadata_stats(project)
            named, floor_paths = [], ["."]
        check = [sflint, "check", "--format", "json", "--output", "/dev/null"]
        commands = {
            "floor": [tokenize] + floor_paths,
            "sflint": check + named,
            "floor -j 1": [tokenize, "--threads", "1"] + floor_paths,
            "sflint -j 1": check + ["--threads", "1"] + named,
        }
        if args.compare:
            commands["other"] = [args.compare] + commands["sflint"][1:]
            commands["other -j 1"] = [args.compare] + commands["sflint -j 1"][1:]
        # Warm the page cache so every command reads from memory.
        run([tokenize, "."], cwd=project)
        timing = measure_all(commands, args.runs, project)
        limit_kb = 64 * 1024 + 4 * largest // 1024
        rows.append((name, files, total, largest, timing, limit_kb))
        if args.instructions:
            other = instructions(commands["other -j 1"], project) if args.compare else None
            counts.append((name, instructions(commands["floor -j 1"], project),
                           instructions(commands["sflint -j 1"], project), other))
        if args.compare:
            comparisons.append((name, timing))

    print(f"cores: {os.cpu_count()}, runs per figure: {args.runs} (median, interleaved), "
          f"seed {args.seed}, scale {args.scale}\n")
    print("| shape | files read | bytes | largest file | floor | sflint | sflint / floor "
          "| floor -j 1 | sflint -j 1 | sflint / floor -j 1 | sflint -j 1 / -j 2 | peak RSS "
          "| RSS limit |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, files, total, largest, t, limit_kb in rows:
        floor, full = t["floor"][0], t["sflint"][0]
        floor1, single = t["floor -j 1"][0], t["sflint -j 1"][0]
        rss = max(t["sflint"][1], t["sflint -j 1"][1])
        print(
            f"| {name} | {files:,} | {total / 2**20:.1f} MB | {largest / 2**20:.2f} MB "
            f"| {floor:.3f} s | {full:.3f} s | {full / floor:.2f}x "
            f"| {floor1:.3f} s | {single:.3f} s | {single / floor1:.2f}x | {single / full:.2f}x "
            f"| {rss / 1024:.0f} MB | {limit_kb / 1024:.0f} MB |"
        )
    if counts:
        print("\nInstructions (callgrind, one thread):\n")
        if args.compare:
            print("| shape | floor | other | other / floor | this build | this build / floor "
                  "| this build / other |")
            print("|---|---|---|---|---|---|---|")
        else:
            print("| shape | floor | sflint | sflint / floor |")
            print("|---|---|---|---|")
        for name, floor, mine, other in counts:
            if other is None:
                print(f"| {name} | {floor / 1e6:,.0f} M | {mine / 1e6:,.0f} M "
                      f"| {mine / floor:.2f}x |")
            else:
                print(f"| {name} | {floor / 1e6:,.0f} M | {other / 1e6:,.0f} M "
                      f"| {other / floor:.2f}x | {mine / 1e6:,.0f} M | {mine / floor:.2f}x "
                      f"| {mine / other:.2f}x |")
    if comparisons:
        print(f"\nThis build against {args.compare} (runs interleaved):\n")
        print("| shape | threads | this build | other | time ratio | peak RSS | other RSS |")
        print("|---|---|---|---|---|---|---|")
        for name, t in comparisons:
            for mine, theirs, threads in [("sflint", "other", "all"),
                                          ("sflint -j 1", "other -j 1", "1")]:
                print(f"| {name} | {threads} | {t[mine][0]:.3f} s | {t[theirs][0]:.3f} s "
                      f"| {t[mine][0] / t[theirs][0]:.3f}x | {t[mine][1] / 1024:.1f} MB "
                      f"| {t[theirs][1] / 1024:.1f} MB |")


if __name__ == "__main__":
    main()
