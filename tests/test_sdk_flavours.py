"""Issue 24 without the SDK: what `--sdk 3` writes at the pipeline level, which kinds it
refuses (located), and how the flavour is chosen. The v3 parity is tests/test_sdk_v3.py."""
import base64
import json
import re

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import pipedsl

import dsl

FAIL = 'pipeline P {\n%s    param Reason: String = "boom"\n    step F: fail { error_message = Reason }\n}\n'


def test_v3_adds_mlflow_config_and_nothing_else_for_a_v3_kind():
    v2 = json.loads(dsl.transpile(FAIL % ""))
    v3 = json.loads(dsl.transpile(FAIL % "", sdk=3))
    assert list(v3) == ["Version", "Metadata", "Parameters", "PipelineExperimentConfig", "MlflowConfig", "Steps"]
    assert v3.pop("MlflowConfig") is None and v3 == v2


def test_the_pipelines_sdk_attribute_is_the_default_and_the_option_wins():
    assert "MlflowConfig" in json.loads(dsl.transpile(FAIL % "    sdk = 3\n"))
    assert "MlflowConfig" not in json.loads(dsl.transpile(FAIL % "    sdk = 3\n", sdk=2))
    _, problems = dsl.analyse(FAIL % "    sdk = 4\n")
    assert [(p.code, p.span.line) for p in problems] == [("E0304", 2)] and "`sdk` is 2 or 3" in problems[0].message


@pytest.mark.parametrize("member,line,words", [
    ('step E: emr { cluster_id = "j-1"\n step_config { jar = "s3://b/x.jar" }\n retry Step.THROTTLING }', 6,
     "SDK v3's EMRStep takes no retry policies"),
])
def test_what_v3_cannot_write_yet_is_refused_at_the_member(member, line, words):
    text = FAIL.replace("}\n}\n", "}\n    " + member + "\n}\n") % ""
    _, problems = dsl.analyse(text, sdk=3)
    found = [(p.code, p.span.line, p.message) for p in problems if p.is_error]
    assert any(c == "E0320" and at == line and words in m for c, at, m in found), found
    _, problems = dsl.analyse(text)  # v2 writes them
    assert not [p for p in problems if p.code == "E0320"]


def test_the_cli_takes_sdk_and_to_sdk3(tmp_path):
    path = tmp_path / "p.pipe"
    path.write_text(FAIL % "")
    out = pipedsl("transpile", "--sdk", "3", str(path))
    assert out.returncode == 0 and '"MlflowConfig": null' in out.stdout
    code = pipedsl("transpile", "--to", "sdk3", str(path))
    assert code.returncode == 0 and "from sagemaker.mlops.workflow.fail_step import FailStep" in code.stdout
    assert "sagemaker.workflow." not in code.stdout
    refused = pipedsl("transpile", "--to", "sdk3", "--sdk", "2", str(path))
    assert refused.returncode == 1 and "needs `--sdk 3`" in refused.stderr
    checked = pipedsl("check", "--sdk", "3", str(path))
    assert checked.returncode == 0


TRAIN = ('step T: training {\n image_uri = "a.dkr.ecr.us-east-1.amazonaws.com/r:1"\n role = "arn:aws:iam::1:role/R"\n'
         ' instance_type = "ml.m5.large"\n instance_count = 1\n%s}')


@pytest.mark.parametrize("member,words", [
    ('rules = [{ rule: "VanishingGradient" }]', "ModelTrainer takes no Debugger or Profiler rules"),
    ("debugger_hook_config = false", "ModelTrainer writes no DebugHookConfig"),
    ('profiler_config = { s3_output_path: "s3://b/p" }', "ModelTrainer writes no ProfilerConfig"),
    ("disable_profiler = true", "no SDK profiler to turn off"),
    ('container_entry_point = ["python"]', "entry point only to run its own source-code driver"),
    ("enable_sagemaker_metrics = true", "no SageMaker Metrics"),
    ('compiler_config = { }', "v3 has no Training Compiler"),
    ("plain_session = true", "plain-Session"),
])
def test_what_v3s_model_trainer_cannot_write_is_refused_at_the_member(member, words):
    text = FAIL.replace("}\n}\n", "}\n    " + TRAIN % (" " + member + "\n") + "\n}\n") % ""
    line = text.splitlines().index(" " + member) + 1
    _, problems = dsl.analyse(text, sdk=3)
    found = [(p.code, p.span.line, p.span.column, p.message, p.hint) for p in problems if p.code == "E0321"]
    assert len(found) == 1 and found[0][1:3] == (line, 2) and words in found[0][3], found
    assert "--sdk 2" in found[0][4] and "raw" in found[0][4]


