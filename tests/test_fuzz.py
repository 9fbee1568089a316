"""No input, however broken, ends in anything but the project's own error."""
from pathlib import Path

from conftest import PARITY_CASES, ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dsl

# (seeds that read other files — modules, local code — are left out: mutated, they are read
# without their folder)
SEEDS = [p.read_text() for p in sorted((ROOT / "examples").glob("*.pipe"))] + [
    (case / "case.pipe").read_text() for case in PARITY_CASES
    if not any(p.is_dir() or p.suffix == ".pipe" and p.name not in ("case.pipe", "expanded.pipe")
               or p.suffix == ".py" and p.name != "sdk.py" for p in case.iterdir() if p.name != "__pycache__")]
TOKENS = ["pipeline", "step", "param", "let", "experiment", "none", "input", "output", "retry",
          "property_file", "when", "and", "or", "not", "in", "true", "false", "null", "{", "}",
          "[", "]", "(", ")", ",", ":", "=", "==", "!=", ">=", "<", ".", "\n", " ", '"', "${",
          "\\", "$", "#", "##", "P", "Train", "training", "processing", "condition", "fail",
          "join", "json_get", "Execution", "1", "-2.5e3", '"s3://b"', "String", "Integer",
          "var", "Boolean", "List", "Map", "name", "Stage", "${Stage}", "template", "for", "if", "else",
          "import", '"common.pipe"', "Train-${a}", "${a.name}", "a", "L", "[a for a in L]", "cfg.key",
          "image", '"xgboost"', "version", "region", "framework", '"pytorch"', "quality_check", "model_metrics",
          "clarify_check", "check_type", "\"model_bias\"", "data_config", "data_bias_config", "shap_config",
          "compiler_config", "repack_output_path", "submit_py_files", "configuration", "distribution", "torch_distributed", "rules", "\"VanishingGradient\"", "rule_parameters",
          "code", '"code/x.py"', "source_dir", "entry_point", "function", "call", '"mod:f"', "result",
          "args", "kwargs", "build_time", "schedule", "cron", "rate", "at", "start_date", '"0 2 * * ? *"',
          '"12 hours"', '"2026-12-24T08:00:00"', "enabled"]


def outcome(text: str):
    """Run every stage a user can reach; only PipeError may come out."""
    program, problems = dsl.analyse(text, "fuzz.pipe")
    for problem in problems:
        assert problem.span.line >= 1 and problem.span.column >= 1
    v3_problems = dsl.analyse(text, "fuzz.pipe", sdk=3)[1]  # (and as SDK v3's definition)
    for to, compact, sdk in (("json", False, None), ("json", True, None), ("sdk", False, None), ("docs", False, None),
                             ("json", True, 3), ("sdk3", False, 3)):
        if to != "json" and any(p.is_error for p in (v3_problems if sdk == 3 else problems)):
            continue  # the other emitters only run on valid files; json checks the errors
        try:
            dsl.transpile(text, to=to, compact=compact, sdk=sdk)
        except dsl.PipeError as error:
            assert error.diagnostics
            assert not [d for d in error.diagnostics if d.code == "E0402"], error.render()  # an emitter crashed
            error.render()


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_random_token_soup(text):
    outcome(text)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 12),
                                                  st.text(max_size=6)), min_size=1, max_size=4))
def test_mutated_valid_files(seed, edits):
    text = seed
    for position, length, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    outcome(text)


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    outcome(text)


def test_seeds_are_valid():
    for seed in SEEDS:
        dsl.transpile(seed)
    assert len(SEEDS) >= 10
    assert Path(ROOT / "examples" / "churn.pipe").exists()


# --- issue 16: encodings, nesting depth and plugin return values ---------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.sampled_from(ENCODINGS), st.sampled_from(["\n", "\r\n", "\r"]),
       st.binary(max_size=8), st.integers(0, 10_000))
def test_files_in_any_encoding_and_line_ending(seed, encoding, newline, noise, position):
    from dsl.syntax.source import SourceError, decode

    data = seed.replace("\n", newline).encode(encoding, "replace")
    position %= len(data) + 1
    data = data[:position] + noise + data[position:]
    try:
        text = decode(data, "fuzz.pipe")
    except SourceError as error:
        assert "fuzz.pipe" in str(error)
        return
    outcome(text)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(['join("", [', "[", "{a: ", "not ", "(", "X == 1 or ("]), min_size=1, max_size=150))
def test_any_nesting_depth(openers):
    closers = {'join("", [': "])", "[": "]", "{a: ": "}", "not ": "", "(": ")", "X == 1 or (": ")"}
    inner = "".join(openers) + '"x"' + "".join(closers[o] for o in reversed(openers))
    outcome('pipeline P {\n param X: Integer = 1\n let v = ' + inner + '\n'
            ' step S: condition { when ' + inner + ' }\n step F: fail { error_message = ' + inner + ' }\n}\n')


RETURNS = st.one_of(st.none(), st.binary(max_size=4), st.integers(), st.text(max_size=4),
                    st.lists(st.integers(), max_size=2), st.just(NotImplemented))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(emitted=RETURNS, hooked=st.one_of(RETURNS, st.just("emitter")),
       raised=st.sampled_from([None, ValueError, KeyError, SystemExit, RecursionError, AttributeError]))
