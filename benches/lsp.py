#!/usr/bin/env python3
"""Latency of `sflint lsp`: from a one-character change to the diagnostics it publishes.

    python3 benches/lsp.py                         # target/release/sflint, 15 changes each
    python3 benches/lsp.py --binary PATH --runs 25

In a copy of fixtures/union/pre-commit (two integration users; Act-On holds a permission set group)
with a generated 4 MB profile beside them, it starts the server as an editor does, opens two files
and times, as medians:

- big profile      a one-character change to the 4 MB profile (a permission name gains or loses a
                   letter, so its diagnostics change each time and are published)
- group member     the same change to ActOn_Reports, a member of the group the Act-On integration
                   user holds: its file is linted and both integration users are checked again
- sflint check     of the same project, in the same run, for scale

The server waits for 150 ms without a change before it lints (its debounce), which the first two
include; a code action asked right after the change (on the first line, where no fix is) lints at
once, and is timed too: that is the lint and publishing alone.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import queue
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def big_profile(target_bytes):
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<Profile xmlns="http://soap.sforce.com/2006/04/metadata">\n'
    parts = [head, "    <custom>true</custom>\n"]
    size = len(head)
    index = 0
    while size < target_bytes:
        entry = (
            "    <fieldPermissions>\n"
            "        <editable>false</editable>\n"
            f"        <field>Account.Field{index}__c</field>\n"
            "        <readable>true</readable>\n"
            "    </fieldPermissions>\n"
        )
        parts.append(entry)
        size += len(entry)
        index += 1
    parts.append(
        "    <userLicense>Salesforce</userLicense>\n"
        "    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n"
        "</Profile>\n"
    )
    return "".join(parts)


class Server:
    def __init__(self, binary, root):
        self.process = subprocess.Popen(
            [binary, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put((time.perf_counter(), json.loads(stream.read(length))))

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, accept, timeout=120):
        deadline = time.perf_counter() + timeout
        while True:
            at, message = self.inbox.get(timeout=max(0.0, deadline - time.perf_counter()))
            if accept(message):
                return at, message

    def diagnostics_for(self, uri):
        return self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )

    def response(self, id):
        return self.wait(lambda m: m.get("id") == id and "method" not in m)

    def drain(self):
        ask = self.request("sflint/sync", {})
        self.response(ask)


def uri(path):
    return Path(path).as_uri()


def position(text, offset):
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": offset - start}


def time_changes(server, path, text, needle, runs, force):
    """Medians of the seconds from a one-character change (a letter added to `needle`, then taken
    away) to its diagnostics; with `force`, to the answer of a code action asked right after."""
    at = text.index(needle) + len(needle)
    samples = []
    version = 1
    for run in range(runs):
        version += 1
        adding = run % 2 == 0
        start, end = position(text, at), position(text, at + (0 if adding else 1))
        change = {"range": {"start": start, "end": end}, "text": "X" if adding else ""}
        text = text[:at] + ("X" if adding else "") + text[at + (0 if adding else 1):]
        began = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [change]},
        )
        if force:
            ask = server.request(
                "textDocument/codeAction",
                {
                    "textDocument": {"uri": uri(path)},
                    # Away from the finding, so that the answer is the lint's cost, not a fix's.
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                    # As a light bulb asks: the quick fixes under the cursor.
                    "context": {"diagnostics": [], "triggerKind": 2},
                },
            )
            # The diagnostics are sent before the answer, which this waits for.
            done, _ = server.response(ask)
        else:
            done, _ = server.diagnostics_for(uri(path))
        samples.append(done - began)
    return statistics.median(samples), text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "sflint"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile-mb", type=float, default=4.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        shutil.copytree(ROOT / "fixtures" / "union" / "pre-commit", root)
        profiles = root / "force-app" / "main" / "default" / "profiles"
        big_path = profiles / "Big.profile-meta.xml"
        big = big_profile(int(args.profile_mb * 1024 * 1024))
        big_path.write_text(big)
        member_path = root / "force-app" / "main" / "default" / "permissionsets" / "ActOn_Reports.permissionset-meta.xml"
        member = member_path.read_text()

        checks = []
        for _ in range(args.runs):
            began = time.perf_counter()
            subprocess.run([args.binary, "check"], cwd=root, stdout=subprocess.DEVNULL, check=False)
            checks.append(time.perf_counter() - began)

        server = Server(args.binary, root)
        began = time.perf_counter()
        ask = server.request(
            "initialize",
            {"processId": None, "rootUri": uri(root), "capabilities": {}, "workspaceFolders": [{"uri": uri(root), "name": "p"}]},
        )
        server.response(ask)
        server.notify("initialized", {})
        server.drain()
        started = time.perf_counter() - began
        for path, text in ((big_path, big), (member_path, member)):
            server.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri(path), "languageId": "xml", "version": 1, "text": text}},
            )
        server.drain()

        big_latency, big = time_changes(server, big_path, big, "<name>ApiEnabled", args.runs, False)
        member_latency, member = time_changes(server, member_path, member, "<name>ExportReports", args.runs, False)
        big_forced, big = time_changes(server, big_path, big, "<name>ApiEnabled", args.runs, True)
        member_forced, member = time_changes(server, member_path, member, "<name>ExportReports", args.runs, True)
        ask = server.request("shutdown", None)
        server.response(ask)
        server.notify("exit", None)
        server.process.wait(timeout=30)

    ms = lambda seconds: f"{seconds * 1000:.0f} ms"
    print(f"project: fixtures/union/pre-commit + a {len(big) / 1024 / 1024:.1f} MB profile; {args.runs} runs, medians")
    print()
    print("| what | median |")
    print("|---|---|")
    print(f"| `sflint check` of the project | {ms(statistics.median(checks))} |")
    print(f"| server start: initialize to the first diagnostics of the project | {ms(started)} |")
    print(f"| one-character change to the 4 MB profile, to its diagnostics (150 ms debounce included) | {ms(big_latency)} |")
    print(f"| the same, linted at once by a code action | {ms(big_forced)} |")
    print(f"| one-character change to a group member of an integration user, to its diagnostics (debounce included) | {ms(member_latency)} |")
    print(f"| the same, linted at once by a code action | {ms(member_forced)} |")


if __name__ == "__main__":
    main()
