"""Framework estimators' `distribution` (spec section 14): the SDK's validation tables are the
pinned SDK's, and what the SDK refuses pipedsl refuses, at the value, before anything runs."""
from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from conftest import SdkError
from dsl.plugins.kinds import _distribution

import dsl


def _sdk_constants(module: str, names):
    """Constants of an SDK module, read from its source (the SDK is not imported here)."""
    origin = Path(importlib.util.find_spec("sagemaker").origin).parent / module
    tree = ast.parse(origin.read_text())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found[target.id] = ast.literal_eval(node.value)
    return found


def test_the_distribution_tables_are_the_pinned_sdks():
    names = ("SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS", "SMDISTRIBUTED_SUPPORTED_STRATEGIES",
             "TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS",
             "TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS", "TRAINIUM_SUPPORTED_DISTRIBUTION_STRATEGIES")
    found = _sdk_constants("fw_utils.py", names)
    assert found == {name: getattr(_distribution, name) for name in names}
    assert _sdk_constants("estimator.py", ("UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM",)) == {
        "UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM": _distribution.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM}


CLASSES = {"pytorch": ("PyTorch", "sagemaker.pytorch"), "tensorflow": ("TensorFlow", "sagemaker.tensorflow"),
           "xgboost": ("XGBoost", "sagemaker.xgboost")}


def _both(framework, version, instance_type, distribution_pipe, distribution_py, py_version="py310",
          compiler=None):
    """The same training step as a .pipe file and as an SDK program; `distribution_pipe` None
    leaves `distribution` out, `compiler` (the .pipe map) adds a default TrainingCompilerConfig."""
    extra = '        model_dir = "s3://b/m"\n' if framework == "tensorflow" else ""
    if distribution_pipe is not None:
        extra += f"        distribution = {distribution_pipe}\n"
    if compiler is not None:
        extra += f"        compiler_config = {compiler}\n"
    pipe = (f'pipeline P {{\n    region = "us-east-1"\n    default_bucket = "b"\n    step T: training {{\n'
            f'        framework = "{framework}"\n        framework_version = "{version}"\n'
            f'        py_version = "{py_version}"\n        entry_point = "s3://b/x.py"\n'
            f'        source_dir = "s3://b/src.tar.gz"\n'
            f'        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "{instance_type}"\n'
            f'        instance_count = 2\n{extra}    }}\n}}\n')
    cls, module = CLASSES[framework]
    keywords = ('model_dir="s3://b/m", ' if framework == "tensorflow" else "") + (
        "compiler_config=TrainingCompilerConfig(), " if compiler is not None else "")
    program = (f"from {module} import {cls}" + (", TrainingCompilerConfig" if compiler is not None else "") +
               "\nfrom sagemaker.workflow.pipeline import Pipeline\n"
               "from sagemaker.workflow.pipeline_context import PipelineSession\n"
               "from sagemaker.workflow.steps import TrainingStep\n"
               'session = PipelineSession(default_bucket="b")\n'
               f'e = {cls}(framework_version="{version}", py_version="{py_version}", entry_point="x.py", '
               f'source_dir="s3://b/src.tar.gz", role="arn:aws:iam::123456789012:role/R", '
               f'instance_type="{instance_type}", instance_count=2, sagemaker_session=session, '
               f'{keywords}distribution={distribution_py})\n'
               'pipeline = Pipeline(name="P", steps=[TrainingStep(name="T", step_args=e.fit())], '
               "sagemaker_session=session)\n")
    return pipe, program


