// @ts-check
"use strict";
// Which sflint executable the extension starts: the `sflint.path` setting, else the sflint npm
// package installed in a workspace folder (its launcher knows which platform package holds the
// binary), else `sflint` on the PATH. Kept free of the `vscode` module so that it can be tested with
// plain Node.

const fs = require("node:fs");
const path = require("node:path");

/**
 * @param {string} setting the `sflint.path` setting, possibly empty
 * @param {string[]} folders the workspace folders' paths, first first
 * @param {string} platform `process.platform`
 * @param {boolean} trusted whether the workspace is trusted: an untrusted one's node_modules is
 *   code from whoever wrote the repository, and is not run
 * @returns {{ command: string, source: string, problems: string[] }}
 */
function findBinary(setting, folders, platform = process.platform, trusted = true) {
  const problems = [];
  const configured = (setting || "").trim();
  if (configured) {
    const first = folders[0] || "";
    const command = configured.replace(/\$\{workspaceFolder\}/g, first);
    return { command, source: "the sflint.path setting", problems };
  }
  for (const folder of trusted ? folders : []) {
    const launcher = path.join(folder, "node_modules", "sflint", "lib", "binary.js");
    if (!fs.existsSync(launcher)) continue;
    try {
      // The package's own resolution: SFLINT_BINARY, then the platform package beside it.
      const exe = require(launcher).binaryPath();
      return { command: exe, source: `the sflint npm package in ${folder}`, problems };
    } catch (error) {
      problems.push(`the sflint npm package in ${folder} has no binary for this machine: ${error && error.message}`);
    }
  }
  return { command: platform === "win32" ? "sflint.exe" : "sflint", source: "the PATH", problems };
}

module.exports = { findBinary };
