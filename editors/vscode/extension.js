// @ts-check
"use strict";
// Starts `sflint lsp` for the workspace and hands it the permission metadata files and sflint.toml:
// findings appear as they are typed, fixes as quick fixes, permission names get hover and completion.
// Everything else is the server's.

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");
const { findBinary } = require("./find-binary.js");

const KINDS = "profile,permissionset,permissionsetgroup,mutingpermissionset,profileSessionSetting";

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

/** @returns {Promise<void>} */
async function start() {
  const folders = (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.fsPath);
  const setting = vscode.workspace.getConfiguration("sflint").get("path", "");
  // VS Code leaves out a workspace's own sflint.path while the workspace is not trusted.
  const binary = findBinary(setting, folders, process.platform, vscode.workspace.isTrusted);
  const channel = /** @type {vscode.OutputChannel} */ (output);
  for (const problem of binary.problems) channel.appendLine(`sflint: ${problem}`);
  channel.appendLine(`sflint: starting ${binary.command} lsp (found through ${binary.source})`);
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const serverOptions = {
    command: binary.command,
    args: ["lsp"],
    transport: TransportKind.stdio,
    options: { cwd: folders[0] },
  };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      // Source format and metadata format files, the parts of decomposed permission sets, and the
      // configuration.
      { scheme: "file", pattern: `**/*.{${KINDS}}-meta.xml` },
      { scheme: "file", pattern: `**/*.{${KINDS}}` },
      { scheme: "file", pattern: "**/permissionsets/*/**/*-meta.xml" },
      { scheme: "file", pattern: "**/sflint.toml" },
    ],
    outputChannel: channel,
  };
  client = new LanguageClient("sflint", "sflint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = `sflint: cannot start ${binary.command} lsp (found through ${binary.source}): ${error && /** @type {Error} */ (error).message}. Install sflint (npm install --save-dev sflint, or cargo install sflint) or set sflint.path.`;
    channel.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, "Open settings");
    if (choice === "Open settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "sflint.path");
    }
  }
}

async function restart() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
  await start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel("sflint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("sflint.restart", restart),
    vscode.commands.registerCommand("sflint.showOutput", () => output && output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("sflint.path")) return restart();
    }),
    // Trusted now, the workspace's sflint.path and npm package may be used.
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
