"use strict";
// Finds the sflint binary for this machine: `SFLINT_BINARY` if set, else the executable in the
// platform package npm installed beside this one. Used by bin/sflint.js and by the `sf` plugin.

const fs = require("node:fs");
const path = require("node:path");
const { PLATFORMS, packageName } = require("./platforms.js");

/** "glibc", "musl", or null where the question does not arise (not Linux) or cannot be answered. */
function linuxLibc() {
  if (process.platform !== "linux") return null;
  // Node records the glibc it runs on in its diagnostic report; a musl build has no such field.
  const report = process.report;
  const excludeNetwork = report && report.excludeNetwork;
  try {
    // Without network details the report is quick (they cost a lookup per interface).
    if (report && "excludeNetwork" in report) report.excludeNetwork = true;
    const raw = report && report.getReport();
    const header = raw && (typeof raw === "string" ? JSON.parse(raw) : raw).header;
    if (header) return header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    // Fall through to ldd.
  } finally {
    if (report && "excludeNetwork" in report) report.excludeNetwork = excludeNetwork;
  }
  try {
    const ldd = fs.readFileSync("/usr/bin/ldd", "utf8");
    if (ldd.includes("musl")) return "musl";
    if (ldd.includes("GNU C Library") || ldd.includes("glibc")) return "glibc";
  } catch {
    // No ldd: assume glibc, the common case; the musl build is tried after it.
  }
  return null;
}

/**
 * The platform packages that can run here, best first. On glibc Linux the musl build (static) runs
 * too, so it is the second choice: npm versions before `libc` support install both, and a project
 * whose lockfile was made on Alpine has only the musl one.
 */
function candidates(platform = process.platform, arch = process.arch, libc = linuxLibc()) {
  const here = PLATFORMS.filter((p) => p.os === platform && p.cpu === arch);
  if (platform !== "linux") return here;
  const gnu = here.filter((p) => p.libc === "glibc");
  const musl = here.filter((p) => p.libc === "musl");
  return libc === "musl" ? musl : [...gnu, ...musl];
}

/** A description of this machine for messages: `linux-x64 (musl)`. */
function describe(libc = linuxLibc()) {
  return `${process.platform}-${process.arch}${libc ? ` (${libc})` : ""}`;
}

class BinaryNotFound extends Error {}

/**
 * The absolute path of the sflint executable to run. Throws BinaryNotFound with a message that says
 * why and what to do.
 */
function binaryPath() {
  const override = process.env.SFLINT_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      throw new BinaryNotFound(`sflint: SFLINT_BINARY is set to ${override}, which does not exist.`);
    }
    return path.resolve(override);
  }
  const wanted = candidates();
  for (const platform of wanted) {
    let manifest;
    try {
      manifest = require.resolve(`${packageName(platform)}/package.json`);
    } catch {
      continue;
    }
    const exe = path.join(path.dirname(manifest), platform.exe);
    if (fs.existsSync(exe)) return exe;
  }
  const own = require("../package.json");
  if (wanted.length === 0) {
    throw new BinaryNotFound(
      [
        `sflint: there is no prebuilt sflint for ${describe()}.`,
        `Prebuilt binaries exist for ${PLATFORMS.map((p) => p.key).join(", ")}.`,
        "Build it from source with a Rust toolchain instead: cargo install sflint --locked",
        "and run that binary, or point SFLINT_BINARY at it to keep using this package.",
      ].join("\n"),
    );
  }
  throw new BinaryNotFound(
    [
      `sflint: the prebuilt binary for ${describe()} is not installed.`,
      `It comes in the optional dependency ${wanted.map((p) => `${packageName(p)}@${own.version}`).join(" or ")},`,
      "which your package manager left out. That happens when optional dependencies are omitted",
      "(npm --omit=optional, --no-optional, or omit=optional in .npmrc), or when the lockfile was",
      "made on another platform. Reinstall with optional dependencies, for example:",
      "  rm -rf node_modules package-lock.json && npm install",
      `or add the package directly: npm install --save-dev ${packageName(wanted[0])}@${own.version}`,
      "Or set SFLINT_BINARY to an sflint binary (cargo install sflint --locked builds one).",
    ].join("\n"),
  );
}

module.exports = { binaryPath, candidates, linuxLibc, describe, BinaryNotFound };
