// Runs the native sflint binary that the `sflint` npm package installs for this platform.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The binary's path, or an error message that says why there is none and what to do. */
export function sflintBinary() {
  const { binaryPath, BinaryNotFound } = require("sflint");
  try {
    return { path: binaryPath() };
  } catch (error) {
    if (error instanceof BinaryNotFound) return { error: error.message };
    throw error;
  }
}

/**
 * The arguments sf gave the command, for sflint: all of them but sf's own `--json`. oclif stops at
 * `--` too, so `sf sflint check -- --help` reaches sflint as `--help`; the first `--` is dropped.
 */
export function passThrough(argv, { dropJson }) {
  const end = argv.indexOf("--");
  const before = end === -1 ? argv : argv.slice(0, end);
  const after = end === -1 ? [] : argv.slice(end + 1);
  return [...(dropJson ? before.filter((arg) => arg !== "--json") : before), ...after];
}

/**
 * Runs sflint with `args`. With `capture`, stdout is collected and returned (stderr still goes to
 * the terminal); otherwise the binary writes to the terminal itself. Resolves to {code, stdout}.
 */
export function runSflint(binary, args, { capture }) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ["inherit", capture ? "pipe" : "inherit", "inherit"],
      windowsHide: true,
    });
    const chunks = [];
    if (capture) child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(chunks).toString("utf8") });
    });
  });
}
