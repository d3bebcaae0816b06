#!/usr/bin/env python3
"""Time `sflint diff` against `sflint check` on a synthetic org, in the same run, warm cache.

    python3 benches/diff.py                 # 50 MB org, 3 runs
    python3 benches/diff.py --size-mb 500 --runs 5

It generates (once, deterministically) an SFDX project with examples/synth.rs, commits it in a
fresh git repository, then commits a second revision that changes 10 permission sets (each gains
a user permission and loses an object entry), and times, taking the median:

- check            `sflint check` on the HEAD tree (the work tree)
- diff HEAD~1 HEAD `sflint diff` between the two commits (both read through git, both linted)
- diff HEAD~1      `sflint diff` from the first commit to the work tree

It prints a Markdown table with the times and the ratio of each diff to check.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
GIT_ENV = dict(
    os.environ,
    GIT_AUTHOR_NAME="bench",
    GIT_AUTHOR_EMAIL="bench@example.com",
    GIT_COMMITTER_NAME="bench",
    GIT_COMMITTER_EMAIL="bench@example.com",
)


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, env=GIT_ENV, stdout=subprocess.DEVNULL)


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed with {result.returncode}: {result.stderr.decode()}")
    return elapsed


def change_ten_permission_sets(project):
    sets = sorted(project.rglob("*.permissionset-meta.xml"))
    changed = 0
    for path in sets:
        text = path.read_text()
        if "<objectPermissions>" not in text:
            continue
        text = re.sub(r"\s*<objectPermissions>.*?</objectPermissions>", "", text, count=1, flags=re.S)
        text = text.replace(
            "<label>",
            "<userPermissions>\n        <enabled>true</enabled>\n        <name>ExportReport</name>\n    </userPermissions>\n    <label>",
            1,
        )
        path.write_text(text)
        changed += 1
        if changed == 10:
            return
    sys.exit(f"only {changed} permission sets could be changed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default="/tmp/sflint-bench")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--bin", "sflint", "--example", "synth"], cwd=ROOT, check=True)
    sflint = str(RELEASE / "sflint")
    project = Path(args.dir) / f"diff-{args.size_mb}mb-seed{args.seed}"
    if not (project / ".git").exists():
        subprocess.run([str(RELEASE / "examples" / "synth"), "--out", str(project),
                        "--size-mb", str(args.size_mb), "--seed", str(args.seed)], check=True)
        git("init", "-q", "-b", "main", cwd=project)
        git("add", "-A", cwd=project)
        git("commit", "-q", "-m", "base", cwd=project)
        change_ten_permission_sets(project)
        git("commit", "-qam", "ten permission sets change", cwd=project)
    changed = subprocess.run(["git", "diff", "--name-only", "HEAD~1", "HEAD"], cwd=project,
                             capture_output=True, text=True, check=True).stdout.split()
    files = sum(1 for _ in project.rglob("*-meta.xml"))
    size = sum(p.stat().st_size for p in project.rglob("*-meta.xml")) / 1e6

    commands = {
        "check": [sflint, "check", "--format", "json", "--output", "/dev/null"],
        "diff HEAD~1 HEAD": [sflint, "diff", "HEAD~1", "HEAD", "--format", "json", "--output", "/dev/null"],
        "diff HEAD~1 (work tree)": [sflint, "diff", "HEAD~1", "--format", "json", "--output", "/dev/null"],
    }
    timed(commands["check"], project)  # warm the page cache
    samples = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():  # interleaved: every command sees the same machine
            samples[name].append(timed(command, project))
    check = statistics.median(samples["check"])
    print(f"\n{files} metadata files, {size:.0f} MB; {len(changed)} files differ between the revisions\n")
    print("| command | median s | / check |")
    print("|---|---:|---:|")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"| `sflint {name}` | {median:.2f} | {median / check:.2f} |")


if __name__ == "__main__":
    main()