@pytest.mark.parametrize("args,message", [
    (("pytorch", "2.1", "ml.p4d.24xlarge", "{ torch_distributed: { enabled: true } }",
      '{"torch_distributed": {"enabled": True}}'), "is not supported by torch_distributed for instance"),
    (("pytorch", "2.1.0", "ml.c5.xlarge", "{ torch_distributed: { enabled: true } }",
      '{"torch_distributed": {"enabled": True}}'), "supported only for GPU and Trainium"),
    (("pytorch", "2.3.0", "ml.p4d.24xlarge", "{ smdistributed: { dataparallel: { enabled: true } } }",
      '{"smdistributed": {"dataparallel": {"enabled": True}}}'), "is not supported by smdataparallel"),
    (("pytorch", "2.1.0", "ml.p4d.24xlarge", "{ pytorchddp: { enabled: true }, smdistributed: {} }",
      '{"pytorchddp": {"enabled": True}, "smdistributed": {}}'), "Cannot use both pytorchddp and smdistributed"),
    (("pytorch", "2.1.0", "ml.p4d.24xlarge",
      "{ smdistributed: { modelparallel: { enabled: true, parameters: { partitions: 0 } } } }",
      '{"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 0}}}}'),
     "The number of partitions must be a positive integer."),
    (("tensorflow", "2.8", "ml.p3.16xlarge", "{ multi_worker_mirrored_strategy: { enabled: true } }",
      '{"multi_worker_mirrored_strategy": {"enabled": True}}'), "only supported from framework_version 2.9"),
])
def test_what_the_sdk_refuses_pipedsl_refuses(sdk, args, message):
    py_version = {"2.3.0": "py311", "2.8": "py39"}.get(args[1], "py310")
    pipe, program = _both(*args, py_version=py_version)
    with pytest.raises(SdkError):
        sdk.definition(code=program)
    _, problems = dsl.analyse(pipe)
    assert [d.code for d in problems] == ["E0304"] and message in problems[0].message
    assert problems[0].span.line == 13 + (args[0] == "tensorflow")  # at the value


def test_what_the_sdk_would_silently_ignore_is_an_error(sdk):
    """A misspelt strategy, or a distribution on XGBoost/SKLearn: the SDK writes nothing for it
    (the job runs on one instance's worth of setup); pipedsl says so."""
    pipe, _ = _both("pytorch", "2.1.0", "ml.p4d.24xlarge", "{ torch_distributd: { enabled: true } }", "{}")
    _, problems = dsl.analyse(pipe)
    assert [(d.code, d.message) for d in problems] == [
        ("E0304", "`torch_distributd` is not a distribution strategy of pytorch (torch_distributed, pytorchddp, "
                  "smdistributed, mpi, parameter_server, pytorchxla)")]
    pipe, program = _both("xgboost", "1.7-1", "ml.m5.xlarge", "{ mpi: { enabled: true } }", '{"mpi": {"enabled": True}}',
                          py_version="py3")
    hyperparameters = __import__("json").loads(sdk.definition(code=program))["Steps"][0]["Arguments"]["HyperParameters"]
    assert not any("mpi" in key for key in hyperparameters)
    _, problems = dsl.analyse(pipe)
    assert [(d.code, d.message) for d in problems] == [("E0304", "`xgboost` estimators take no `distribution`")]


def test_pyspark_extras_are_checked_where_they_are_written(tmp_path):
    (tmp_path / "job.py").write_text("print(1)\n")
    text = ('pipeline P {\n    region = "us-east-1"\n    default_bucket = "b"\n    step S: processing {\n'
            '        framework = "spark"\n        framework_version = "3.3"\n        code = "s3://b/job.py"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        submit_py_files = ["job.py", "gone.py"]\n        submit_jars = []\n'
            '        configuration = { Classification: "spark-default", Properties: {} }\n'
            '        spark_event_logs_s3_uri = "logs/"\n    }\n'
            '    step T: processing {\n        image_uri = "img"\n        role = "arn:aws:iam::123456789012:role/R"\n'
            '        instance_type = "ml.m5.xlarge"\n        instance_count = 1\n        submit_jars = ["s3://b/a.jar"]\n'
            '    }\n}\n')
    pipe = tmp_path / "p.pipe"
    pipe.write_text(text)
    _, problems = dsl.analyse(text, str(pipe))
    assert [(d.code, d.span.line, d.message.split(":")[0].split(" (")[0]) for d in problems] == [
        ("E0304", 11, "local dependencies need a local `code`"),
        ("E0212", 11, "local code `gone.py` does not exist"),
        ("E0304", 11, "local dependencies need a local `code`"),
        ("E0304", 12, "`submit_jars` may not be empty"),
        ("E0304", 13, "unknown classification 'spark-default'"),
        ("E0304", 14, "`spark_event_logs_s3_uri` is an S3 URI"),
        ("E0304", 21, "`submit_jars` is a Spark processor's"),
    ]


@pytest.mark.parametrize("framework,version,instance_type,compiler,distribution,message", [
    ("pytorch", "1.13.1", "ml.m5.xlarge", "{}", "{}", "Unsupported instance class m5"),
    ("pytorch", "1.13.1", "ml.p3.2xlarge", "{}", '{"mpi": {"enabled": True}}',
     "'pytorchxla' is the only distribution mechanism supported for PyTorch >= 1.12"),
    ("tensorflow", "2.8", "ml.p3.2xlarge", "{}", "{}", "supports TensorFlow from 2.9, not 2.8"),
])
def test_what_the_sdk_refuses_of_the_training_compiler_pipedsl_refuses(sdk, framework, version, instance_type,
                                                                       compiler, distribution, message):
    pipe_distribution = distribution.replace('"', "").replace("True", "true") if distribution != "{}" else None
    pipe, program = _both(framework, version, instance_type, pipe_distribution, distribution, py_version="py39",
                          compiler=compiler)
    with pytest.raises(SdkError):
        sdk.definition(code=program)
    _, problems = dsl.analyse(pipe)
    assert [d for d in problems if d.code == "E0304" and message in d.message], problems


