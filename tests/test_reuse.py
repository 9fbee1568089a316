"""Section 13 of the language: templates, loops, `if`, comprehensions, `${…}` names and
modules. Each construct is compared with the same pipeline expanded by hand and with the
real SDK; each new diagnostic is checked at its exact place."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, examples

import dsl

EXAMPLE = ROOT / "examples" / "multi-stage"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dsl.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_multi_stage_example_is_the_hand_written_sdk_program(stage, sdk):
    """`pipedsl transpile pipeline.pipe --vars dev.toml` / `--vars prod.toml` give exactly what
    the SDK program an SDK user would write gives, and so does the generated SDK code."""
    expected = sdk.definition(code=f"STAGE = {stage!r}\n" + (ROOT / "tests" / "reuse" / "multi_stage_sdk.py").read_text(),
                              name="multi_stage_sdk.py")
    run = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / f"{stage}.toml", "--compact")
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip("\n") == expected
    code = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / f"{stage}.toml", "--to", "sdk")
    assert code.returncode == 0, code.stderr
    assert sdk.definition(code=code.stdout, name="generated.py") == expected
    assert json.loads(expected)["Steps"][1]["Name"] == "Train-xgboost"


def test_the_two_stages_differ_where_the_vars_say():
    dev = json.loads(cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "dev.toml").stdout)
    prod = json.loads(cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "prod.toml").stdout)
    assert dev["Steps"][1]["Arguments"]["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert prod["Steps"][1]["Arguments"]["ResourceConfig"]["InstanceType"] == "ml.m5.4xlarge"
    assert prod["Parameters"][0]["DefaultValue"] == "s3://churn-production-artifacts/raw/churn.csv"


def test_an_unknown_var_on_the_command_line_gets_a_did_you_mean():
    run = cli("transpile", EXAMPLE / "pipeline.pipe", "--vars", EXAMPLE / "dev.toml", "--var", "Stag=prod")
    assert run.returncode == 2
    assert "Stag" in run.stderr and "did you mean `Stage`?" in run.stderr


EXPANDED = sorted(p.parent for p in (ROOT / "tests" / "parity").glob("*/expanded.pipe"))


@pytest.mark.parametrize("case", EXPANDED, ids=lambda p: p.name)
def test_each_construct_gives_what_the_pipeline_expanded_by_hand_gives(case):
    """(The same cases are parity cases: tests/test_parity.py compares them with the SDK.)"""
    def json_of(name):
        return dsl.transpile((case / name).read_text(), filename=str(case / name), compact=True)

    assert json_of("case.pipe") == json_of("expanded.pipe")
    assert "template" not in (case / "expanded.pipe").read_text().split("\n", 1)[1]


# --- diagnostics, each at its exact place --------------------------------------------------

def problems_of(text, filename="<string>", vars=None):
    program, problems = dsl.analyse(text, filename, vars=vars)
    return [(d.code, d.span.file, d.span.line, d.span.column) for d in problems if d.is_error], problems


TRAIN = ('image_uri = "i"\n        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.large"\n'
         '        instance_count = 1\n        output_path = "s3://b/o"')


def test_a_problem_in_a_template_is_reported_there_with_a_note_at_each_step_using_it():
    text = ('template T: training {\n    ' + TRAIN.replace("        ", "    ") + '\n    volume = 3\n}\n'
            'pipeline P {\n    step A: T {}\n    step B: T {}\n}\n')
    found, problems = problems_of(text)
    assert found == [("E0302", None, 7, 5)]
    (problem,) = [d for d in problems if d.is_error]
    assert [(span.line, span.column, note) for span, note in problem.notes] == [
        (10, 13, "in template `T`, used by step `A` here"), (11, 13, "in template `T`, used by step `B` here")]


def test_templates_in_a_cycle_and_declared_twice():
    text = ('template A: B {}\ntemplate B: A {}\ntemplate A: fail {}\n'
            'pipeline P {\n    step S: A { error_message = "x" }\n}\n')
    found, problems = problems_of(text)
    assert ("E0101", None, 3, 10) in found
    assert [f for f in found if f[0] == "E0167"] == [("E0167", None, 2, 13)]


def test_a_template_nobody_uses_is_a_warning():
    _, problems = problems_of('template T: fail {}\npipeline P {\n    step S: fail { error_message = "x" }\n}\n')
    assert [(d.code, d.span.line, d.span.column) for d in problems] == [("W0002", 1, 10)]


def test_a_clash_after_expansion_points_at_the_loop_and_the_item():
    text = ('pipeline P {\n    for a in ["x", "y", "x"] {\n        step S-${a}: fail { error_message = a }\n'
            '    }\n}\n')
    found, problems = problems_of(text)
    assert found == [("E0101", None, 3, 14)]
    (problem,) = problems
    notes = [(span.line, span.column, note) for span, note in problem.notes]
    assert notes[:2] == [(2, 5, "in this `for a` loop"), (2, 25, "item 3 makes `S-x`")]
    assert (2, 15, "item 1 makes `S-x`") in notes


def test_an_invalid_name_after_expansion_points_at_the_item():
    found, problems = problems_of('pipeline P {\n    for a in ["ok", "not ok"] {\n'
                                  '        step S-${a}: fail { error_message = a }\n    }\n}\n')
    assert found == [("E0104", None, 3, 14)]
    assert (2, 21) in [(s.line, s.column) for s, _ in problems[0].notes]


def test_a_loop_over_what_is_not_a_transpile_time_list():
    text = ('pipeline P {\n    param L: String = "x"\n    for a in L {\n        step S-${a}: fail { error_message = a }\n'
            '    }\n    for b in 3 {}\n}\n')
    found, problems = problems_of(text)
    assert found == [("E0164", None, 3, 14), ("E0164", None, 6, 14)]
    assert "parameter" in problems[0].message


def test_if_on_a_parameter_or_step_property_suggests_a_condition_step():
    text = ('pipeline P {\n    param Mode: String = "fast"\n    if Mode == "fast" {}\n'
            '    step S: fail { error_message = "x" }\n    if S.FailureReason == "y" {}\n}\n')
    found, problems = problems_of(text)
    assert found == [("E0166", None, 3, 8), ("E0166", None, 5, 8)]
    assert all("condition" in d.hint for d in problems if d.code == "E0166")


def test_unknown_names_and_keys_in_names_and_maps():
    text = ('let cfg = { size: "ml.m5.large" }\npipeline P {\n    step S-${nope}: fail { error_message = cfg.sise }\n}\n')
    found, problems = problems_of(text)
    assert found == [("E0163", None, 3, 10), ("E0165", None, 3, 48)]
    assert problems[1].hint == "did you mean `size`?"


def test_members_a_loop_cannot_repeat():
    found, _ = problems_of('pipeline P {\n    for a in ["x"] {\n        description = "d"\n        var V: String\n'
                           '    }\n    step S: fail { error_message = "x" }\n}\n')
    assert found == [("E0168", None, 3, 9), ("E0168", None, 4, 9)]


# --- modules --------------------------------------------------------------------------------

def write(folder, **files):
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_diagnostics_in_an_imported_file_carry_its_name_and_position(tmp_path):
    write(tmp_path, **{"common.pipe": 'let role = "arn:aws:iam::123456789012:role/R"\nlet bad = nope\n',
                       "main.pipe": 'import "common.pipe"\npipeline P {\n    step S: fail { error_message = role }\n}\n'})
    main = tmp_path / "main.pipe"
    found, problems = problems_of(main.read_text(), str(main))
    assert found == [("E0203", str(tmp_path / "common.pipe"), 2, 11)]
    run = cli("check", main)
    assert run.returncode == 1
    assert f"--> {tmp_path / 'common.pipe'}:2:11" in run.stderr and "let bad = nope" in run.stderr
    as_json = json.loads(cli("check", main, "--format", "json").stdout)
    assert as_json[0]["file"] == str(tmp_path / "common.pipe") and as_json[0]["line"] == 2


def test_import_cycles_pipelines_missing_files_and_names_declared_twice(tmp_path):
    write(tmp_path, **{
        "a.pipe": 'import "b.pipe"\nlet x = 1\n',
        "b.pipe": 'import "a.pipe"\nlet y = 2\npipeline Q {}\n',
        "main.pipe": 'import "a.pipe"\nimport "missing.pipe"\nlet x = 3\npipeline P {\n'
                     '    step S: fail { error_message = "${x}${y}" }\n}\n'})
    main = tmp_path / "main.pipe"
    found, problems = problems_of(main.read_text(), str(main))
    a, b = str(tmp_path / "a.pipe"), str(tmp_path / "b.pipe")
    assert ("E0170", None, 2, 8) in found  # the missing file, at its path
    assert ("E0171", b, 1, 8) in found  # b imports a, which is being imported
    assert ("E0172", b, 3, 10) in found  # a pipeline in an imported file
    clash = [d for d in problems if d.code == "E0101"]
    assert [(d.span.file, d.span.line, d.span.column) for d in clash] == [(None, 3, 5)]
    assert [(s.file, s.line) for s, _ in clash[0].notes] == [(a, 2)]
    text = dsl.PipeError(problems, main.read_text(), str(main)).render()
    assert f"::: {a}:2:5" in text  # the note shows the other file's line


def test_imported_vars_take_values_like_the_file_own(tmp_path):
    write(tmp_path, **{"common.pipe": 'var Stage: String\n',
                       "main.pipe": 'import "common.pipe"\npipeline P {\n    name = "p-${Stage}"\n'
                                    '    step S: fail { error_message = Stage }\n}\n'})
    main = tmp_path / "main.pipe"
    found, problems = problems_of(main.read_text(), str(main))
    assert found == [("E0160", str(tmp_path / "common.pipe"), 1, 5)]
    out = json.loads(dsl.transpile(main.read_text(), filename=str(main), vars={"Stage": "prod"}))
    assert out["Steps"][0]["Arguments"]["ErrorMessage"] == "prod"


# --- fuzz: the new syntax never ends in a traceback -----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_fuzz import outcome  # noqa: E402

PIECES = st.sampled_from([
    'for a in ["x", "y"] {', 'for a in L {', 'for c in [{ n: "p" }, { n: "q" }] {', "}", "} else {",
    'if a == "x" {', "if Flag {", "if not Flag or 1 < 2 {", 'if P == "x" {', "} else if Flag {",
    'step S-${a}: fail { error_message = a }', "step T-${c.n}: Base {}", 'step U: fail { error_message = "u" }',
    "let v-${a} = a", "let L = [1, 2]", "param P: String", "template Base: fail {", 'error_message = "b"',
    "depends_on = [S-${a} for a in L]", 'var Flag: Boolean = true', "step V: Base { if Flag { x = 1 } }",
    "${", "a", "c.n", "c[\"n\"]", "[", "]", "for", "if", "else", "template", "in",
])


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=25).map("\n".join), st.booleans())
def test_fuzz_the_expansion_constructs(body, in_pipeline):
    outcome(f"pipeline P {{\n{body}\n}}\n" if in_pipeline else f"{body}\npipeline P {{}}\n")


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, max_size=12).map("\n".join))
def test_fuzz_imported_files(tmp_path, module):
    write(tmp_path, **{"m.pipe": module,
                       "main.pipe": 'import "m.pipe"\nimport "m.pipe"\npipeline P {\n    step S: Base {}\n}\n'})
    main = tmp_path / "main.pipe"
    program, problems = dsl.analyse(main.read_text(), str(main))
    for problem in problems:
        dsl.PipeError([problem], main.read_text(), str(main)).render()
