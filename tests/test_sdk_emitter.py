"""The `sdk` emitter: the generated module, run with the real SDK v2 offline, gives exactly the
JSON emitter's output; it is black-formatted, compiles, and carries strings only as literals."""
import ast
import re

import black
import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, ROOT, case_id

import dsl


def generate(text, filename="<string>"):
    code = dsl.transpile(text, to="sdk", filename=filename)
    compile(code, filename, "exec")  # what python -m py_compile checks
    assert black.format_str(code, mode=black.Mode()) == code  # what black --check checks
    return code


@pytest.mark.parametrize("case", PARITY_CASES + CONFORMANCE_CASES, ids=case_id)
def test_generated_code_reproduces_the_json(case, sdk):
    text = (case / "case.pipe").read_text()
    code = generate(text, str(case / "case.pipe"))
    assert sdk.definition(code=code, name=f"{case.name}.py", cwd=str(case)) == dsl.transpile(text, compact=True,
                                                                             filename=str(case / "case.pipe"))


HOSTILE = [
    "it's",
    'say \\"hi\\"',
    'back\\\\slash \\\\\\" \\\\n',
    "new\\nline\\r\\n and tab\\t",
    '\\"\\"\\" triple',
    "'); __import__('os').system('touch {canary}'); ('",
    '\\"); __import__(\\"os\\").system(\\"touch {canary}\\"); (\\"',
    "\\${not_interpolated} and $ alone",
    "café ✓ 日本語 \\ud83d\\ude00",
    "#!/bin/sh \\\\u0000 {{}}",
]


def hostile_pipe(canary):
    values = [h.replace("{canary}", str(canary)) for h in HOSTILE]
    steps = "\n".join(f'    step S{i}: fail {{ error_message = "{v}", display_name = "{v}", description = "{v}" }}'
                      for i, v in enumerate(values))
    lets = "\n".join(f'let s{i} = "{v}"' for i, v in enumerate(values))
    return (f'{lets}\n## doc with """ and \'\'\' and a \\ backslash\n'
            f'pipeline Hostile {{\n description = "{values[4]} {values[5]}"\n'
            f'    param P: String in ["{values[0]}", "{values[1]}"] = "{values[1]}"\n'
            f'    experiment {{ name = join("-", [s1, P]), trial = "{values[2]}-${{P}}" }}\n'
            f'{steps}\n'
            f'    step Joined: fail {{ error_message = join("{values[3]}", [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, P]) }}\n'
            f'    step Hyper: processing {{ image_uri = "{values[5]}"\n role = "arn:aws:iam::1:role/{values[6]}"\n'
            f'        instance_type = "ml.m5.large"\n instance_count = 1\n env = {{ "{values[1]}": "{values[5]}" }}\n'
            f'        arguments = ["{values[7]}", "{values[8]}"] }}\n}}\n')


def test_hostile_strings_stay_strings(sdk, tmp_path):
    canary = tmp_path / "canary"
    text = hostile_pipe(canary)
    code = generate(text)
    definition = sdk.definition(code=code)
    assert definition == dsl.transpile(text, compact=True)
    assert not canary.exists(), "a string from the .pipe file was executed"
    import json

    steps = {s["Name"]: s for s in json.loads(definition)["Steps"]}
    assert steps["S5"]["Arguments"]["ErrorMessage"] == f"'); __import__('os').system('touch {canary}'); ('"
    assert steps["S1"]["Arguments"]["ErrorMessage"] == 'say "hi"'
    assert steps["S4"]["Description"] == '""" triple'
    assert steps["S8"]["Arguments"]["ErrorMessage"] == "café ✓ 日本語 \U0001F600"
    assert steps["S7"]["Arguments"]["ErrorMessage"] == "${not_interpolated} and $ alone"
    assert steps["S3"]["Arguments"]["ErrorMessage"] == "new\nline\r\n and tab\t"


ALLOWED_CALLS = {"print", "definition", "fit", "run", "transform", "create", "register", "append",
                 "csv", "json", "sagemaker_capture_json",  # (DatasetFormat's)
                 "create_endpoint_config", "create_endpoint", "create_inference_component",  # (the session's)
                 "add_depends_on",  # (a function step's depends_on: @step takes none)
                 "get_best_auto_ml_model"}  # (AutoMLStep's, for best_model_of)


def test_generated_code_only_builds_the_pipeline(tmp_path):
    """Every statement is an SDK import, an assignment of SDK objects, or the __main__ block;
    every call is an imported SDK class or the estimator/processor methods."""
    text = hostile_pipe(tmp_path / "canary")
    for case in PARITY_CASES:
        text_of_case = (case / "case.pipe").read_text()
        tree = ast.parse(generate(text_of_case, str(case / "case.pipe")))
        # a function step's own function is the one import from outside the SDK
        user = {tuple(call.split(":")) for call in re.findall(r'call\s*=\s*"([\w.]+:\w+)"', text_of_case)}
        check_module(tree, user)
    check_module(ast.parse(generate(text)))


