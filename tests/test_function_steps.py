"""Issue 23, function steps (`function`, the SDK's `@step`): the checks (the callable read with
`ast`, never run), the SDK's own values pinned, import of what cannot be named, the serializer
only from the `functions` extra. Parity (JSON, generated code, import) is in the parity suite;
the uploads against the SDK's in test_aws.py."""
import json
import shutil

import pytest
from conftest import TESTS, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dsl
from dsl.api import analyse

HEAD = '''pipeline Fn {
    default_bucket = "b"
    region = "us-east-1"
    param N: Integer = 1
'''
STEP = '''    step S: function {
        call = "mod:f"
        instance_type = "ml.m5.large"
        role = "arn:aws:iam::123456789012:role/R"
        image_uri = "img:1"
%s
    }
'''


def pipe(tmp_path, module="def f(a, b=1, *, c=2):\n    return a\n", members="", head=HEAD, more=""):
    (tmp_path / "mod.py").write_text(module)
    path = tmp_path / "fn.pipe"
    path.write_text(head + STEP % members + more + "}\n")
    return path


def problems(path):
    _, found = analyse(path.read_text(), filename=str(path))
    return [(d.code, d.message) for d in found]


@pytest.mark.parametrize("members,code,words", [
    ('args = [1, 2, 3]', "E0319", "`f` takes 2 positional arguments, 3 given"),
    ('args = []', "E0319", "`f` needs `a`"),
    ('args = [1]\nkwargs = { a: 2 }', "E0319", "gets `a` twice"),
    ('args = [1]\nkwargs = { d: 2 }', "E0319", "takes no argument `d`"),
    ('args = [N, join("-", ["a", N])]', "E0304", "cannot be computed at run time"),
    ('args = [[N]]', "E0304", "inside a list or map argument"),
    ('args = [1]\npre_execution_commands = ["x"]\npre_execution_script = "s.sh"', "E0304", "exclusive"),
    ('args = [1]\ndependencies = "../secret.txt"', "E0304", "outside the project root"),
    ('args = [1]\ndependencies = "auto_capture"', "E0304", "auto_capture"),
    ('args = [1]\ninstance_count = 0', "E0304", "at least 1"),
])
def test_a_call_the_sdk_would_refuse_is_an_error_at_its_place(tmp_path, members, code, words):
    found = problems(pipe(tmp_path, members=members))
    assert any(c == code and words in m for c, m in found), found


def test_the_sdk_passes_only_named_parameters_to_a_function_with_kwargs(tmp_path):
    found = problems(pipe(tmp_path, module="def f(a, **options):\n    pass\n", members="args = [1]\nkwargs = { mode: 1 }"))
    assert [c for c, _ in found] == ["E0319"]
    _, diagnostics = analyse((tmp_path / "fn.pipe").read_text(), filename=str(tmp_path / "fn.pipe"))
    assert "`**options` takes none" in diagnostics[0].hint


def test_a_callable_that_is_not_there_or_not_a_function(tmp_path):
    assert problems(pipe(tmp_path, module="def g():\n    pass\n", members="args = [1]"))[0][0] == "E0318"
    assert "does not parse" in problems(pipe(tmp_path, module="def f(:\n", members="args = [1]"))[0][1]
    assert problems(pipe(tmp_path, module="async def f(a):\n    pass\n", members="args = [1]"))[0][0] == "E0319"
    # bound by an import: found, its signature not known without running it
    assert problems(pipe(tmp_path, module="from os.path import join as f\n", members="args = [1, 2, 3]")) == []
    (tmp_path / "mod.py").unlink()
    path = tmp_path / "fn.pipe"
    assert problems(path)[0][0] == "E0318"  # (the default description needs the file)
    # an installed package is not inspected: with a description it is a warning
    path.write_text(path.read_text().replace('image_uri = "img:1"', 'image_uri = "img:1"\ndescription = "d"'))
    assert [c for c, _ in problems(path)] == ["W0005"]


def test_a_module_linked_from_outside_the_project_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mod.py").write_text("def f(a):\n    pass\n")
    project = tmp_path / "project"
    project.mkdir()
    path = pipe(project, members="args = [1]")
    (project / "mod.py").unlink()
    (project / "mod.py").symlink_to(outside / "mod.py")
    assert problems(path)[0][0] == "E0318"


