"""Issue 9, `pipedsl import`: definition JSON to a `.pipe` that transpiles back to the same
bytes; bad input located; no traceback on any input."""
import json

import pytest
from conftest import CONFORMANCE_CASES, PARITY_CASES, ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import pipedsl

import dsl
from dsl.tools.importer import ImportError_, import_definition

DEFINITIONS = ([(c.name, (c / "expected.json").read_text()) for c in CONFORMANCE_CASES] +
               [(c.name, dsl.transpile((c / "case.pipe").read_text(), filename=str(c / "case.pipe")))
                for c in PARITY_CASES])
# cases whose steps a definition names only by file name (a notebook): read natively beside
# their files, and kept exactly as `raw` steps without them
NEEDS_ITS_FILES = {"notebook-job"}


@pytest.mark.parametrize("name,text", DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_every_definition_round_trips_to_the_same_bytes_and_is_fmt_clean(name, text):
    pipe = import_definition(text)
    assert dsl.transpile(pipe, compact=True) == json.dumps(json.loads(text))  # the SDK's own string
    assert dsl.format(pipe) == pipe
    compact = import_definition(json.dumps(json.loads(text)))  # compact input too
    assert compact == pipe
    if name in NEEDS_ITS_FILES:
        folder = ROOT / "tests" / "parity" / name
        pipe = import_definition(text, folder=str(folder))
        assert json.loads(dsl.transpile(pipe, filename=str(folder / "imported.pipe"))) == json.loads(text)
        assert dsl.format(pipe) == pipe
    if name not in ("arguments-patch", "raw-step"):  # those two are about the escape hatches
        assert ": raw {" not in pipe and "arguments_patch" not in pipe


def test_idiomatic_where_the_kinds_allow():
    text = dsl.transpile(open("examples/churn.pipe").read())
    pipe = import_definition(text, name="Churn")
    assert ": raw {" not in pipe
    for line in ('let role = "arn:aws:iam::123456789012:role/SageMakerRole"', "role           = role",
                 'default_bucket = "my-bucket"', "param InstanceCount: Integer = 1", "step Train: training {",
                 'error_message = "accuracy below ${Threshold}"',
                 "input training = InputDataSource", 'cache = "P30D"',
                 'property_file EvaluationReport { output_name = "evaluation", path = "evaluation.json" }',
                 'when json_get(Evaluate.EvaluationReport, "metrics.accuracy.value") >= Threshold',
                 "else_steps = [TooLow]"):
        assert line in pipe, line
    assert "VolumeSizeInGB" not in pipe and "86400" not in pipe  # SDK defaults left out


def _training_definition(**arguments_extra):
    pipe = ('pipeline P {\n default_bucket = "b"\n step T: training { image_uri = "i"\n'
            ' role = "arn:aws:iam::123456789012:role/R"\n instance_type = "ml.m5.large"\n instance_count = 1 }\n}\n')
    data = json.loads(dsl.transpile(pipe))
    data["Steps"][0]["Arguments"].update(arguments_extra)
    return data


def test_fields_no_kind_models_round_trip_through_arguments_patch():
    data = _training_definition(ProfilerRuleConfigurations=[{"RuleConfigurationName": "r", "RuleEvaluatorImage": "img"}])
    data["Steps"][0]["Arguments"]["AlgorithmSpecification"]["EnableSageMakerMetricsTimeSeries"] = True
    text = json.dumps(data, indent=2)
    pipe = import_definition(text)
    assert "arguments_patch" in pipe and ": raw {" not in pipe
    assert dsl.transpile(pipe, compact=True) == json.dumps(data)


def test_an_unknown_step_type_and_an_older_key_order_round_trip_through_raw():
    data = _training_definition()
    data["Steps"].append({"Name": "Future", "Type": "SomethingNew", "Arguments": {"A": 1}, "Extra": [True]})
    arguments = data["Steps"][0]["Arguments"]
    data["Steps"][0]["Arguments"] = dict(reversed(list(arguments.items())))  # another SDK's key order
    pipe = import_definition(json.dumps(data))
    assert pipe.count(": raw {") == 2 and 'type      = "SomethingNew"' in pipe
    assert dsl.transpile(pipe, compact=True) == json.dumps(data)


@pytest.mark.parametrize("text,code,line,column", [
    ('{"Version": "2020-12-01",\n "Steps": [}', "E0601", 2, 12),
    ('[1, 2]', "E0602", 1, 1),
    ('{"Version": "2019-01-01", "Steps": []}', "E0603", 1, 2),
    ('{"Version": "2020-12-01", "Steps": [\n {"Name": "A", "Type": "Fail", "Arguments": {}},\n'
     ' {"Name": "A", "Type": "Fail", "Arguments": {}}]}', "E0604", 3, 3),
    ('{"Version": "2020-12-01", "Steps": [\n {"Name": "A", "Type": "Fail", "Arguments": {}, "DependsOn": ["B"]}]}',
     "E0605", 2, 63),
    ('{"Version": "2020-12-01", "Steps": [\n {"Name": "a b", "Type": "Fail", "Arguments": {}}]}', "E0606", 2, 11),
    ('{"Version": "2020-12-01", "Version": "x", "Steps": []}', "E0601", 1, 27),
])
def test_bad_input_is_a_located_error(text, code, line, column):
    with pytest.raises(ImportError_) as info:
        import_definition(text)
    d = info.value.diagnostics[0]
    assert (d.code, d.span.line, d.span.column) == (code, line, column)


def test_the_cli_writes_nothing_on_bad_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version": "2019-01-01", "Steps": []}')
    out = tmp_path / "out.pipe"
    run = pipedsl("import", bad, "-o", out)
    assert run.returncode == 1 and "error[E0603]" in run.stderr and not out.exists()
    good = tmp_path / "churn.json"
    good.write_text(dsl.transpile(open("examples/churn.pipe").read()))
    run = pipedsl("import", good, "-o", out)
    # the name the SDK's default paths were built with (needed to give them back), else the stem
    assert run.returncode == 0 and "\npipeline ChurnPipeline {\n" in out.read_text()
    plain = tmp_path / "my-pipeline.json"
    plain.write_text(dsl.transpile(open("examples/experiment-none.pipe").read()))
    assert pipedsl("import", plain).stdout.startswith("pipeline my-pipeline {")
    assert pipedsl("import", "-", stdin=plain.read_text()).stdout.startswith("pipeline Imported {")
    named = pipedsl("import", "-", "--name", "Churn", stdin=good.read_text()).stdout
    assert "\npipeline Churn {\n" in named


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=12)