def test_v3_needs_a_literal_base_job_name_for_its_default_output_path():
    text = FAIL.replace("}\n}\n", "}\n    " + TRAIN % " image_uri = Reason\n" + "\n}\n") % '    default_bucket = "b"\n'
    text = text.replace(' image_uri = "a.dkr.ecr.us-east-1.amazonaws.com/r:1"\n', "")
    _, problems = dsl.analyse(text, sdk=3)
    assert [(p.code, p.span.line, p.span.column) for p in problems if p.is_error] == [("E0321", 9, 14)]
    assert not [p for p in dsl.analyse(text.replace("Reason\n", 'Reason\n output_path = "s3://b/o"\n'),
                                       sdk=3)[1] if p.is_error]


@pytest.mark.parametrize("bounds,error", [("max_attempts = 3", False), ("expire_after_min = 5", False),
                                          ("max_attempts = 3, expire_after_min = 5", True), ("", True)])
def test_v3_retry_policies_take_exactly_one_bound(bounds, error):
    step = TRAIN % ' output_path = "s3://b/o"\n retry Step.THROTTLING { %s }\n' % bounds
    text = FAIL.replace("}\n}\n", "}\n    " + step + "\n}\n") % ""
    found = [p for p in dsl.analyse(text, sdk=3)[1] if p.is_error]
    line = text.splitlines().index(" retry Step.THROTTLING { %s }" % bounds) + 1
    assert [(p.code, p.span.line) for p in found] == ([("E0321", line)] if error else []), found
    assert not [p for p in dsl.analyse(text)[1] if p.is_error]  # (v2 writes both, or neither)


TUNE = ('step T: tuning {\n image_uri = "a.dkr.ecr.us-east-1.amazonaws.com/r:1"\n role = "arn:aws:iam::1:role/R"\n'
        ' instance_type = "ml.m5.large"\n instance_count = 1\n objective_metric_name = "auc"\n'
        ' hyperparameter_ranges = { lr: continuous(0.1, 0.2) }\n%s}')


@pytest.mark.parametrize("member,words", [
    ('volume_kms_key = "k"', "drops the ModelTrainer's volume KMS key"),
    ("enable_network_isolation = true", "drops the ModelTrainer's network isolation"),
    ("encrypt_inter_container_traffic = true", "drops the ModelTrainer's traffic encryption"),
    ('job_name = "tune"', "v3 has no framework estimators, whose tuning job name"),
    ("max_jobs = Count", "takes a literal `max_jobs`"),
    ("max_parallel_jobs = Count", "takes a literal `max_parallel_jobs`"),
])
def test_what_v3s_tuner_drops_or_refuses_is_refused_at_the_member(member, words):
    text = (FAIL.replace("}\n}\n", "}\n    " + TUNE % (" " + member + "\n") + "\n}\n")
            % "    param Count: Integer = 2\n    default_bucket = \"b\"\n")
    line = text.splitlines().index(" " + member) + 1
    found = [(p.span.line, p.message) for p in dsl.analyse(text, sdk=3)[1] if p.code == "E0321"]
    assert len(found) == 1 and found[0][0] == line and words in found[0][1], found
    assert not [p for p in dsl.analyse(text)[1] if p.code == "E0321"]


def test_v3_refuses_kept_job_names_at_the_pipeline_attribute():
    text = FAIL % "    use_custom_job_prefix = true\n"
    found = [(p.code, p.span.line) for p in dsl.analyse(text, sdk=3)[1] if p.is_error]
    assert found == [("E0321", 2)]
    assert not [p for p in dsl.analyse(text)[1] if p.is_error]


MODEL = 'step M: %s {\n image_uri = "img"\n model_data = "s3://b/m.tar.gz"\n role = "arn:aws:iam::1:role/R"\n%s}'