def test_check_never_runs_the_users_module(tmp_path):
    canary = tmp_path / "canary"
    module = f"open({str(canary)!r}, 'w').write('ran')\n\ndef f(a):\n    return a\n"
    path = pipe(tmp_path, module=module, members="args = [1]")
    dsl.transpile(path.read_text(), filename=str(path))
    dsl.transpile(path.read_text(), filename=str(path), to="sdk")
    assert not canary.exists()


def test_results_are_the_only_properties_and_must_be_indexed(tmp_path):
    more = '    step C: fail { error_message = S.ModelArtifacts }\n'
    found = problems(pipe(tmp_path, members="args = [1]", more=more))
    assert any("its `result`" in m for _, m in found), found
    more = '    step C: fail { error_message = S.result.x }\n'
    assert any("index the result" in m for _, m in problems(pipe(tmp_path, members="args = [1]", more=more)))


def test_a_pipeline_without_region_or_bucket_is_refused(tmp_path):
    found = problems(pipe(tmp_path, members="args = [1]", head="pipeline Fn {\n"))
    assert {m for _, m in found} >= {"a `function` step needs the pipeline's `region`",
                                     "a `function` step needs the pipeline's `default_bucket`"}


def test_include_local_workdir_is_one_setting_for_the_pipeline(tmp_path):
    more = STEP.replace("step S:", "step T:") % "args = [2]\ninclude_local_workdir = true"
    found = problems(pipe(tmp_path, members="args = [1]\ninclude_local_workdir = false", more=more))
    assert sum("differs between" in m for _, m in found) == 2


def test_the_default_image_is_the_sdks_base_python_image(tmp_path, sdk):
    """Without `image_uri`, the SageMaker base-python image of `python_version` (3.8 and 3.10,
    as the SDK has them): the URI is the SDK's `get_base_python_image_uri`."""
    from dsl.plugins.kinds.function import _base_python_table, base_python_image

    regions = ["us-east-1", "eu-west-1", "il-central-1", "cn-north-1", "ap-southeast-2"]
    code = ("from sagemaker.image_uris import get_base_python_image_uri as g\n"
            "from sagemaker.workflow.fail_step import FailStep\nfrom sagemaker.workflow.pipeline import Pipeline\n"
            f"pipeline = Pipeline(name='x', steps=[FailStep(name='F', error_message=' '.join("
            f"g(r, v) for r in {regions!r} for v in ('310', '38')))])\n")
    theirs = json.loads(sdk.definition(code=code))["Steps"][0]["Arguments"]["ErrorMessage"].split()
    assert theirs == [base_python_image(r, v) for r in regions for v in ("3.10", "3.8")]
    assert set(regions) <= set(_base_python_table()["registries"])
    path = pipe(tmp_path, members='args = [1]\npython_version = "3.10"')
    path.write_text(path.read_text().replace('image_uri = "img:1"\n', ""))
    definition = json.loads(dsl.transpile(path.read_text(), filename=str(path)))
    spec = definition["Steps"][0]["Arguments"]["AlgorithmSpecification"]
    assert spec["TrainingImage"] == base_python_image("us-east-1", "3.10")
    assert spec["ContainerArguments"][5] == "3.10"
    path.write_text(path.read_text().replace('python_version = "3.10"', 'python_version = "3.11"'))
    assert any("no default image for Python 3.11" in m for _, m in problems(path))


def test_the_build_folder_is_the_same_on_every_run_and_moves_with_the_code(tmp_path):
    path = pipe(tmp_path, members="args = [1]")

    def build():
        definition = json.loads(dsl.transpile(path.read_text(), filename=str(path)))
        arguments = definition["Steps"][0]["Arguments"]["AlgorithmSpecification"]["ContainerArguments"]
        return arguments[arguments.index("--func_step_s3_dir") + 1]

    first = build()
    assert len(first) == 20 and build() == first
    (tmp_path / "mod.py").write_text("def f(a, b=1, *, c=2):\n    return b\n")
    assert build() != first