# definitions as the SDK writes them (pipedsl always writes `Metadata` and the experiment config)
ENVELOPE = {"Version": "2020-12-01", "Metadata": {}, "Parameters": [],
            "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"},
                                         "TrialName": {"Get": "Execution.PipelineExecutionId"}}}


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(JSON, st.builds(lambda steps: dict(ENVELOPE, Steps=steps),
                                 st.lists(st.builds(lambda n, t, a: {"Name": n, "Type": t, "Arguments": a},
                                                    st.one_of(st.text(min_size=1, max_size=5),
                                                              st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,4}", fullmatch=True)),
                                                    st.sampled_from(["Fail", "Training", "X", "Condition", "Processing",
                                                                     "Tuning", "RegisterModel", "QualityCheck",
                                                                     "ClarifyCheck", "EMR"]),
                                                    st.dictionaries(st.text(max_size=6), JSON, max_size=4)),
                                          max_size=3))))
def test_any_json_imports_or_is_refused_cleanly(data):
    _imports_or_is_refused_cleanly(json.dumps(data))


def _imports_or_is_refused_cleanly(text: str) -> None:
    """A definition gives back a .pipe file that transpiles to the same bytes, or located errors."""
    try:
        pipe = import_definition(text)
    except ImportError_ as problem:
        assert problem.diagnostics and problem.render()
        return
    assert dsl.transpile(pipe, compact=True) == text


