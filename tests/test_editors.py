"""Editor support besides the language server: the Pygments lexer, the VS Code extension's
TextMate grammar (checked by vscode-tmgrammar-test) and its packaging (vsce, offline once
its packages are installed; npm caches the tools like the Mermaid check does)."""
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, ROOT, npm_tools
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error

EXTENSION = ROOT / "editors" / "vscode"
TOOLS = ["vscode-tmgrammar-test@0.1.3", "@vscode/vsce@3"]
ALL_PIPES = sorted(ROOT.glob("examples/**/*.pipe")) + [c / "case.pipe" for c in PARITY_CASES + CONFORMANCE_CASES]


def test_the_lexer_is_registered_under_its_names():
    for name in ("pipe", "pipedsl"):
        assert type(get_lexer_by_name(name)).__name__ == "PipeLexer"
    assert type(get_lexer_for_filename("churn.pipe")).__name__ == "PipeLexer"


@pytest.mark.parametrize("path", ALL_PIPES, ids=lambda p: p.parent.name if p.name == "case.pipe" else p.name)
def test_the_lexer_loses_no_text_and_makes_no_error_tokens(path):
    text = path.read_text()
    tokens = list(get_lexer_by_name("pipe").get_tokens(text))
    assert "".join(value for _, value in tokens) == text
    assert not [(t, v) for t, v in tokens if t in Error]


def test_the_lexer_tells_the_parts_apart():
    from pygments.token import Comment, Keyword, Name, String

    tokens = [(t, v) for t, v in get_lexer_by_name("pipe").get_tokens(
        '## doc\nstep Train: training { image_uri = "s3://${Execution.PipelineName}" } # c\n') if v.strip()]
    assert (String.Doc, "## doc") in tokens and (Comment.Single, "# c") in tokens
    assert (Keyword.Declaration, "step") in tokens and (Name.Class, "training") in tokens
    assert (Name.Attribute, "image_uri") in tokens and (String.Interpol, "${") in tokens


@pytest.fixture(scope="session")
def vscode_tools():
    """The folder of node_modules/.bin holding vscode-tmgrammar-test and vsce."""
    folder = npm_tools("vscode-tools-" + "-".join(t.replace("@", "").replace("/", "_") for t in TOOLS), TOOLS,
                       "node_modules/.bin/vsce")
    return folder / "node_modules" / ".bin"


def test_the_textmate_grammar_scopes_what_it_should(vscode_tools, tmp_path):
    grammar = EXTENSION / "syntaxes" / "pipe.tmLanguage.json"
    run = subprocess.run([str(vscode_tools / "vscode-tmgrammar-test"), "-g", str(grammar),
                          str(EXTENSION / "test" / "grammar.test.pipe")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    # and the checker really checks: a wrong expectation fails
    wrong = tmp_path / "wrong.test.pipe"
    wrong.write_text('# SYNTAX TEST "source.pipe"\npipeline P {}\n# <-------- comment.line.number-sign.pipe\n')
    run = subprocess.run([str(vscode_tools / "vscode-tmgrammar-test"), "-g", str(grammar), str(wrong)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0


def test_the_grammar_covers_every_keyword_of_the_language():
    from dsl.syntax.transformer import KEYWORDS

    text = (EXTENSION / "syntaxes" / "pipe.tmLanguage.json").read_text()
    assert not [k for k in KEYWORDS if k not in text]


def test_the_extension_packages_offline(vscode_tools, tmp_path):
    """`vsce package` on a copy of the extension, its one dependency installed by npm."""
    copy = tmp_path / "vscode"
    shutil.copytree(EXTENSION, copy)
    subprocess.run([shutil.which("npm"), "install", "--no-audit", "--no-fund", "--silent", "--omit=dev"], cwd=copy,
                   check=True, capture_output=True, timeout=600)
    run = subprocess.run([str(vscode_tools / "vsce"), "package", "--out", str(tmp_path / "pipedsl.vsix")],
                         cwd=copy, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, npm_config_offline="true"))
    assert run.returncode == 0, run.stdout + run.stderr
    names = zipfile.ZipFile(tmp_path / "pipedsl.vsix").namelist()
    for wanted in ("extension/package.json", "extension/extension.js", "extension/syntaxes/pipe.tmLanguage.json",
                   "extension/language-configuration.json", "extension/node_modules/vscode-languageclient/package.json"):
        assert wanted in names


# Lines that made the TextMate grammar's search quadratic (an identifier run followed by no
# `=` took 6 s at 20 KB, minutes at 100 KB, freezing the editor), and their neighbours.
LONG_LINES = ["a" * 100_000, "step " + "a" * 100_000, "a" + " " * 100_000, "1" * 100_000 + "a",
              '"' + "\\" * 100_000, "x = " + "[" * 100_000, "${" * 50_000, "a-" * 50_000, "-1" * 50_000,
              "step a: " * 12_500, "_" * 100_000 + "=="]


def test_no_pattern_of_the_grammar_backtracks_over_an_identifier_run():
    """A greedy identifier run before a lookahead must be possessive and start at a word's
    start; otherwise a search from every position of a long run re-reads the run."""
    grammar = (EXTENSION / "syntaxes" / "pipe.tmLanguage.json").read_text()
    patterns = []

    def collect(node):
        if isinstance(node, dict):
            patterns.extend(node[k] for k in ("match", "begin", "end") if isinstance(node.get(k), str))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads(grammar))
    for pattern in patterns:
        if "(?=" in pattern and "[A-Za-z0-9_-]*" in pattern:
            assert "[A-Za-z0-9_-]*+" in pattern and pattern.startswith("(?<!"), pattern


def test_a_100_kb_line_highlights_in_linear_time_in_vscode_textmate(vscode_tools):
    """Each line through vscode-textmate, the engine VS Code runs; the old grammar needed
    minutes for the first line alone (the timeout is a hang guard, not a benchmark)."""
    run = subprocess.run(["node", str(Path(__file__).parent / "textmate_line.js"),
                          str(EXTENSION / "syntaxes" / "pipe.tmLanguage.json")], input="\n".join(LONG_LINES),
                         capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, NODE_PATH=str(vscode_tools.parent)))
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == len(LONG_LINES) and not any(r["stoppedEarly"] for r in results)
    assert results[9]["tokens"] > 10_000  # `step a:` is highlighted all along the line