def test_a_step_whose_function_cannot_be_named_imports_as_raw(tmp_path):
    from dsl.tools.importer import import_definition

    case = TESTS / "parity" / "function-condition"
    definition = json.loads(dsl.transpile((case / "case.pipe").read_text(), filename=str(case / "case.pipe")))
    definition["Steps"][0]["DisplayName"] = "Prepare the data"
    pipe_text = import_definition(json.dumps(definition))
    assert "step Prepare: raw {" in pipe_text and "step Evaluate: function {" in pipe_text
    assert "# pipedsl import: a function step (the SDK's @step) whose function cannot be named" in pipe_text
    assert dsl.transpile(pipe_text, compact=True) == json.dumps(definition)


def test_deploy_without_the_functions_extra_says_what_to_install(tmp_path, monkeypatch):
    import sys

    case = tmp_path / "case"
    shutil.copytree(TESTS / "parity" / "function-condition", case)
    program, _ = analyse((case / "case.pipe").read_text(), filename=str(case / "case.pipe"))
    upload = next(u for u in program.uploads() if u.uri.endswith("/function/payload.pkl"))
    monkeypatch.setitem(sys.modules, "sagemaker.remote_function", None)
    with pytest.raises(OSError, match=r"pip install 'pipedsl-sagemaker\[functions\]'"):
        upload.body()


SOURCES = ["def f(a, b=1, *, c=2):\n    return a\n", "def f(*args, **kw):\n    pass\n", "async def f():\n    pass\n",
           "f = 1\n", "from x import f\n", "def f(:\n", "class f:\n    pass\n", "def f(a, /, b, *, c):\n    pass\n",
           "\x00\xff", "def f(a=1, /):\n    pass\n", ""]
VALUES = ["1", "N", "Execution.PipelineName", "S.result", 'S.result["k"]', "T.result[0]", '"x"', "[1, N]",
          'join("", [N])', "{ a: 1 }", "T.result.x", "T.ModelArtifacts", "null"]


@given(source=st.sampled_from(SOURCES), args=st.lists(st.sampled_from(VALUES), max_size=4),
       kwargs=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "args"]), st.sampled_from(VALUES), max_size=3),
       workdir=st.booleans())
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_function_and_any_arguments_give_diagnostics_or_the_same_json_twice(tmp_path, source, args, kwargs,
                                                                                workdir):
    (tmp_path / "mod.py").write_bytes(source.encode("utf-8", "surrogatepass"))
    members = (f"args = [{', '.join(args)}]\n" + "kwargs = {" + ", ".join(f"{k}: {v}" for k, v in kwargs.items())
               + "}\n" + f"include_local_workdir = {'true' if workdir else 'false'}")
    more = STEP.replace("step S:", "step T:").replace('"mod:f"', '"mod:f"') % "args = [1]\ndescription = \"t\""
    path = tmp_path / "fn.pipe"
    path.write_text(HEAD + STEP % members + more + "}\n")
    try:
        first = dsl.transpile(path.read_text(), filename=str(path))
    except dsl.PipeError as problem:
        assert problem.diagnostics and not [d for d in problem.diagnostics if d.code in ("E0402", "E0405")]
        return
    assert dsl.transpile(path.read_text(), filename=str(path)) == first
    dsl.transpile(path.read_text(), filename=str(path), to="sdk")


@pytest.mark.parametrize("arguments", [
    {"AlgorithmSpecification": {"ContainerEntrypoint": [
        "/bin/bash", "/opt/ml/input/data/sagemaker_remote_function_bootstrap/job_driver.sh"]}},
    {"AlgorithmSpecification": {"ContainerEntrypoint": [
        "/bin/bash", "/opt/ml/input/data/sagemaker_remote_function_bootstrap/job_driver.sh"],
        "ContainerArguments": ["--s3_base_uri", 7, "--region"]}},
    {"AlgorithmSpecification": []},
])
def test_a_broken_function_step_imports_as_raw_without_a_traceback(arguments):
    """Hostile input: the shape of a function step, broken; import keeps it exactly, as raw."""
    from dsl.tools.importer import import_definition

    definition = {"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": None,
                  "Steps": [{"Name": "A", "Type": "Training", "Arguments": arguments,
                             "DisplayName": "mod.f", "Description": "d"}]}
    text = import_definition(json.dumps(definition))
    assert "step A: raw {" in text
    assert dsl.transpile(text, compact=True) == json.dumps(definition)