@pytest.mark.parametrize("kind,member,words", [
    ("model", "legacy = true", "v3 has no CreateModelStep"),
    ("model", 'entry_point = "serve.py"', "drops a lone inference script"),
    ("model", 'dependencies = ["lib"]', "no dependency folders"),
    ("register_model", 'framework = "XGBOOST"', "takes no framework"),
])
def test_what_v3s_model_builder_cannot_write_is_refused_at_the_member(kind, member, words):
    extra = ' model_package_group_name = "G"\n' if kind == "register_model" else ""
    text = FAIL.replace("}\n}\n", "}\n    " + MODEL % (kind, extra + " " + member + "\n") + "\n}\n") % \
        '    region = "us-east-1"\n    default_bucket = "b"\n'
    line = text.splitlines().index(" " + member) + 1
    found = [(p.span.line, p.message) for p in dsl.analyse(text, sdk=3)[1] if p.code == "E0321"]
    assert len(found) == 1 and found[0][0] == line and words in found[0][1], found


def test_v3_model_steps_keep_their_names_and_registering_needs_the_region():
    text = FAIL.replace("}\n}\n", "}\n    " + MODEL % ("model", "") + "\n    step G: fail { error_message = M.ModelName }"
                        "\n}\n") % ""
    definition = json.loads(dsl.transpile(text, sdk=3))
    assert [s["Name"] for s in definition["Steps"]] == ["F", "M", "G"]
    assert definition["Steps"][2]["Arguments"]["ErrorMessage"] == {"Get": "Steps.M.ModelName"}
    assert json.loads(dsl.transpile(text))["Steps"][1]["Name"] == "M-CreateModel"
    register = text.replace("step M: model {", 'step M: register_model {\n model_package_group_name = "G"')
    register = register.replace("M.ModelName", "M.ModelPackageArn")
    found = [(p.code, p.span.line) for p in dsl.analyse(register, sdk=3)[1] if p.is_error]
    assert found == [("E0210", 4)]


def test_a_v3_framework_step_keeps_v2s_runtime_contract_with_a_literal_entry_point():
    step = ('step T: training {\n framework = "xgboost"\n framework_version = "1.7-1"\n entry_point = %s\n'
            ' role = "arn:aws:iam::1:role/R"\n instance_type = "ml.m5.large"\n instance_count = 1\n}')
    text = (FAIL % '    region = "us-east-1"\n    default_bucket = "b"\n').replace("}\n}\n", "}\n    " + step + "\n}\n")
    definition = json.loads(dsl.transpile(text % '"boost.py"\n source_dir = "s3://b/code.tar.gz"', sdk=3))
    hyper = definition["Steps"][1]["Arguments"]["HyperParameters"]
    assert hyper["sagemaker_submit_directory"] == '"s3://b/code.tar.gz"'
    assert hyper["sagemaker_program"] == '"boost.py"' and hyper["sagemaker_region"] == '"us-east-1"'
    assert "EnableSageMakerMetricsTimeSeries" not in definition["Steps"][1]["Arguments"]["AlgorithmSpecification"]
    found = [(p.code, p.span.line) for p in dsl.analyse(text % 'Reason\n source_dir = "s3://b/c.tar.gz"',
                                                         sdk=3)[1] if p.is_error]
    assert found == [("E0321", 9)]


def test_v3_refuses_a_check_jobs_network_config_which_it_cannot_serialize():
    step = ('step Q: quality_check {\n check_type = "data_quality"\n role = "arn:aws:iam::1:role/R"\n'
            ' instance_type = "ml.m5.large"\n instance_count = 1\n baseline_dataset = "s3://b/d.csv"\n'
            ' dataset_format = { csv: { header: false } }\n output_s3_uri = "s3://b/o"\n'
            ' network_config = { enable_network_isolation: true }\n}')
    text = (FAIL % '    region = "us-east-1"\n').replace("}\n}\n", "}\n    " + step + "\n}\n")
    found = [(p.code, p.span.line, p.message) for p in dsl.analyse(text, sdk=3)[1] if p.is_error]
    assert [(c, line) for c, line, _ in found] == [("E0321", 13)] and "cannot serialize a NetworkConfig" in found[0][2]
    assert not [p for p in dsl.analyse(text)[1] if p.is_error]


