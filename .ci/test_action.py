#!/usr/bin/env python3
"""The action's install steps (action.yml), run here as a runner would run them, against a release
served on 127.0.0.1: the right archive for the runner, its checksum verified, the cache used, a
bad checksum refused, a version without a release built from source, a branch built from source.

Offline and quick: the archives hold a stand-in `sflint` script, and `cargo` is a stand-in that
records its arguments. Run by .ci/run; `python3 .ci/test_action.py` alone works too.
"""

import hashlib
import http.server
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
VERSION = re.search(r'^version = "(.*)"$', (REPO / "Cargo.toml").read_text(), re.M).group(1)
BASH = "/bin/bash"
FAILURES = []


def check(condition, what, detail=""):
    print(("ok      " if condition else "FAILED  ") + what)
    if not condition:
        FAILURES.append(what)
        if detail:
            print("        " + detail.replace("\n", "\n        "))


class Release(http.server.BaseHTTPRequestHandler):
    """Serves files under /OWNER/NAME/releases/download/vX/ from `assets`; 404 for the rest."""

    assets = {}
    requests = []

    def do_GET(self):  # noqa: N802 (the http.server name)
        Release.requests.append(self.path)
        body = Release.assets.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def stand_in(version_line):
    return f"#!/bin/sh\necho '{version_line}'\n".encode()


def tarball(target):
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        body = stand_in(f"sflint {VERSION} (from the {target} archive)")
        info = tarfile.TarInfo(f"sflint-{target}/sflint")
        info.size = len(body)
        info.mode = 0o755
        tar.addfile(info, io.BytesIO(body))
    return data.getvalue()


def zipball():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("sflint.exe", stand_in(f"sflint {VERSION} (from the zip)"))
    return data.getvalue()


def publish(server, target, body, checksum=None):
    ext = ".zip" if target.endswith("windows-msvc") else ".tar.gz"
    base = f"/sflint/sflint/releases/download/v{VERSION}/sflint-{target}{ext}"
    Release.assets[base] = body
    digest = checksum or hashlib.sha256(body).hexdigest()
    Release.assets[base + ".sha256"] = f"{digest} *sflint-{target}{ext}\n".encode()


def expand(env, context):
    """The step's env with the ${{ ... }} expressions this test provides."""
    out = {}
    for key, value in env.items():
        out[key] = re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: context.get(m.group(1), ""), str(value))
    return out


def run_step(name, context, base_env):
    step = STEPS[name]
    with tempfile.NamedTemporaryFile("r", delete=False) as output:
        pass
    env = {**base_env, **expand(step.get("env", {}), context), "GITHUB_OUTPUT": output.name}
    proc = subprocess.run([BASH, "-e", "-c", step["run"]], env=env, capture_output=True, text=True)
    outputs = dict(
        line.split("=", 1) for line in Path(output.name).read_text().splitlines() if "=" in line
    )
    os.unlink(output.name)
    return proc, outputs


def scenario(title, server_url, *, os_name="Linux", arch="X64", ref="", cache_hit=""):
    """Runs the plan step then the install step; returns (plan outputs, install process, paths)."""
    work = Path(tempfile.mkdtemp(prefix="sflint-action-"))
    (work / "bin").mkdir()
    # A cargo that records what it was asked, instead of building.
    (work / "bin" / "cargo").write_text(f'#!/bin/sh\necho "$@" > "{work}/cargo-args"\n')
    (work / "bin" / "cargo").chmod(0o755)
    github_path = work / "github-path"
    github_path.touch()
    base_env = {
        # No sflint on PATH: only the system's tools and the stand-in cargo.
        "PATH": f"{work / 'bin'}:/usr/bin:/bin",
        "HOME": str(work),
        "RUNNER_OS": os_name,
        "RUNNER_ARCH": arch,
        "RUNNER_TEMP": str(work / "temp"),
        "RUNNER_TOOL_CACHE": str(work / "toolcache"),
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_PATH": str(github_path),
    }
    (work / "temp").mkdir()
    context = {
        "github.action_ref": ref,
        "github.action_repository": "sflint/sflint",
        "github.server_url": server_url,
    }
    plan, outputs = run_step("Choose the sflint binary", context, base_env)
    check(plan.returncode == 0, f"{title}: the plan step runs", plan.stderr)
    for key, value in outputs.items():
        context[f"steps.plan.outputs.{key}"] = value
    context["steps.cache.outputs.cache-hit"] = cache_hit
    if cache_hit:
        cached = Path(outputs["dir"])
        cached.mkdir(parents=True)
        exe = cached / ("sflint.exe" if os_name == "Windows" else "sflint")
        exe.write_bytes(stand_in(f"sflint {VERSION} (cached)"))
        exe.chmod(0o755)
    install, _ = run_step("Install sflint", context, base_env)
    return outputs, install, work, github_path.read_text().splitlines()