def _definitions():
    out = []
    for case in PARITY_CASES:
        try:
            out.append(dsl.transpile((case / "case.pipe").read_text(), filename=str(case / "case.pipe"),
                                     compact=True))
        except dsl.PipeError:
            pass
    # the SDK v3 cases' definitions too: their readers are the kinds' v3 layouts
    out += [json.dumps(json.loads(p.read_text())) for p in sorted((ROOT / "tests" / "parity-v3").glob("*/expected.json"))]
    return out


DEFINITIONS = [d for d in _definitions() if json.loads(d)["Steps"]]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_real_definition_changed_in_one_place_imports_or_is_refused_cleanly(data):
    """The SDK's own shapes (every parity case: checks, rules, repack jobs, …) with one value
    removed or replaced: the readers of each step type must cope."""
    definition = json.loads(data.draw(st.sampled_from(DEFINITIONS)))
    paths = [p for p in _paths(definition["Steps"]) if p]
    path = data.draw(st.sampled_from(paths))
    parent = definition["Steps"]
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSON)
    _imports_or_is_refused_cleanly(json.dumps(definition))


def test_a_check_step_whose_app_specification_is_not_an_object_is_refused_cleanly():
    """Found by the deep fuzz pass (PIPEDSL_FUZZ_SCALE=4): `AppSpecification: true`."""
    definition = json.loads(dsl.transpile((ROOT / "tests" / "parity" / "quality-check" / "case.pipe").read_text(),
                                          filename=str(ROOT / "tests" / "parity" / "quality-check" / "case.pipe")))
    definition["Steps"][0]["Arguments"]["AppSpecification"] = False
    _imports_or_is_refused_cleanly(json.dumps(definition))