def test_a_kind_v3_cannot_write_at_all_says_why_at_the_kind():
    step = ('step A: automl {\n role = "arn:aws:iam::1:role/R"\n target_attribute_name = "y"\n'
            ' inputs = "s3://b/train.csv"\n mode = "ENSEMBLING"\n}')
    text = (FAIL % '    default_bucket = "b"\n').replace("}\n}\n", "}\n    " + step + "\n}\n")
    found = [(p.code, p.span.line, p.message) for p in dsl.analyse(text, sdk=3)[1] if p.code in ("E0320", "E0321")]
    assert [(c, line) for c, line, _ in found] == [("E0321", 5)] and "no AutoML class" in found[0][2]


SIGNED = """pipeline P {
    sdk            = 3
    default_bucket = "b"
    region         = "us-east-1"
    step F: function {
        call          = "steps:run"
        role          = "arn:aws:iam::1:role/R"
        image_uri     = "img:1"
        instance_type = "ml.m5.large"
%s    }
}
"""


@pytest.mark.parametrize("member,words", [
    ("", "a `function` step in SDK v3 needs `signing_key`"),
    ('        signing_key = "missing.pem"\n', "`signing_key`: "),
    ('        signing_key = "steps.py"\n', "`signing_key`: not a PEM private key"),
    ('        signing_key = "../outside.pem"\n', "`signing_key`: "),
    ('        signing_key = "big.pem"\n', "`signing_key`: `big.pem` is larger than a key"),
])
def test_a_v3_function_step_needs_a_readable_signing_key(member, words, tmp_path):
    """SDK v3 signs a function step's payloads and writes the public key into the definition:
    without the key (in the project) there is no definition to give."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "steps.py").write_text("def run():\n    return 1\n")
    (tmp_path / "outside.pem").write_text(KEY)
    (project / "big.pem").write_text(KEY + "#" * 70000)  # (not read at all)
    (project / "pyproject.toml").write_text("")
    path = project / "p.pipe"
    path.write_text(SIGNED % member)
    _, problems = dsl.analyse(path.read_text(), str(path))
    found = [(p.code, p.message) for p in problems if p.is_error]
    assert [c for c, m in found if words in m] == ["E0304"], found
    _, problems = dsl.analyse(path.read_text(), str(path), sdk=2)  # (v2 signs nothing)
    assert not [p for p in problems if p.is_error and "signing_key" in p.message]


def test_the_signing_keys_public_half_is_in_the_v3_definition_and_v2s_has_none(tmp_path):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

    (tmp_path / "steps.py").write_text("def run():\n    return 1\n")
    (tmp_path / "key.pem").write_text(KEY)
    path = tmp_path / "p.pipe"
    path.write_text(SIGNED % '        signing_key = "key.pem"\n')
    public = load_pem_private_key(KEY.encode(), None).public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    v3 = json.loads(dsl.transpile(path.read_text(), filename=str(path)))
    assert v3["Steps"][0]["Arguments"]["Environment"]["REMOTE_FUNCTION_SECRET_KEY"] == public
    v2 = json.loads(dsl.transpile(path.read_text(), filename=str(path), sdk=2))
    assert "REMOTE_FUNCTION_SECRET_KEY" not in v2["Steps"][0]["Arguments"]["Environment"]


# a P-256 key made for these tests (openssl ecparam -name prime256v1 -genkey -noout)
KEY = """-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIKCkugTUbGzemVcLcFWPzqgswZTgvOGpLu755EC5Y9rtoAoGCCqGSM49
AwEHoUQDQgAEyNN7smjNoMgZGf8dEWIOClw6FgsoebLyMcLP+CbnTA51ioLRfRP6
+VMNHpSxqzrztDrr+kaqSFYUQTWPy5nmZQ==
-----END EC PRIVATE KEY-----
"""


@given(st.binary(max_size=300) | st.binary(max_size=200).map(
    lambda der: b"-----BEGIN EC PRIVATE KEY-----\n" + base64.encodebytes(der) + b"-----END EC PRIVATE KEY-----\n"))
@settings(max_examples=examples(300), deadline=None)
def test_any_key_file_is_a_public_key_or_a_key_problem(data):
    """The key file is input: whatever it holds, its reading ends in a public key or in the
    KeyProblem the check reports (never another exception)."""
    from dsl.plugins.kinds._signing_key import KeyProblem, public_key_pem

    try:
        assert public_key_pem(data).startswith("-----BEGIN PUBLIC KEY-----\n")
    except KeyProblem:
        pass


def test_the_public_key_is_the_one_cryptography_derives_for_both_pem_forms():
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat, load_pem_private_key
    from dsl.plugins.kinds._signing_key import KeyProblem, public_key_pem

    for _ in range(5):
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
        for form in (PrivateFormat.TraditionalOpenSSL, PrivateFormat.PKCS8):
            assert public_key_pem(key.private_bytes(Encoding.PEM, form, NoEncryption())) == public
    other = ec.generate_private_key(ec.SECP384R1()).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(KeyProblem, match="P-256"):
        public_key_pem(other)
    assert load_pem_private_key(KEY.encode(), None)  # (the tests' key is one)


def test_v3_refuses_a_local_folder_of_spark_dependencies_and_a_framework_processor_without_local_code(tmp_path):
    """SDK v3's Spark processors stage local files only (a folder is its ValueError), and its
    FrameworkProcessor is written with a local source_dir: E0321 at the item, at `framework`
    without source_dir, at code in S3."""
    (tmp_path / "job.py").write_text("print(1)\n")
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "util.py").write_text("X = 1\n")
    (tmp_path / "deps" / "job.py").write_text("print(1)\n")
    step = ('    step S: processing {\n        framework = "%s"\n        framework_version = "%s"\n'
            '        code = "job.py"\n        role = "arn:aws:iam::1:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n%s    }\n')
    text = ('pipeline P {\n    sdk = 3\n    region = "us-east-1"\n    default_bucket = "b"\n' +
            step % ("spark", "3.3", '        submit_py_files = ["deps/util.py", "deps"]\n') + "}\n")
    path = tmp_path / "p.pipe"
    path.write_text(text)
    found = [(p.code, p.span.line, p.message) for p in dsl.analyse(text, str(path))[1] if p.is_error]
    assert [(c, line) for c, line, _ in found] == [("E0321", 12)] and "local folder in `submit_py_files`" in found[0][2]
    assert not [p for p in dsl.analyse(text, str(path), sdk=2)[1] if p.is_error]
    framework = text.replace('"spark"', '"pytorch"').replace('"3.3"', '"2.1"\n        py_version = "py310"').replace(
        '        submit_py_files = ["deps/util.py", "deps"]\n', '        source_dir = "deps"\n')
    assert not [p for p in dsl.analyse(framework, str(path))[1] if p.is_error]  # (v3's FrameworkProcessor)
    for changed, line in ((framework.replace('        source_dir = "deps"\n', ""), 6),  # (it packs all of code's folder)
                          (framework.replace('"job.py"', '"s3://b/job.py"'), 9)):
        found = [(p.code, p.span.line) for p in dsl.analyse(changed, str(path))[1] if p.is_error]
        assert found == [("E0321", line)], found
        assert not [p for p in dsl.analyse(changed, str(path), sdk=2)[1] if p.is_error]


def test_a_v3_framework_processor_without_literal_code_is_reported_not_raised(tmp_path):
    """Regression: the v3 FrameworkProcessor check read `code` as a local path even when it was
    missing or a parameter; the usual checks report those."""
    step = ('    step %s: processing {\n        framework = "pytorch"\n        framework_version = "2.1"\n'
            '        py_version = "py310"\n        source_dir = %s\n%s        role = "arn:aws:iam::1:role/R"\n'
            '        instance_type = "ml.m5.large"\n        instance_count = 1\n    }\n')
    text = ('pipeline Q {\n    sdk = 3\n    region = "us-east-1"\n    default_bucket = "b"\n'
            '    param Code: String = "x.py"\n' + step % ("P", '"."', "") +
            step % ("S", '"s3://b/src.tar.gz"', "        code = Code\n") + "}\n")
    path = tmp_path / "q.pipe"
    path.write_text(text)
    codes = sorted(p.code for p in dsl.analyse(text, str(path))[1] if p.is_error)
    assert codes == ["E0303", "E0304", "E0321"], codes


def test_a_v3_framework_processors_default_job_name_follows_its_code(tmp_path):
    """The default code folder of a v3 FrameworkProcessor holds the code's hash where SDK v3
    puts the clock: an edit to a file in `source_dir` gives a new folder, the same files the same."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "run.py").write_text("print(1)\n")
    text = ('pipeline P {\n    sdk = 3\n    region = "us-east-1"\n    default_bucket = "b"\n'
            '    step S: processing {\n        framework = "sklearn"\n        framework_version = "1.2-1"\n'
            '        code = "run.py"\n        source_dir = "src"\n        role = "arn:aws:iam::1:role/R"\n'
            '        instance_type = "ml.m5.large"\n        instance_count = 1\n    }\n}\n')
    path = tmp_path / "p.pipe"
    path.write_text(text)

    def code_folder():
        inputs = json.loads(dsl.transpile(text, filename=str(path)))["Steps"][0]["Arguments"]["ProcessingInputs"]
        return next(i["S3Input"]["S3Uri"] for i in inputs if i["InputName"] == "code")

    first = code_folder()
    assert re.fullmatch(r"s3://b/sagemaker-scikit-learn-[0-9a-f]{23}/source/", first), first
    assert code_folder() == first
    (tmp_path / "src" / "run.py").write_text("print(2)\n")
    assert code_folder() != first