def shellcheck():
    """Every run block of the action, through shellcheck when it is installed."""
    if subprocess.run(["sh", "-c", "command -v shellcheck"], capture_output=True).returncode != 0:
        print("skipped shellcheck: not installed")
        return
    for name, step in STEPS.items():
        if "run" not in step:
            continue
        script = "#!/bin/bash\n" + re.sub(r"\$\{\{[^}]*\}\}", "x", step["run"])
        proc = subprocess.run(["shellcheck", "-s", "bash", "-"], input=script, capture_output=True, text=True)
        check(proc.returncode == 0, f"shellcheck: {name}", proc.stdout)


def main():
    shellcheck()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Release)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        for target in ("x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "aarch64-apple-darwin"):
            publish(server, target, tarball(target))
        publish(server, "x86_64-pc-windows-msvc", zipball())

        # A tagged release on each kind of runner: downloaded, verified, on PATH.
        for os_name, arch, target in (
            ("Linux", "X64", "x86_64-unknown-linux-musl"),
            ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
            ("macOS", "ARM64", "aarch64-apple-darwin"),
            ("Windows", "X64", "x86_64-pc-windows-msvc"),
        ):
            title = f"v{VERSION} on {os_name}/{arch}"
            Release.requests.clear()
            plan, install, work, path = scenario(title, url, os_name=os_name, arch=arch, ref=f"v{VERSION}")
            check(plan.get("mode") == "release" and plan.get("target") == target, f"{title}: {target}", str(plan))
            check(install.returncode == 0, f"{title}: installed", install.stdout + install.stderr)
            check("sha256" in install.stdout and "verified" in install.stdout, f"{title}: checksum verified", install.stdout)
            check(path == [plan.get("dir")], f"{title}: the binary's directory is on PATH", str(path))
            check(f"sflint {VERSION}" in install.stdout, f"{title}: the binary runs", install.stdout)
            check(not (work / "cargo-args").exists(), f"{title}: nothing built")

        # A cached binary: no download at all.
        Release.requests.clear()
        plan, install, work, path = scenario("cache hit", url, ref=f"v{VERSION}", cache_hit="true")
        check(install.returncode == 0 and "from the cache" in install.stdout, "cache hit: used", install.stdout + install.stderr)
        check(Release.requests == [], "cache hit: nothing downloaded", str(Release.requests))

        # A local `uses: ./` (no ref) or a pinned commit uses its Cargo.toml's version too.
        for ref in ("", "0123456789abcdef0123456789abcdef01234567"):
            plan, install, work, path = scenario(f"ref {ref or '(none)'}", url, ref=ref)
            check(plan.get("mode") == "release" and install.returncode == 0, f"ref {ref or '(none)'}: the release", install.stderr)

        # A branch is built from the action's source.
        plan, install, work, path = scenario("branch main", url, ref="main")
        args = (work / "cargo-args").read_text() if (work / "cargo-args").exists() else ""
        check(plan.get("mode") == "source", "branch main: built from source", str(plan))
        check(install.returncode == 0 and f"--path {REPO}" in args and "--locked" in args, "branch main: cargo install --locked --path", args + install.stderr)

        # A checksum that does not match fails the step, and installs nothing.
        publish(server, "x86_64-unknown-linux-musl", tarball("x86_64-unknown-linux-musl"), checksum="0" * 64)
        plan, install, work, path = scenario("bad checksum", url, ref=f"v{VERSION}")
        check(install.returncode == 1 and "checksum mismatch" in install.stdout, "bad checksum: refused", install.stdout + install.stderr)
        check(path == [] and not (work / "cargo-args").exists(), "bad checksum: nothing installed or built")

        # No release of this version: built from source, with a notice.
        Release.assets.clear()
        plan, install, work, path = scenario("no release", url, ref=f"v{VERSION}")
        check(install.returncode == 0 and "no release" in install.stdout, "no release: a notice", install.stdout + install.stderr)
        check((work / "cargo-args").exists(), "no release: built from source")
        check(path == [str(work / "temp" / "sflint" / "bin")], "no release: the built binary on PATH", str(path))
    finally:
        server.shutdown()

    print(f"action install: {len(FAILURES)} failed" if FAILURES else "action install: all passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