def test_plugins_returning_anything(emitted, hooked, raised):
    import types

    from dsl.extension.emitters import Emitter
    from dsl.extension.hookspecs import hookimpl
    from dsl.extension.kinds import StepKind
    from dsl.extension.plugin_manager import build_registry

    def emit(program, options):
        if raised is not None:
            raise raised("boom")
        return emitted

    class Odd(StepKind):
        name, type = "odd", "Fail"

        def check(self, step, ctx):
            if raised is not None:
                raise raised("boom")
            return emitted if isinstance(emitted, list) else ()

        def json_arguments(self, step, ctx):
            return emitted

    module = types.ModuleType("pdsl_fuzz_plugin")
    module.pipedsl_emitters = hookimpl(lambda: [Emitter("fz", "fuzz", emit)] if hooked == "emitter" else hooked)
    module.pipedsl_step_kinds = hookimpl(lambda: [Odd()])
    import sys

    sys.modules["pdsl_fuzz_plugin"] = module
    try:
        registry = build_registry(["pdsl_fuzz_plugin"])
    finally:
        del sys.modules["pdsl_fuzz_plugin"]
    for text, to in (("pipeline P {\n step S: odd {}\n}\n", "json"), ("pipeline P {\n step S: fail {}\n}\n", "fz")):
        try:
            out = dsl.transpile(text, to=to, registry=registry)
            assert isinstance(out, str)
        except dsl.PipeError as error:
            assert error.diagnostics and error.render()
    assert dsl.transpile("pipeline P {\n step S: fail {}\n}\n", registry=registry).startswith("{")


# --- issue 25: the new input surfaces -------------------------------------------------------

JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                        st.text(alphabet=st.characters(), max_size=12))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=30)
VARS_PIPE = ('var S: String = "s"\nvar I: Integer = 1\nvar F: Float = 1.0\nvar B: Boolean = false\n'
             'var L: List = []\nvar M: Map = {}\npipeline P {\n'
             '    step X: fail { error_message = join(",", [S, "${I}", "${F}", "${B}"]) }\n'
             '    step Y: fail { error_message = join(",", L) }\n}\n')


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.dictionaries(st.sampled_from("SIFBLMX"), JSON_VALUES, max_size=4).map(
    lambda d: __import__("json").dumps(d).encode())), st.sampled_from([".json", ".toml"]),
    st.integers(0, 200))
def test_any_vars_file_is_values_or_a_vars_error(tmp_path_factory, data, suffix, depth):
    from dsl.semantics.variables import VarsError, from_file

    path = tmp_path_factory.mktemp("vars") / f"v{suffix}"
    path.write_bytes(data if depth < 100 else b'{"L": ' + b"[" * depth * 20 + b"]" * depth * 20 + b"}")
    try:
        given = from_file(str(path))
    except VarsError:
        return
    try:
        dsl.transpile(VARS_PIPE, vars=given)
    except dsl.PipeError as error:  # a value of the wrong type or shape: located, never a traceback
        assert error.diagnostics


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), JSON_VALUES.map(lambda v: __import__("json").dumps(v)),
                 st.integers(1, 3000).map(lambda n: "[" * n + "]" * n)))
def test_any_deployed_definition_is_read_or_a_one_line_problem(text):
    from dsl.aws.commands import AwsProblem, definition_diff, deployed_json

    mine = dsl.transpile('pipeline P {\n    step S: fail { error_message = "x" }\n}\n', compact=True)
    for call in (lambda: deployed_json(text), lambda: definition_diff(text, mine, "deployed", "file")):
        try:
            call()
        except AwsProblem as problem:
            assert "\n" not in str(problem)


LSP_SEEDS = SEEDS[:8] + ['import "x.pipe"\npipeline P {\n    step S: ', "pipeline P {\n    for a in [1] {\n        step ${"]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LSP_SEEDS), st.integers(0, 5000), st.text(max_size=12), st.integers(0, 60), st.integers(0, 120))
def test_the_language_servers_requests_answer_any_text_at_any_position(seed, at, inserted, line, character):
    """What an editor sends: any text (half-typed), any position, even past the end."""
    from lsprotocol import types as lsp

    from dsl.tools import lsp as server

    text = seed[:at] + inserted + seed[at:]
    uri = "file:///fuzz/p.pipe"
    document = server.refresh(uri, text)
    server.lsp_diagnostics(document)
    ident = lsp.TextDocumentIdentifier(uri=uri)
    position = lsp.Position(line=line, character=character)
    server.completion(None, lsp.CompletionParams(text_document=ident, position=position))
    server.hover(None, lsp.HoverParams(text_document=ident, position=position))
    server.definition(None, lsp.DefinitionParams(text_document=ident, position=position))
    server.references(None, lsp.ReferenceParams(text_document=ident, position=position,
                                                context=lsp.ReferenceContext(include_declaration=True)))
    server.document_symbols(None, lsp.DocumentSymbolParams(text_document=ident))
    server.DOCUMENTS.pop(uri, None)