REPACK = """pipeline P {
    sdk = 3
    region = "us-east-1"
    default_bucket = "b"
    step T: training {
        image_uri = "a.dkr.ecr.us-east-1.amazonaws.com/r:1"
        role = "arn:aws:iam::1:role/R"
        instance_type = "ml.m5.large"
        instance_count = 1
    }
    step M: %s {
        image_uri = "img"
        model_data = T.ModelArtifacts.S3ModelArtifacts
        role = "arn:aws:iam::1:role/R"
        source_dir = "code"
        entry_point = "serve.py"
%s    }
}
"""


def _repack_project(tmp_path, kind="model", members=' name = "m"\n'):
    (tmp_path / "code").mkdir(exist_ok=True)
    (tmp_path / "code" / "serve.py").write_text("def model_fn(d):\n    return d\n")
    path = tmp_path / "p.pipe"
    path.write_text(REPACK % (kind, members))
    return path


def test_a_v3_model_with_inference_code_is_followed_by_its_repack_job_last(tmp_path):
    path = _repack_project(tmp_path, members=' name = "m"\n build_time = "2025-11-26-12-00-00-123"\n')
    text = path.read_text()
    definition = json.loads(dsl.transpile(text, filename=str(path), sdk=3))
    assert [s["Name"] for s in definition["Steps"]] == ["T", "M", "M-RepackModel-m"]
    repack = definition["Steps"][2]["Arguments"]
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in repack["InputDataConfig"]}
    folder = "s3://b/sagemaker-scikit-learn-job/sagemaker-scikit-learn-job-20251126120000/input"
    assert channels == {"training": {"Get": "Steps.T.ModelArtifacts.S3ModelArtifacts"}, "code": f"{folder}/code",
                        "sm_drivers": f"{folder}/sm_drivers"}
    assert repack["OutputDataConfig"] == {"S3OutputPath": "s3://b/m"}
    assert definition["Steps"][1]["Arguments"]["PrimaryContainer"]["ModelDataUrl"] == {
        "Get": "Steps.M-RepackModel-m.ModelArtifacts.S3ModelArtifacts"}
    # deploy: the folder's files, the SDK's two added to the code and its drivers beside it
    program, _ = dsl.analyse(text, str(path), sdk=3)
    uploads = {u.uri[len(folder) + 1:] for u in program.uploads()}
    assert {"code/serve.py", "code/_repack_model.py", "code/_repack_script_launcher.sh", "sm_drivers/sm_train.sh",
            "sm_drivers/sourcecode.json", "sm_drivers/scripts/environment.py"} <= uploads
    # SDK v2 keys its repack job by the code's hash: `build_time` changes nothing there
    assert dsl.transpile(text.replace(' build_time = "2025-11-26-12-00-00-123"\n', ' repack_output_path = "s3://b/r"\n'),
                         filename=str(path), sdk=2) == dsl.transpile(
        text.replace(' build_time', ' repack_output_path = "s3://b/r"\n build_time'), filename=str(path), sdk=2)


