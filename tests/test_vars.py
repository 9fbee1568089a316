"""Issue 11, first part: `var`s, their values from --var / --vars / PIPEDSL_VAR_* / defaults
(strongest first), errors that say where a value came from, and the pipeline's `name`."""
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dsl
from dsl.semantics.variables import Given, VarsError, merged

PIPE = '''## The stage to build for
var Stage: String = "dev"
var Count: Integer
var Flags: Map = { fast: true }
pipeline Churn {
    name           = "churn-${Stage}"
    default_bucket = "b"
    var Sizes: List = [1, 2]

    step S: fail {
        error_message = "n=${Count} ${Stage}"
        description   = join(",", ["a", Stage])
    }
}
'''


def run(tmp_path, *args, env=None):
    (tmp_path / "p.pipe").write_text(PIPE)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIPEDSL_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "dsl", "transpile", "p.pipe", "--compact", *args], cwd=tmp_path,
                          capture_output=True, text=True, env=environment, timeout=60)


def message(out):
    return json.loads(out)["Steps"][0]["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]


def test_values_come_from_var_files_environment_and_defaults_strongest_first(tmp_path):
    (tmp_path / "prod.toml").write_text('Stage = "prod"\nCount = 5\n')
    (tmp_path / "late.json").write_text('{"Count": 6}')
    assert message(run(tmp_path, "--vars", "prod.toml").stdout) == ["n=", 5, " prod"]
    assert message(run(tmp_path, "--vars", "prod.toml", "--vars", "late.json").stdout) == ["n=", 6, " prod"]
    assert message(run(tmp_path, "--vars", "prod.toml", "--var", "Count=9").stdout) == ["n=", 9, " prod"]
    assert message(run(tmp_path, env={"PIPEDSL_VAR_Count": "7"}).stdout) == ["n=", 7, " dev"]
    assert message(run(tmp_path, "--vars", "prod.toml", env={"PIPEDSL_VAR_Count": "7"}).stdout) == ["n=", 5, " prod"]


def test_the_pipeline_name_attribute_is_used_everywhere(tmp_path):
    out = dsl.transpile(PIPE, vars={"Count": 1, "Stage": "prod"}, to="sdk")
    assert 'name="churn-prod"' in out
    assert dsl.transpile(PIPE, vars={"Count": 1}, to="docs").startswith("# churn\\-dev")


def test_wrong_missing_and_unknown_values_say_where_they_came_from(tmp_path):
    missing = run(tmp_path)
    assert missing.returncode == 1 and "error[E0160]: var `Count` needs a value" in missing.stderr
    assert " --> p.pipe:3:5" in missing.stderr
    wrong = run(tmp_path, "--var", "Count=many")
    assert "var `Count` is Integer, and 'many' from --var Count=many is not one" in wrong.stderr
    (tmp_path / "bad.toml").write_text('Count = "x"\n')
    assert "from bad.toml is not one" in run(tmp_path, "--vars", "bad.toml").stderr
    unknown = run(tmp_path, "--var", "Stag=x")
    assert unknown.returncode == 2
    assert unknown.stderr == "pipedsl: error: no var 'Stag' is declared (given by --var Stag=x); did you mean `Stage`?\n"
    (tmp_path / "broken.toml").write_text("Count = ")
    broken = run(tmp_path, "--vars", "broken.toml")
    assert broken.returncode == 2 and "broken.toml is not valid TOML" in broken.stderr


@pytest.mark.parametrize("kind,text,value", [("Integer", "3", 3), ("Float", "0.5", 0.5), ("Boolean", "true", True),
                                             ("List", '[1, "a"]', [1, "a"]), ("Map", '{"k": 1}', {"k": 1}),
                                             ("String", "x y", "x y")])
def test_every_type_reads_its_command_line_form(kind, text, value):
    pipe = f'var V: {kind}\npipeline P {{\n step S: fail {{ description = join("", [V]) }}\n}}\n'
    out = json.loads(dsl.transpile(pipe, vars={"V": Given(text, "--var", text=True)}))
    assert out["Steps"][0]["Description"]["Std:Join"]["Values"] == [value]


def test_declared_names_defaults_fmt_docs_and_unused():
    _, problems = dsl.analyse('var A: Integer = "x"\nvar B: Strin\nvar C: String = "c"\npipeline P {\n let C = 1\n}\n')
    assert [(d.code, d.span.line) for d in problems if d.is_error] == [("E0152", 1), ("E0151", 2), ("E0101", 5)]
    assert dsl.format(PIPE) == PIPE
    docs = dsl.transpile(PIPE, vars={"Count": Given(4, "ci.toml")}, to="docs")
    assert "| `Count` | Integer | `4` | ci\\.toml |  |" in docs and '| `Stage` | String | `"dev"` | the default |' in docs
    _, problems = dsl.analyse('var Unused: String = "u"\npipeline P {}\n')
    assert [(d.code, d.severity) for d in problems] == [("W0001", "warning")]


FUZZ_PIPE = ("var S: String = \"s\"\nvar I: Integer = 1\nvar F: Float = 1.0\nvar B: Boolean = true\n"
             "var L: List = []\nvar M: Map = {}\n"
             "pipeline P {\n step X: fail { error_message = join(\",\", [S, I, F, B, L, M]) }\n}\n")
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from("SIFBLM"), text=st.text(max_size=20))
def test_fuzz_command_line_values_end_in_a_value_or_E0161(name, text):
    try:
        out = dsl.transpile(FUZZ_PIPE, vars={name: Given(text, f"--var {name}", text=True)})
    except dsl.PipeError as exc:
        assert {d.code for d in exc.diagnostics} == {"E0161"}
    else:
        json.loads(out)  # strict JSON: no NaN or Infinity slipped through


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.dictionaries(st.sampled_from("SIFBLM"), json_values, max_size=6).map(json.dumps),
                      st.text(max_size=40)),
       toml=st.booleans())