def _helpers():
    """The fixed helper functions and classes the emitter may add (pipedsl's code, never the
    .pipe's)."""
    from dsl.plugins.kinds._repack import REPACK_SCRIPT_HELPER
    from dsl.plugins.kinds.raw import RAW_HELPERS
    from dsl.plugins.sdk_emitter import PATCH_HELPERS, RAW_CONDITION_HELPER, SCHEDULES_HELPER

    return {ast.dump(node) for code in (PATCH_HELPERS, RAW_HELPERS, RAW_CONDITION_HELPER, SCHEDULES_HELPER,
                                        REPACK_SCRIPT_HELPER)
            for node in ast.parse(code).body}


def check_module(tree, user_functions=frozenset()):
    imported = set()
    helpers = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    for node in helpers:
        assert ast.dump(node) in _helpers(), ast.unparse(node)  # only the known helpers, unchanged
    tree = ast.Module(body=[node for node in tree.body if node not in helpers], type_ignores=[])
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and {(node.module, a.name) for a in node.names} <= set(user_functions):
            imported |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.module.startswith("sagemaker.") or (  # image(...): `image_uris.retrieve(...)`
                node.module == "sagemaker" and [a.name for a in node.names] == ["image_uris"]) or (
                node.module == "boto3" and [a.name for a in node.names] == ["Session"]) or (  # `region`
                node.module == "datetime" and [a.name for a in node.names] == ["datetime"]), node.module  # schedules
            imported |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Expr):
            assert isinstance(node.value, (ast.Constant, ast.Call)), ast.dump(node)
        elif isinstance(node, ast.If):
            assert ast.unparse(node) == "if __name__ == '__main__':\n    print(pipeline.definition())"
        else:
            assert isinstance(node, ast.Assign), ast.dump(node)
    for node in ast.walk(tree):
        assert not isinstance(node, (ast.Import, ast.Lambda, ast.FunctionDef, ast.ClassDef, ast.Subscript)
                              ) or isinstance(node, ast.Subscript), ast.dump(node)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Call):  # `step(f, ...)(args)`: the inner call is checked on its own
                assert ast.unparse(func.func) == "step", ast.unparse(node)
                continue
            name = func.id if isinstance(func, ast.Name) else func.attr
            if ast.unparse(func) == "image_uris.retrieve":
                assert "image_uris" in imported
                continue
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in (
                    "Rule", "ProfilerRule", "rule_configs"):  # Rule.sagemaker(rule_configs.vanishing_gradient())
                assert func.value.id in imported
                continue
            assert name in imported or name in ALLOWED_CALLS or name in {h.name for h in helpers}, name


NAME_CLASHES = """
let Join = "j"
let ROLE = "r1"
let role = "r2"
pipeline Names {
    param Pipeline: String = "p"
    param class: Integer = 1
    param print: String = "x"
    param step_train: String = "s"
    param Pipeline_Session: String = "ps"
    param None_: String = "n"
    step PIPELINE: fail { error_message = join("-", [Pipeline, print, step_train, Join, ROLE, role, Pipeline_Session, None_]) }
    step Join-Step: fail { error_message = "${class}" }
    step train: fail { }
    step Train: fail { }
    step None: fail { }
    step Class: fail { }
    step ParameterString: fail { depends_on = [train, Train, None, Class, ParameterString-2] }
    step ParameterString-2: fail { }
}
"""


def test_python_names_never_collide(sdk):
    code = generate(NAME_CLASHES)
    assert sdk.definition(code=code) == dsl.transpile(NAME_CLASHES, compact=True)
    tree = ast.parse(code)
    assigned = [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                if isinstance(t, ast.Name)]
    assert len(assigned) == len(set(assigned)), assigned
    assert {"pipeline_2", "class_2", "print_2", "step_train", "step_train_2", "step_pipeline",
            "step_none", "step_class", "JOIN", "ROLE", "ROLE_2", "pipeline_session_2"} <= set(assigned)


def test_keyword_and_builtin_names():
    from dsl.plugins.sdk_emitter import Namer, snake

    namer = Namer()
    assert [namer.fresh(snake(n)) for n in ["class", "None", "Join", "print", "pipeline", "x", "X"]] == \
        ["class_2", "none", "join", "print_2", "pipeline_2", "x", "x_2"]