def test_a_v3_repack_folder_follows_the_code_by_default(tmp_path):
    path = _repack_project(tmp_path)

    def code_folder():
        steps = json.loads(dsl.transpile(path.read_text(), filename=str(path), sdk=3))["Steps"]
        return steps[2]["Arguments"]["InputDataConfig"][1]["DataSource"]["S3DataSource"]["S3Uri"]

    first = code_folder()
    assert re.fullmatch(r"s3://b/sagemaker-scikit-learn-job/sagemaker-scikit-learn-job-[0-9a-f]{14}/input/code", first)
    assert code_folder() == first
    (tmp_path / "code" / "serve.py").write_text("def model_fn(d):\n    return None\n")
    assert code_folder() != first


@pytest.mark.parametrize("kind,members,code,words", [
    ("model", "", "E0303", "needs a literal `name`"),
    ("register_model", ' model_package_group_name = "G"\n', "E0321", "at random"),
    ("model", ' name = "m"\n build_time = "../x"\n', "E0304", ""),
])
def test_what_a_v3_repack_needs_is_located(kind, members, code, words, tmp_path):
    path = _repack_project(tmp_path, kind, members)
    found = [(p.code, p.message) for p in dsl.analyse(path.read_text(), str(path), sdk=3)[1] if p.is_error]
    assert len(found) == 1 and found[0][0] == code and words in found[0][1], found


