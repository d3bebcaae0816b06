#!/usr/bin/env node
// Assembles the npm packages of a release from built sflint binaries, ready for `npm pack` or
// `npm publish`: the launcher package `sflint`, one `@sflint/cli-<platform>` package per binary, and
// the `sf` plugin. The release workflow runs it on the binaries of its archives; locally, run it on a
// binary built here (npm/scripts/roundtrip.sh does, then installs the result offline).
//
//   node npm/scripts/stage.mjs --out DIR [--version X.Y.Z] [--partial] \
//        --binary x86_64-unknown-linux-gnu=target/release/sflint [--binary TARGET=PATH]...
//
// A binary is named by its Rust target triple or its platform key (linux-x64-gnu). Every platform
// needs one unless --partial (a local test): a release never publishes a launcher whose platform
// packages are missing. The version defaults to Cargo.toml's.

import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const { PLATFORMS, packageName } = require("../sflint/lib/platforms.js");

const npmDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repo = path.dirname(npmDir);

function fail(message) {
  console.error(`stage: ${message}`);
  process.exit(1);
}

function cargoVersion() {
  const toml = readFileSync(path.join(repo, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((section) => section.startsWith("package]"));
  const match = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) fail("no version in Cargo.toml's [package]");
  return match[1];
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    version: { type: "string" },
    binary: { type: "string", multiple: true, default: [] },
    partial: { type: "boolean", default: false },
  },
});
if (!values.out) fail("--out DIR is required");
const out = path.resolve(values.out);
const version = values.version ?? cargoVersion();
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) fail(`${version} is not a version`);

const binaries = new Map();
for (const spec of values.binary) {
  const eq = spec.indexOf("=");
  if (eq < 1) fail(`--binary ${spec}: expected TARGET=PATH`);
  const name = spec.slice(0, eq);
  const file = path.resolve(spec.slice(eq + 1));
  const platform = PLATFORMS.find((p) => p.target === name || p.key === name);
  if (!platform) fail(`--binary ${spec}: unknown target; known: ${PLATFORMS.map((p) => p.target).join(", ")}`);
  if (!existsSync(file)) fail(`--binary ${spec}: ${file} does not exist`);
  binaries.set(platform.key, file);
}
const missing = PLATFORMS.filter((p) => !binaries.has(p.key));
if (missing.length && !values.partial) {
  fail(`no binary for ${missing.map((p) => p.target).join(", ")} (--partial stages without them)`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const license = path.join(repo, "LICENSE-MIT");
const staged = [];

// The platform packages: the binary, and a manifest that lets only matching machines install it.
const launcher = readJson(path.join(npmDir, "sflint", "package.json"));
for (const platform of PLATFORMS) {
  const file = binaries.get(platform.key);
  if (!file) continue;
  const dir = path.join(out, `cli-${platform.key}`);
  mkdirSync(dir);
  copyFileSync(file, path.join(dir, platform.exe));
  chmodSync(path.join(dir, platform.exe), 0o755);
  copyFileSync(license, path.join(dir, "LICENSE"));
  writeFileSync(
    path.join(dir, "README.md"),
    `# ${packageName(platform)}\n\nThe sflint binary for ${platform.target}. Install [sflint](https://www.npmjs.com/package/sflint), which depends on it; this package alone has no launcher.\n`,
  );
  writeJson(path.join(dir, "package.json"), {
    name: packageName(platform),
    version,
    description: `The sflint binary for ${platform.target}`,
    license: launcher.license,
    homepage: launcher.homepage,
    repository: { ...launcher.repository, directory: "npm" },
    os: [platform.os],
    cpu: [platform.cpu],
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    files: [platform.exe, "README.md", "LICENSE"],
    // Yarn PnP: a binary must be on disk to be executed.
    preferUnplugged: true,
  });
  staged.push(dir);

  // A binary this machine can run says which version it is: catch a wrong or stale build early.
  if (platform.os === process.platform && platform.cpu === process.arch) {
    const run = spawnSync(path.join(dir, platform.exe), ["--version"], { encoding: "utf8" });
    if (run.error && platform.libc === "musl") {
      // A musl binary on a glibc machine without musl's loader: not this script's concern.
    } else if (run.status !== 0 || !run.stdout.startsWith(`sflint ${version}`)) {
      fail(`${file} says ${JSON.stringify((run.stdout || run.stderr || String(run.error)).trim())}, not sflint ${version}`);
    }
  }
}

// The launcher: every platform package as an optional dependency of exactly this version.
const expected = PLATFORMS.map(packageName).sort();
const declared = Object.keys(launcher.optionalDependencies ?? {}).sort();
if (JSON.stringify(expected) !== JSON.stringify(declared)) {
  fail(`npm/sflint/package.json's optionalDependencies ${declared} differ from lib/platforms.js's ${expected}`);
}
const main = path.join(out, "sflint");
for (const entry of ["bin", "lib", "README.md"]) {
  cpSync(path.join(npmDir, "sflint", entry), path.join(main, entry), { recursive: true });
}
copyFileSync(license, path.join(main, "LICENSE"));
chmodSync(path.join(main, "bin", "sflint.js"), 0o755);
writeJson(path.join(main, "package.json"), {
  ...launcher,
  version,
  optionalDependencies: Object.fromEntries(PLATFORMS.map((p) => [packageName(p), version])),
});
staged.push(main);

// The sf plugin: depends on the launcher package of the same version for its binary.
const pluginSource = path.join(npmDir, "sf-plugin");
const plugin = path.join(out, "sf-plugin");
cpSync(pluginSource, plugin, {
  recursive: true,
  filter: (src) => !/[\\/](node_modules|package-lock\.json)$/.test(src),
});
copyFileSync(license, path.join(plugin, "LICENSE"));
const pluginManifest = readJson(path.join(pluginSource, "package.json"));
writeJson(path.join(plugin, "package.json"), {
  ...pluginManifest,
  version,
  dependencies: { ...pluginManifest.dependencies, sflint: version },
});
staged.push(plugin);

for (const dir of staged) console.log(`${readJson(path.join(dir, "package.json")).name}@${version}\t${dir}`);
if (missing.length) console.log(`(partial: no package for ${missing.map((p) => p.key).join(", ")})`);