def test_module_shape():
    text = (
        '## the pipeline\npipeline Shape {\n description = "What it does"\n'
        '  ## a doc\n  param P: Float = 1\n  step S: fail { error_message = "${P}" }\n}\n'
    )
    code = generate(text)
    assert code.startswith('"""What it does\n\nGenerated by pipedsl ' + dsl.__version__ + ' from a .pipe file.\n'
                           'Do not edit: change the .pipe file and generate this module again '
                           '(pipedsl transpile --to sdk).\n"""\n')
    named = dsl.transpile(text, to="sdk", filename="pipelines/shape.pipe")
    assert f"Generated by pipedsl {dsl.__version__} from pipelines/shape.pipe.\n" in named
    assert "# a doc\np = ParameterFloat(name=\"P\", default_value=1.0)" in code
    assert "# the pipeline\npipeline = Pipeline(" in code
    assert "PipelineSession" not in code  # no job steps, no default bucket: no session
    assert "pipeline_experiment_config" not in code
    assert code.endswith('if __name__ == "__main__":\n    print(pipeline.definition())\n')
    assert "from sagemaker.workflow.parameters import ParameterFloat\n" in code
    assert "ParameterString" not in code  # only what is used is imported


def test_experiment_forms():
    base = "pipeline E {\n %s\n step S: fail {}\n}\n"
    assert "pipeline_experiment_config=None" in generate(base % "experiment none")
    assert "pipeline_experiment_config" not in generate(base % "")
    custom = generate(base % 'experiment { name = "Exp" }')
    assert ('PipelineExperimentConfig(\n        "Exp", ExecutionVariables.PIPELINE_EXECUTION_ID\n    )') in custom


def test_a_kind_without_sdk_code_is_a_diagnostic(tmp_path, monkeypatch):
    import textwrap

    from dsl.extension.plugin_manager import build_registry

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "pdsl_test_nosdk.py").write_text(textwrap.dedent("""
        from dsl.extension.hookspecs import hookimpl
        from dsl.extension.kinds import StepKind

        class Bare(StepKind):
            name = "bare"
            type = "Fail"
            def json_arguments(self, step, ctx):
                return {}

        @hookimpl
        def pipedsl_step_kinds():
            return [Bare()]
    """))
    registry = build_registry(["pdsl_test_nosdk"])
    with pytest.raises(dsl.PipeError) as info:
        dsl.transpile("pipeline P {\n step B: bare {}\n}\n", to="sdk", registry=registry)
    (d,) = info.value.diagnostics
    assert d.code == "E0403" and (d.span.line, d.span.column) == (2, 10)


def _whole_module_black(head, body, foot):
    import black

    return black.format_str("\n".join(head + body + foot) + "\n", mode=black.Mode())


def _big_mixed_pipeline(n):
    """Steps of several kinds and shapes, names of several widths: many layouts repeat."""
    steps = []
    for i in range(n):
        if i % 3 == 0:
            steps.append(f'    step Train{i}: training {{\n        image_uri = "img:{i}"\n        role = "arn:aws:iam::123456789012:role/R"\n'
                         f'        instance_type = "ml.m5.large"\n        instance_count = {i % 4 + 1}\n        output_path = "s3://b/out/{i}"\n'
                         f'        hyperparameters = {{ epochs: {i}, lr: 0.1, name: "it\'s \\"{i}\\"" }}\n        input train = "s3://b/train"\n    }}')
        elif i % 3 == 1:
            steps.append(f'    step Prep{i}: processing {{\n        image_uri = "img"\n        role = "arn:aws:iam::123456789012:role/R"\n'
                         f'        instance_type = "ml.m5.xlarge"\n        instance_count = 1\n'
                         f'        arguments = ["--model", Train{i - 1}.ModelArtifacts.S3ModelArtifacts]\n'
                         f'        output out {{ source = "/opt/ml/processing/out", destination = "s3://b/{"x" * (i % 40)}" }}\n    }}')
        else:
            steps.append(f'    step Fail{i}: fail {{ error_message = "step {i} ${{Execution.PipelineExecutionId}} {"é" * (i % 7)}" }}')
    return 'pipeline Big {\n    default_bucket = "b"\n' + "\n".join(steps) + "\n}\n"


@pytest.mark.parametrize("source", ["cases", "big"])
def test_statement_by_statement_formatting_equals_black_on_the_whole_module(source, monkeypatch):
    """The sdk emitter formats statement by statement, reusing layouts of repeated shapes
    (plugins/sdk_format.py); the result must be what one black call on the module gives."""
    from dsl.plugins import sdk_format

    if source == "cases":
        paths = [c / "case.pipe" for c in PARITY_CASES + CONFORMANCE_CASES]
        paths += sorted((ROOT / "examples").glob("*.pipe"))
        texts = [(p.read_text(), str(p)) for p in paths]
    else:
        texts = [(_big_mixed_pipeline(150), "<string>")]
    fast = [dsl.transpile(t, to="sdk", filename=f) for t, f in texts]
    monkeypatch.setattr(sdk_format, "format_module", _whole_module_black)
    slow = [dsl.transpile(t, to="sdk", filename=f) for t, f in texts]
    assert fast == slow
    assert len(texts) >= 30 or "step Train147" in texts[0][0]