def test_no_json_step_type_is_named_in_the_core():
    """Import dispatches through the kinds (`StepKind.type`, `read_step`, `json_branches`):
    the core names no step type."""
    import re

    from conftest import ROOT

    from dsl.extension.plugin_manager import default_registry

    types = {kind.type for kind in default_registry().kinds.values()} - {"Raw"}
    found = []
    for path in sorted((ROOT / "dsl").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if 'c["Condition"]' in line or '{"Type", "Condition"}' in line:
                continue  # the `Condition` key of a `Not` condition (a condition, not a step type)
            # (a string followed by `:` is a key: `"Condition":` of a `Not` condition's JSON)
            found += [(path.name, number, t) for t in types if re.search(rf"[\"']{t}[\"'](?!\s*:)", line)]
    assert found == []


def test_a_third_party_kind_imports_back_through_its_own_declarations(tmp_path):
    """A plugin kind with fields at declared JSON places: `import` reads its steps back with
    the default `read_step` (nothing in the core knows the kind), and the file transpiles to
    the same definition."""
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "pdsl_import_kind.py").write_text(
        "from dsl.extension.hookspecs import hookimpl\n"
        "from dsl.extension.kinds import Field, StepKind\n\n"
        "class Notify(StepKind):\n"
        "    name = 'notify'\n"
        "    type = 'Notify'\n"
        "    retry = cache = False\n"
        "    fields = {'topic': Field('string', required=True, json='Target.Topic'),\n"
        "              'level': Field('string', json='Level', default='info')}\n\n"
        "    def json_arguments(self, step, ctx):\n"
        "        return {'Target': {'Topic': ctx.attr(step, 'topic')}, 'Level': ctx.attr(step, 'level', 'info')}\n\n"
        "@hookimpl\n"
        "def pipedsl_step_kinds():\n"
        "    return [Notify()]\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PIPEDSL_PLUGINS="pdsl_import_kind")
    (tmp_path / "src.pipe").write_text('pipeline P {\n    step Tell: notify { topic = "ops", level = "warn" }\n}\n')
    made = subprocess.run([sys.executable, "-m", "dsl", "transpile", str(tmp_path / "src.pipe"), "-o",
                           str(tmp_path / "d.json")], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    definition = json.loads((tmp_path / "d.json").read_text())
    assert definition["Steps"] == [{"Name": "Tell", "Type": "Notify",
                                    "Arguments": {"Target": {"Topic": "ops"}, "Level": "warn"}}]
    run = subprocess.run([sys.executable, "-m", "dsl", "import", str(tmp_path / "d.json"), "--name", "P"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert 'step Tell: notify {\n        topic = "ops"\n        level = "warn"\n    }' in run.stdout, run.stdout
    (tmp_path / "p.pipe").write_text(run.stdout)
    back = subprocess.run([sys.executable, "-m", "dsl", "transpile", "--compact", str(tmp_path / "p.pipe")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert json.loads(back.stdout)["Steps"] == definition["Steps"], back.stderr


def test_a_hand_written_definition_without_the_sdk_s_top_level_keys_imports():
    """#22.5: `Metadata`, `Parameters` and `PipelineExperimentConfig` left out (and the top
    level in another order) import; the file gives back the SDK's form of the same pipeline."""
    import json

    given = {"Steps": [{"Name": "F", "Type": "Fail", "Arguments": {"ErrorMessage": "x"}}], "Version": "2020-12-01"}
    text = dsl.import_definition(json.dumps(given), name="P")
    assert "experiment none" in text
    assert json.loads(dsl.transpile(text)) == {"Version": "2020-12-01", "Metadata": {}, "Parameters": [],
                                               "PipelineExperimentConfig": None, "Steps": given["Steps"]}


def test_a_top_level_value_no_file_gives_back_is_named():
    import json

    given = {"Version": "2020-12-01", "Metadata": {"Owner": "x"}, "Parameters": [],
             "PipelineExperimentConfig": None, "Steps": [{"Name": "F", "Type": "Fail", "Arguments": {}}]}
    with pytest.raises(ImportError_) as raised:
        dsl.import_definition(json.dumps(given), name="P")
    (problem,) = raised.value.diagnostics
    assert problem.code == "E0608" and "`Metadata`" in problem.message and "report" not in problem.message


# --- local code comes back as local code (issue 21) -------------------------------------

def _modelbuild(tmp_path):
    """The SageMaker Projects seed pipeline copied to tmp_path, and its definition."""
    import shutil

    shutil.copytree(ROOT / "examples" / "modelbuild", tmp_path / "project")
    pipe = tmp_path / "project" / "pipeline.pipe"
    return tmp_path / "project", dsl.transpile(pipe.read_text(), filename=str(pipe))


def test_a_script_uploaded_from_the_project_imports_as_that_local_file(tmp_path):
    project, text = _modelbuild(tmp_path)
    run = pipedsl("import", "-", "-o", project / "imported.pipe", stdin=text)
    assert run.returncode == 0, run.stderr
    pipe = (project / "imported.pipe").read_text()
    assert 'code           = "code/preprocess.py"' in pipe and 'code           = "code/evaluate.py"' in pipe
    assert ": raw {" not in pipe and "arguments_patch" not in pipe and "entrypoint" not in pipe
    assert dsl.transpile(pipe, filename=str(project / "imported.pipe")) == text


def test_without_the_file_or_with_other_bytes_the_script_stays_its_s3_uri(tmp_path):
    project, text = _modelbuild(tmp_path)
    assert 'code           = "s3://sagemaker-abalone-artifacts/AbalonePipeline/code/' in import_definition(text)
    (project / "code" / "evaluate.py").write_text("print('changed')\n")
    pipe = import_definition(text, folder=str(project))
    assert 'code           = "code/preprocess.py"' in pipe
    assert 'code           = "s3://sagemaker-abalone-artifacts/AbalonePipeline/code/' in pipe  # evaluate's
    assert dsl.transpile(pipe, compact=True, filename=str(project / "x.pipe")) == json.dumps(json.loads(text))


def test_import_never_follows_a_link_to_find_a_script(tmp_path):
    """Hostile: a link named like the script, pointing at the real file elsewhere (it would
    hash the same), is not taken: the file must be the project's own."""
    project, text = _modelbuild(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (project / "code").rename(elsewhere)
    (project / "code").mkdir()
    (project / "code" / "preprocess.py").symlink_to(elsewhere / "preprocess.py")
    (project / "linked").symlink_to(elsewhere, target_is_directory=True)
    pipe = import_definition(text, folder=str(project))
    assert '"code/preprocess.py"' not in pipe and '"linked/' not in pipe
    assert 'code           = "s3://sagemaker-abalone-artifacts/AbalonePipeline/code/' in pipe


def test_a_framework_estimators_job_imports_as_the_framework_with_its_local_code(tmp_path):
    """The training jobs of framework estimators come back as `framework = ...` (not their
    image and sagemaker_* hyperparameters), their code as the project's files where the
    upload key's hash says they are those files, else as the S3 tarball."""
    import shutil

    shutil.copytree(ROOT / "tests" / "parity" / "frameworks", tmp_path / "project")
    case = tmp_path / "project" / "case.pipe"
    text = dsl.transpile(case.read_text(), filename=str(case))
    run = pipedsl("import", "-", "-o", tmp_path / "project" / "imported.pipe", stdin=text)
    assert run.returncode == 0, run.stderr
    pipe = (tmp_path / "project" / "imported.pipe").read_text()
    steps = {block.split(":")[0]: block for block in pipe.split("    step ")[1:]}
    assert 'framework         = "xgboost"' in steps["Boost"] and 'entry_point       = "boost.py"' in steps["Boost"]
    assert "source_dir" not in steps["Boost"] and "sagemaker_program" not in steps["Boost"]  # the lone script
    assert 'source_dir        = "src"' in steps["Sk"] and 'framework         = "sklearn"' in steps["Sk"]
    # PyTorch's tarball also holds `dependencies`, which a definition does not name: an entry of
    # the project's folder tried as the one dependency gives the key's hash
    assert 'framework         = "pytorch"' in steps["Torch"] and 'dependencies = ["lib"]' in steps["Torch"]
    assert 'source_dir   = "src"' in steps["Torch"]
    assert "epochs: Epochs" in steps["Torch"] and "optimizer: Optimizer" in steps["Torch"]
    assert ": raw {" not in pipe and "arguments_patch" not in pipe
    assert dsl.transpile(pipe, filename=str(tmp_path / "project" / "imported.pipe")) == text
    # without the files (another folder), the code is the S3 tarball's, and the JSON the same
    elsewhere = import_definition(text, folder=str(tmp_path))
    assert 'source_dir        = "src"' not in elsewhere and 'framework         = "sklearn"' in elsewhere
    assert dsl.transpile(elsewhere, compact=True) == json.dumps(json.loads(text))


@pytest.mark.parametrize("case", ["frameworks", "distribution", "training-compiler", "tuning-framework",
                                  "framework-entry-param", "framework-folded-text", "framework-processor"])
def test_every_framework_job_of_the_parity_cases_imports_as_its_framework(case):
    path = ROOT / "tests" / "parity" / case / "case.pipe"
    text = dsl.transpile(path.read_text(), filename=str(path))
    pipe = import_definition(text, folder=str(path.parent))
    assert "sagemaker_program" not in pipe and "sagemaker_submit_directory" not in pipe
    assert ": raw {" not in pipe and "arguments_patch" not in pipe
    assert dsl.transpile(pipe, compact=True, filename=str(path.parent / "imported.pipe")) == json.dumps(json.loads(text))


def test_a_framework_processor_imports_with_its_code_only_when_the_project_holds_it(tmp_path):
    """The definition names a FrameworkProcessor's script only inside runproc.sh (by its
    hash): with the project's files, `code`, `source_dir` and `command` come back; without
    them, nothing can name the script and the job stays as written (same JSON)."""
    path = ROOT / "tests" / "parity" / "framework-processor" / "case.pipe"
    text = dsl.transpile(path.read_text(), filename=str(path))
    here = import_definition(text, folder=str(path.parent))
    assert 'code              = "process.py"' in here and 'source_dir        = "src"' in here
    assert 'command           = ["python3"]' in here and "runproc" not in here
    elsewhere = import_definition(text, folder=str(tmp_path))
    assert "runproc.sh" in elsewhere and "framework " not in elsewhere
    assert dsl.transpile(elsewhere, compact=True) == json.dumps(json.loads(text))


def test_a_pyspark_job_imports_as_spark_unless_its_inputs_live_only_in_s3(tmp_path):
    """`framework = "spark"` comes back for jobs whose dependencies are S3 URIs; a job with
    local dependencies stays as written, and a configuration stays the input it is: the
    definition names those only by the S3 folder or hash they were uploaded to."""
    path = ROOT / "tests" / "parity" / "spark-processor" / "case.pipe"
    text = dsl.transpile(path.read_text(), filename=str(path))
    pipe = import_definition(text, folder=str(path.parent))
    steps = {block.split(":")[0]: block for block in pipe.split("    step ")[1:]}
    assert 'framework         = "spark"' in steps["Spark"] and 'code              = "src/job.py"' in steps["Spark"]
    assert 'env               = { MODE: "fast" }' in steps["SparkEnv"] and "smspark-submit" not in steps["SparkEnv"]
    assert "smspark-submit" in steps["SparkDeps"]  # local dependencies: as written
    # S3 jars and a configuration: spark, its configuration the input it is (its content is in S3)
    assert 'submit_jars       = ["s3://b/a.jar", "s3://b/b.jar"]' in steps["SparkJars"] and "input conf {" in steps["SparkJars"]
    assert dsl.transpile(pipe, filename=str(path.parent / "imported.pipe")) == text


def test_a_model_steps_repack_job_imports_as_the_models_inference_code(tmp_path):
    """A `ModelStep`'s repack job (a training job before it) is read with the model step as its
    `entry_point`, `source_dir`, `dependencies` and `repack_output_path`: the file is the one
    written by hand, and `depends_on` names the model once. The code key's hash checks the
    project's folder; without the folder, the job stays the training step it is."""
    path = ROOT / "tests" / "parity" / "model-repack" / "case.pipe"
    text = dsl.transpile(path.read_text(), filename=str(path))
    pipe = import_definition(text, folder=str(path.parent))
    assert "RepackModel" not in pipe and ": raw {" not in pipe
    assert 'source_dir               = "code"' in pipe and 'dependencies             = ["lib"]' in pipe
    assert 'name               = "served"' in pipe and "depends_on    = [Create]" in pipe
    assert dsl.transpile(pipe, filename=str(path.parent / "imported.pipe")) == text
    elsewhere = import_definition(text, folder=str(tmp_path))
    assert "step Register-RepackModel-0: training" in elsewhere
    assert dsl.transpile(elsewhere, compact=True) == json.dumps(json.loads(text))


def test_import_does_not_hash_a_big_folder_as_a_guessed_dependency(tmp_path, monkeypatch):
    """Hostile: a project folder beside the code that is too big to hash as a guess (a data
    folder) is not read at all; the job imports with its code as the S3 tarball."""
    import shutil

    from dsl.tools import importer

    shutil.copytree(ROOT / "tests" / "parity" / "frameworks", tmp_path / "project")
    path = tmp_path / "project" / "case.pipe"
    text = dsl.transpile(path.read_text(), filename=str(path))
    monkeypatch.setattr(importer, "_SMALL_BYTES", 10)  # `lib` (the real dependency) is now "big"
    read = []
    real = importer._small
    monkeypatch.setattr(importer, "_small", lambda p: read.append(p) or real(p))
    pipe = import_definition(text, folder=str(tmp_path / "project"))
    steps = {block.split(":")[0]: block for block in pipe.split("    step ")[1:]}
    assert 'source_dir  = "s3://fw-bucket/Frameworks/code/' in steps["Torch"] and "dependencies" not in steps["Torch"]
    assert any(p.endswith("lib") for p in read)  # it was looked at, and left alone
    assert dsl.transpile(pipe, filename=str(tmp_path / "project" / "x.pipe")) == text
