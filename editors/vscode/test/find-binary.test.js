"use strict";
const assert = require("node:assert");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const test = require("node:test");
const { findBinary } = require("../find-binary.js");

test("the setting wins, with ${workspaceFolder} replaced", () => {
  const found = findBinary("${workspaceFolder}/target/release/sflint", ["/work/project"], "linux");
  assert.strictEqual(found.command, "/work/project/target/release/sflint");
  assert.strictEqual(found.source, "the sflint.path setting");
});

test("then the npm package of a workspace folder", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sflint-vscode-"));
  const lib = path.join(folder, "node_modules", "sflint", "lib");
  fs.mkdirSync(lib, { recursive: true });
  const exe = path.join(folder, "native-sflint");
  fs.writeFileSync(path.join(lib, "binary.js"), `exports.binaryPath = () => ${JSON.stringify(exe)};`);
  const found = findBinary("", ["/nowhere", folder], "linux");
  assert.strictEqual(found.command, exe);
  assert.match(found.source, /npm package/);
});

test("a package without a binary for this machine is said, and the PATH used", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sflint-vscode-"));
  const lib = path.join(folder, "node_modules", "sflint", "lib");
  fs.mkdirSync(lib, { recursive: true });
  fs.writeFileSync(path.join(lib, "binary.js"), `exports.binaryPath = () => { throw new Error("no @sflint/cli-linux-x64-gnu"); };`);
  const found = findBinary("  ", [folder], "linux");
  assert.strictEqual(found.command, "sflint");
  assert.strictEqual(found.source, "the PATH");
  assert.strictEqual(found.problems.length, 1);
  assert.match(found.problems[0], /no @sflint\/cli-linux-x64-gnu/);
  assert.strictEqual(findBinary("", [], "win32").command, "sflint.exe");
});

test("an untrusted workspace's node_modules is not run", () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sflint-vscode-"));
  const lib = path.join(folder, "node_modules", "sflint", "lib");
  fs.mkdirSync(lib, { recursive: true });
  const marker = path.join(folder, "ran");
  fs.writeFileSync(path.join(lib, "binary.js"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, ""); exports.binaryPath = () => "x";`);
  const found = findBinary("", [folder], "linux", false);
  assert.strictEqual(found.command, "sflint");
  assert.strictEqual(fs.existsSync(marker), false);
  assert.strictEqual(findBinary("", [folder], "linux", true).command, "x");
  assert.strictEqual(fs.existsSync(marker), true);
});
