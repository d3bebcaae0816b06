#!/usr/bin/env node
"use strict";
// Runs the native sflint binary from the platform package installed with this one, passing every
// argument, the standard streams and the exit code through.

const { spawnSync } = require("node:child_process");
const { binaryPath, BinaryNotFound } = require("../lib/binary.js");

let exe;
try {
  exe = binaryPath();
} catch (error) {
  if (!(error instanceof BinaryNotFound)) throw error;
  console.error(error.message);
  // sflint's own code for "could not do what was asked".
  process.exit(2);
}

const result = spawnSync(exe, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) {
  console.error(`sflint: could not run ${exe}: ${result.error.message}`);
  if (result.error.code === "EACCES") {
    console.error("The file is not executable; reinstalling the package restores its mode.");
  }
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal, so that the caller sees what the binary saw.
  process.kill(process.pid, result.signal);
  process.exit(1);
}
process.exit(result.status ?? 1);