@pytest.mark.parametrize("distribution", [
    "{ smdistributed: { modelparallel: 5 } }", "{ smdistributed: { dataparallel: true } }", "{ smdistributed: 3 }",
    "{ smdistributed: { modelparallel: { enabled: true, parameters: 7 } } }",
    '{ smdistributed: { modelparallel: { enabled: true, parameters: { partitions: 2, default_partition: "a" } } } }',
    '{ smdistributed: { modelparallel: { enabled: true, parameters: { memory_weight: "a" } } } }',
    "{ pytorchxla: 1 }", "[1]", '"x"',
])
def test_a_malformed_distribution_is_an_error_at_it_not_a_plugin_failure(distribution):
    pipe, _ = _both("pytorch", "1.13.1", "ml.p4d.24xlarge", distribution, "{}", py_version="py39")
    _, problems = dsl.analyse(pipe)
    assert problems and {d.code for d in problems} <= {"E0304"} and {d.span.line for d in problems} == {13}


def _entry_step(source_dir: str, entry_point: str) -> str:
    return ('pipeline P {\n    default_bucket = "b"\n    region = "us-east-1"\n'
            '    param EntryPoint: String = "train.py"\n    param Dir: String = "s3://b/src.tar.gz"\n'
            '    step T: training {\n        framework = "pytorch"\n        framework_version = "2.1"\n'
            '        py_version = "py310"\n' + (f'        source_dir = {source_dir}\n' if source_dir else "")
            + f'        entry_point = {entry_point}\n        role = "arn:aws:iam::123456789012:role/R"\n'
            '        instance_type = "ml.m5.xlarge"\n        instance_count = 1\n        output_path = "s3://b/o"\n    }\n}\n')


def test_a_source_dir_known_only_at_run_time_is_refused_at_the_value():
    """SDK 2.257.7 fails building the pipeline (`'ParameterString' object has no attribute
    'decode'`, in its JumpStart check of `source_dir`): say so before anything runs."""
    _, found = dsl.analyse(_entry_step("Dir", '"train.py"'))
    assert [(d.code, d.span.line) for d in found] == [("E0304", 10)] and "`source_dir`" in found[0].message


def test_an_entry_point_parameter_needs_a_source_dir():
    _, found = dsl.analyse(_entry_step("", "EntryPoint"))
    assert [(d.code, d.span.line) for d in found] == [("E0304", 10)] and "`entry_point`" in found[0].message
    _, found = dsl.analyse(_entry_step('"s3://b/src.tar.gz"', "EntryPoint"))
    assert found == []  # the parity case framework-entry-param has the SDK's JSON for it


PROFILED = '''pipeline P {
    step T: training {
        image_uri = "i", role = "arn:aws:iam::123456789012:role/R", instance_count = 1, instance_type = "ml.m5.large"
        output_path = "s3://b/o"
        profiler_config = { framework_profile_params: %s }
    }
}
'''


@pytest.mark.parametrize("params,words", [
    ("{ start_step: 1, duration: 60 }", "a step range and a time range are exclusive"),
    ("{ num_steps: 0 }", "`num_steps` must be an integer above 0"),
    ("{ python_profiling_config: { cprofile_timer: \"wall\" } }", "`cprofile_timer` is one of"),
    ("{ detailed_profiling_config: { metrics_regex: \"x\" } }", "unknown key `metrics_regex` in `detailed_profiling_config`"),
    ("{ start_stepp: 1 }", "unknown key `start_stepp` in `framework_profile_params`"),
    ("{ file_max_size: -1 }", "`file_max_size` must be a positive integer"),
    ("[1]", "is a map"),
])
def test_framework_profile_params_the_sdk_refuses_are_errors_at_their_place(params, words):
    """Issue 22: FrameworkProfile's own asserts, before anything reaches the SDK or AWS."""
    _, problems = dsl.analyse(PROFILED % params)
    assert any(words in p.message for p in problems), [p.message for p in problems]