def test_fuzz_vars_files_are_read_or_refused_with_one_line(tmp_path, data, toml):
    path = tmp_path / ("v.toml" if toml else "v.json")
    path.write_text(data, encoding="utf-8")
    try:
        given = merged(files=[str(path)], environ={})
    except VarsError as exc:
        assert "\n" not in str(exc).strip()
        return
    try:
        json.loads(dsl.transpile(FUZZ_PIPE, vars={k: v for k, v in given.items() if k in "SIFBLM"}),
                   parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    except dsl.PipeError as exc:
        assert {d.code for d in exc.diagnostics} <= {"E0161"}


def test_api_values_misspelt_or_wrong_are_one_error_each():
    text = ('var Stage: String = "dev"\nvar N: Integer\npipeline P {\n name = "p-${Stage}"\n'
            ' step S: fail { error_message = join("", [Stage, N]) }\n}\n')
    with pytest.raises(dsl.PipeError) as caught:
        dsl.transpile(text, vars={"Stage": 3, "Stag": "x"})
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [  # in source order; E0162 has no place
        ("E0162", "no var `Stag` is declared (given by vars={...})"),
        ("E0161", "var `Stage` is String, and 3 from vars={...} is not one"),
        ("E0160", "var `N` needs a value")]
    assert caught.value.diagnostics[0].hint == "did you mean `Stage`?"
    # environment values may belong to other files: never an error
    out = dsl.transpile(text, vars={"N": 2, "Other": Given("x", "the environment (PIPEDSL_VAR_Other)", text=True)})
    assert json.loads(out)["Steps"][0]["Arguments"]["ErrorMessage"] == {"Std:Join": {"On": "", "Values": ["dev", 2]}}


def test_the_staged_example_folds_vars_into_every_pipeline_attribute():
    text = (ROOT / "examples" / "staged.pipe").read_text()
    prod = json.loads(dsl.transpile(text, vars={"Stage": "prod", "TrainCount": 4}))
    job = prod["Steps"][0]["Arguments"]
    assert (job["RoleArn"], job["ResourceConfig"]["InstanceCount"]) == ("arn:aws:iam::123456789012:role/churn-prod", 4)
    sdk = dsl.transpile(text, to="sdk", vars={"Stage": "prod"})
    assert 'PipelineSession(default_bucket="churn-prod-artifacts")' in sdk and 'name="churn-prod"' in sdk
    with pytest.raises(dsl.PipeError) as caught:
        dsl.transpile(text.replace('"churn-${Stage}-artifacts"', '"b-${Execution.PipelineExecutionId}"'))
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [
        ("E0304", "`default_bucket` must be text made of literals, lets and vars")]