def test_two_v3_repacks_of_different_code_cannot_share_a_build_time(tmp_path):
    path = _repack_project(tmp_path, members=' name = "m"\n build_time = "20251126120000"\n')
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "serve.py").write_text("x = 1\n")
    second = ('    step N: model {\n image_uri = "img"\n model_data = T.ModelArtifacts.S3ModelArtifacts\n'
              ' role = "arn:aws:iam::1:role/R"\n source_dir = "%s"\n entry_point = "serve.py"\n name = "n"\n'
              ' build_time = "2025-11-26-12-00-00-999"\n    }\n}\n')
    same = path.read_text()[:-2] + second % "code"
    assert not [p for p in dsl.analyse(same, str(path), sdk=3)[1] if p.is_error]
    other = path.read_text()[:-2] + second % "other"
    found = [(p.code, p.span.line) for p in dsl.analyse(other, str(path), sdk=3)[1] if p.is_error]
    assert sorted(found) == [("E0304", 18), ("E0304", 27)], found


def test_a_v3_repack_job_counts_as_its_models_in_a_plan_but_not_in_depends_on(tmp_path):
    from dsl.aws.plan import _pipe_names

    path = _repack_project(tmp_path)
    text = path.read_text()[:-2] + "    step D: fail {\n error_message = \"x\"\n depends_on = [M]\n    }\n}\n"
    program, problems = dsl.analyse(text, str(path), sdk=3)
    assert not [p for p in problems if p.is_error]
    names = _pipe_names(program)
    assert names["M"] == names["M-RepackModel-m"] == "M"
    definition = json.loads(dsl.transpile(text, filename=str(path), sdk=3))
    assert [s["Name"] for s in definition["Steps"]] == ["T", "M", "D", "M-RepackModel-m"]
    assert definition["Steps"][2]["DependsOn"] == ["M"]
    v2 = json.loads(dsl.transpile(text.replace(' name = "m"', ' name = "m"\n repack_output_path = "s3://b/r"'),
                                  filename=str(path), sdk=2))
    assert [s["Name"] for s in v2["Steps"]] == ["T", "M-RepackModel-m", "M-CreateModel", "D"]
    assert v2["Steps"][3]["DependsOn"] == ["M-RepackModel-m", "M-CreateModel"]


@pytest.mark.parametrize("sdk,extra", [(3, ""), (2, ' repack_output_path = "s3://b/r"\n')])
def test_a_repacking_models_name_is_checked_before_it_names_a_step_and_a_folder(sdk, extra, tmp_path):
    """The name of a model whose code is repacked names its repack step (`M-RepackModel-NAME`)
    and, in v3, the job's default output (`s3://BUCKET/NAME`): a name the service refuses, or
    one that walks the S3 path, is an error at the name, before anything reaches AWS."""
    for bad in ("a/../b", "a b", "-a", "x" * 64):
        path = _repack_project(tmp_path, members=f' name = "{bad}"\n' + extra)
        found = [(p.code, p.span.line) for p in dsl.analyse(path.read_text(), str(path), sdk=sdk)[1] if p.is_error]
        assert found == [("E0304", 17)], (bad, found)
    path = _repack_project(tmp_path, members=' name = "churn-model-2"\n' + extra)
    assert not [p for p in dsl.analyse(path.read_text(), str(path), sdk=sdk)[1] if p.is_error]
