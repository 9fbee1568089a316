// Tokenizes stdin's lines with the extension's TextMate grammar in vscode-textmate (the
// engine VS Code runs), and prints how long each line took in ms, one number a line.
// Run with NODE_PATH pointing at a node_modules holding vscode-textmate and vscode-oniguruma.
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const [grammarPath] = process.argv.slice(2);
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
});
registry.loadGrammar("source.pipe").then((grammar) => {
  const lines = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
  for (const line of lines) {
    const start = process.hrtime.bigint();
    const result = grammar.tokenizeLine(line, vsctm.INITIAL);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ ms, tokens: result.tokens.length, stoppedEarly: !!result.stoppedEarly }));
  }
});
