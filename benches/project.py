#!/usr/bin/env python3
"""Benchmark the project checks: what reading objects and fields costs, in one run, warm cache.

    python3 benches/project.py                        # builds this tree and the one before the
                                                      # project checks, 5 runs each
    python3 benches/project.py --before OLD_SFLINT    # time another build as "before"
    python3 benches/project.py --scale 0.25 --instructions

Two projects are generated with examples/synth.rs (in --dir):

- permissions  many mid-sized permission sets and nothing else (`--shape sets`): the
               permission-only path, which must not get slower
- project      the same permission sets beside the objects and fields of a real org's project
               (`--shape project`: 400 objects, about 20,000 field files of every kind)

Rows, median of the runs, each command interleaved with the others so that all see the same machine
(-j 2 unless --threads):

- floor                 examples/tokenize over the permission files
- floor + definitions   examples/tokenize over the permission files and the object and field files
- before                the build before the project checks (which walks past objects and fields)
- permission-only       this build with the project rules switched off (`ignore` in a configuration)
- with project checks   this build, every rule on

and the per-file cost of the definition files: the time the project checks add divided by the field
files read, next to what reading and tokenizing them adds to the floor. With --instructions,
callgrind counts the same commands on one thread.
"""

import argparse
import os
import statistics
import subprocess
from pathlib import Path

# One way to time a run and count its instructions, shared with the shapes benchmark.
from bench import instructions, timed

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))

# The rules that read definitions; those the build under test knows are switched off for the
# permission-only row.
PROJECT_RULES = [
    "computed-field-editable",
    "master-detail-access",
    "required-field-permission",
    "tab-without-object-access",
    "undefined-reference",
]
# The commit before the project checks.
BEFORE_REV = "c4b562a^"


def build_before(rev, directory):
    """The sflint binary of `rev`, built once in a worktree of its own."""
    tree = directory / "before-tree"
    binary = directory / "before-target" / "release" / "sflint"
    if binary.exists():
        return binary
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(directory / "before-target"))
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sflint"], cwd=tree,
                   env=env, check=True)
    return binary


def count(project, suffixes):
    files = [Path(d) / n for d, _, names in os.walk(project) for n in names
             if any(n.endswith(s) for s in suffixes)]
    return len(files), sum(f.stat().st_size for f in files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the size (75 MB)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dir", default="/tmp/sflint-project-bench")
    parser.add_argument("--before", help="the sflint binary before the project checks "
                        f"(default: build {BEFORE_REV})")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with callgrind (-j 1)")
    args = parser.parse_args()

    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sflint", "--example",
                    "synth", "--example", "tokenize"], cwd=ROOT, check=True)
    release = TARGET / "release"
    sflint = release / "sflint"
    before = Path(args.before) if args.before else build_before(BEFORE_REV, directory)
    known = [rule for rule in PROJECT_RULES
             if subprocess.run([sflint, "rule", rule], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0]

    size = max(1, round(75 * args.scale))
    projects = {}
    for name, shape in (("permissions", "sets"), ("project", "project")):
        project = directory / f"{name}-{size}"
        if not project.exists():
            subprocess.run([release / "examples" / "synth", "--out", project, "--size-mb",
                            str(size), "--shape", shape], check=True, stdout=subprocess.DEVNULL)
        config = (project / "sflint.toml").read_text()
        (project / "permission-only.toml").write_text(
            "ignore = [" + ", ".join(f'"{rule}"' for rule in known) + "]\n" + config)
        projects[name] = project

    j = ["-j", str(args.threads)]
    check = ["check", ".", "--format", "json"] + j
    rows = {
        "permissions": [
            ("floor", [release / "examples" / "tokenize", "--threads", str(args.threads), "."]),
            ("before", [before] + check),
            ("permission-only", [sflint] + check),
        ],
        "project": [
            ("floor", [release / "examples" / "tokenize", "--threads", str(args.threads), "."]),
            ("floor + definitions", [release / "examples" / "tokenize", "--threads",
                                     str(args.threads), "--definitions", "."]),
            ("before", [before] + check),
            ("permission-only", [sflint] + check + ["--config", "permission-only.toml"]),
            ("with project checks", [sflint] + check),
        ],
    }

    print(f"project rules switched off for permission-only: {', '.join(known) or 'none'}")
    for name, commands in rows.items():
        project = projects[name]
        permission_files, permission_bytes = count(project, ["-meta.xml"])
        field_files, field_bytes = count(project, [".field-meta.xml"])
        object_files, _ = count(project, [".object-meta.xml"])
        permission_files -= field_files + object_files
        print(f"\n{name}: {permission_files} permission files, {field_files} field files, "
              f"{object_files} objects, {(permission_bytes) >> 20} MB")
        samples = {label: [] for label, _ in commands}
        for _ in range(args.runs):
            for label, command in commands:
                samples[label].append(timed([str(part) for part in command], project))
        medians = {label: statistics.median(s[0] for s in runs) for label, runs in samples.items()}
        floor = medians["floor"]
        print(f"| {'run':<22} | {'wall (s)':>8} | {'x floor':>7} | {'x before':>8} | {'peak RSS':>9} |")
        print(f"|{'-' * 24}|{'-' * 10}:|{'-' * 9}:|{'-' * 10}:|{'-' * 11}:|")
        for label, runs in samples.items():
            rss = max(s[1] for s in runs) >> 10
            print(f"| {label:<22} | {medians[label]:8.3f} | {medians[label] / floor:6.2f}x | "
                  f"{medians[label] / medians['before']:7.2f}x | {rss:>6} MB |")
        if name == "project" and field_files:
            added = medians["with project checks"] - medians["permission-only"]
            floor_added = medians["floor + definitions"] - floor
            print(f"per field file: the project checks add {added / field_files * 1e6:.1f} us, "
                  f"reading and tokenizing it adds {floor_added / field_files * 1e6:.1f} us to the "
                  f"floor (-j {args.threads})")
        if args.instructions:
            print("instructions, -j 1:")
            for label, command in commands:
                one = [str(part) for part in command]
                one = [("1" if previous in ("-j", "--threads") else part)
                       for previous, part in zip([""] + one, one)]
                print(f"  {label:<22} {instructions(one, project) / 1e6:10.1f}M")


if __name__ == "__main__":
    main()
