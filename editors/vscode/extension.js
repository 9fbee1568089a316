// Starts `pipedsl lsp` (stdio) for .pipe files; everything else is the server's.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("pipedsl").get("command", ["pipedsl", "lsp"]);
  client = new LanguageClient(
    "pipedsl",
    "pipedsl",
    { run: { command, args, transport: TransportKind.stdio }, debug: { command, args, transport: TransportKind.stdio } },
    { documentSelector: [{ scheme: "file", language: "pipe" }, { scheme: "untitled", language: "pipe" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
