"use strict";
// The prebuilt binaries sflint publishes to npm: one package per platform, each installed only where
// its `os`, `cpu` and `libc` match (npm, pnpm and yarn all skip optional dependencies that do not).
// The release script (npm/scripts/stage.mjs) builds the packages from this table, and the launcher
// (bin/sflint.js) finds the one installed with it, so the two cannot disagree.

/** @type {{key: string, target: string, os: string, cpu: string, libc?: string, exe: string}[]} */
const PLATFORMS = [
  { key: "linux-x64-gnu", target: "x86_64-unknown-linux-gnu", os: "linux", cpu: "x64", libc: "glibc", exe: "sflint" },
  { key: "linux-arm64-gnu", target: "aarch64-unknown-linux-gnu", os: "linux", cpu: "arm64", libc: "glibc", exe: "sflint" },
  { key: "linux-x64-musl", target: "x86_64-unknown-linux-musl", os: "linux", cpu: "x64", libc: "musl", exe: "sflint" },
  { key: "linux-arm64-musl", target: "aarch64-unknown-linux-musl", os: "linux", cpu: "arm64", libc: "musl", exe: "sflint" },
  { key: "darwin-x64", target: "x86_64-apple-darwin", os: "darwin", cpu: "x64", exe: "sflint" },
  { key: "darwin-arm64", target: "aarch64-apple-darwin", os: "darwin", cpu: "arm64", exe: "sflint" },
  { key: "win32-x64", target: "x86_64-pc-windows-msvc", os: "win32", cpu: "x64", exe: "sflint.exe" },
];

const SCOPE = "@sflint";

/** The npm name of a platform's package: `@sflint/cli-linux-x64-gnu`. */
function packageName(platform) {
  return `${SCOPE}/cli-${platform.key}`;
}

module.exports = { PLATFORMS, SCOPE, packageName };
