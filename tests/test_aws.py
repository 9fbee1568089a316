"""`deploy`, `diff`, `run` and `import --pipeline` against a real AWS API server: moto's, started
here on 127.0.0.1 with a free port and reset before each test, driven through the CLI with
`--endpoint-url`. What moto does not implement (execution steps, stopping) is tested with
botocore's Stubber."""
import io
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request

import pytest
from conftest import TESTS

import dsl

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
PIPE = f'''pipeline Deployed {{
    role = "{ROLE}"
    param Threshold: Float = 0.5
    param Mode: String in ["fast", "slow"] = "fast"
    experiment {{ name = "churn", trial = "run-${{Execution.PipelineExecutionId}}" }}

    step Stop: fail {{
        error_message = "below ${{Threshold}} in ${{Mode}}"
    }}
}}
'''


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


FAKE = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture
def aws(moto_url, tmp_path, monkeypatch):
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=30)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PIPEDSL_PLUGINS"}
    env.update(FAKE)
    for key, value in FAKE.items():
        monkeypatch.setenv(key, value)

    def cli(*args, stdin=None, endpoint=True, extra_env=None):
        command = [sys.executable, "-m", "dsl", *map(str, args)] + (["--endpoint-url", moto_url] if endpoint else [])
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120,
                              env=dict(env, **(extra_env or {})), cwd=tmp_path)

    import boto3

    cli.sm = boto3.client("sagemaker", endpoint_url=moto_url, region_name="us-east-1")
    cli.s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    cli.url = moto_url
    return cli


def write(tmp_path, text=PIPE, name="deployed.pipe"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_deploy_creates_then_is_unchanged_then_updates_after_an_edit(aws, tmp_path):
    path = write(tmp_path)
    first = aws("deploy", path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created arn:aws:sagemaker:us-east-1:") and first.stdout.endswith(":pipeline/Deployed\n")
    described = aws.sm.describe_pipeline(PipelineName="Deployed")
    assert json.loads(described["PipelineDefinition"]) == json.loads(dsl.transpile(PIPE))
    assert described["RoleArn"] == ROLE
    modified = described["LastModifiedTime"]

    again = aws("deploy", path)
    assert again.returncode == 0 and again.stdout.startswith("unchanged arn:")
    assert aws.sm.describe_pipeline(PipelineName="Deployed")["LastModifiedTime"] == modified  # no update call

    write(tmp_path, PIPE.replace("0.5", "0.7"))
    changed = aws("diff", path)
    assert changed.returncode == 1
    assert changed.stdout == ("Deployed: pipeline settings to change\n"
                              "~ param Threshold.DefaultValue: 0.5 → 0.7\n")
    changed = aws("diff", path, "--json")
    assert changed.returncode == 1 and changed.stdout.startswith(changed.stdout.split("\n\n")[0])
    assert '-      "DefaultValue": 0.5' in changed.stdout and '+      "DefaultValue": 0.7' in changed.stdout
    refused = aws("deploy", path)  # not a terminal: no confirmation, no update
    assert refused.returncode == 1
    assert refused.stdout.endswith("not updated: there is no terminal to ask on; pass --yes to update without asking\n")
    updated = aws("deploy", path, "--yes")
    assert updated.returncode == 0 and "updated arn:" in updated.stdout
    assert aws("diff", path).returncode == 0


TRAIN_PIPE = f'''pipeline Planned {{
    role           = "{ROLE}"
    default_bucket = "b"
    step Train: training {{
        image_uri       = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"
        role            = "{ROLE}"
        instance_type   = "ml.m5.xlarge"
        instance_count  = 1
        output_path     = "s3://b/out"
        hyperparameters = {{ max_depth: 5, eta: 0.2 }}
    }}
    step Old: fail {{ error_message = "old" }}
}}
'''


def test_diff_is_a_plan_in_pipe_words(aws, tmp_path):
    """Issue 26.3: steps added, removed and changed, and each changed member by its .pipe name."""
    path = write(tmp_path, TRAIN_PIPE)
    assert aws("diff", path).stdout == "Planned: not deployed: 2 steps to create\n+ step Train (Training)\n" \
                                       "+ step Old (Fail)\n"
    assert aws("deploy", path).returncode == 0
    same = aws("diff", path)
    assert (same.returncode, same.stdout) == (0, "No changes.\n")
    write(tmp_path, TRAIN_PIPE.replace("max_depth: 5", "max_depth: 6").replace('"ml.m5.xlarge"', '"ml.m5.2xlarge"')
          .replace('step Old: fail {{ error_message = "old" }}'.replace("{{", "{").replace("}}", "}"),
                   'step New: fail { error_message = "new", depends_on = [Train] }'))
    run = aws("diff", path)
    assert run.returncode == 1
    assert run.stdout == ("Planned: steps: 1 to add, 1 to change, 1 to remove\n"
                          "+ step New (Fail)\n"
                          "~ step Train\n"
                          '    Train.instance_type: "ml.m5.xlarge" → "ml.m5.2xlarge"\n'
                          '    Train.hyperparameters.max_depth: "5" → "6"\n'
                          "- step Old (Fail)\n")
    refused = aws("deploy", path)  # the plan first, then the refusal
    assert "Train.hyperparameters.max_depth" in refused.stdout


def test_dry_run_calls_no_write_api(aws, tmp_path):
    run = aws("deploy", write(tmp_path), "--dry-run")  # the role does not exist (yet)
    assert run.returncode == 1 and run.stdout == f"role {ROLE}: does not exist\nwould create Deployed\n"
    assert aws.sm.list_pipelines()["PipelineSummaries"] == []


def test_dry_run_checks_the_bucket_and_the_role_and_a_missing_bucket_is_named(aws, tmp_path):
    """Issue 26.5: what --dry-run can check without writing, and NoSuchBucket explained."""
    import boto3

    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prepare.py").write_text("print('prepare')\n")
    path = write(tmp_path, CODE_PIPE, "coded.pipe")
    dry = aws("deploy", path, "--dry-run")
    assert dry.returncode == 1
    assert "bucket coded-artifacts: does not exist (" in dry.stdout and f"role {ROLE}: does not exist" in dry.stdout
    missing = aws("deploy", path)
    assert missing.returncode == 1 and "pipedsl: error: bucket 'coded-artifacts' does not exist: " in missing.stderr
    assert "coded.pipe puts " in missing.stderr and "code/prepare.py there (its `default_bucket`)" in missing.stderr
    aws.s3.create_bucket(Bucket="coded-artifacts")
    iam = boto3.client("iam", endpoint_url=aws.url, region_name="us-east-1")
    iam.create_role(RoleName="SageMakerRole", AssumeRolePolicyDocument="{}")
    dry = aws("deploy", path, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert dry.stdout.endswith("bucket coded-artifacts: exists (writing to it is not tried)\n"
                               f"role {ROLE}: exists\nwould create Coded\n")


def test_tags_description_and_role_from_the_command_line(aws, tmp_path):
    path = write(tmp_path, PIPE.replace(f'    role = "{ROLE}"\n', ""))
    missing = aws("deploy", path)
    assert missing.returncode == 2 and "no role" in missing.stderr
    other = "arn:aws:iam::123456789012:role/Other"
    run = aws("deploy", path, "--role", other, "--description", "the churn model", "--tag", "team=ml")
    assert run.returncode == 0, run.stderr
    described = aws.sm.describe_pipeline(PipelineName="Deployed")
    assert (described["RoleArn"], described.get("PipelineDescription")) == (other, "the churn model")
    tags = aws.sm.list_tags(ResourceArn=described["PipelineArn"])["Tags"]
    assert {"Key": "team", "Value": "ml"} in tags


def test_a_definition_over_100_kb_goes_through_s3(aws, tmp_path):
    steps = "".join(f'    step S{i}: fail {{\n        error_message = "{"x" * 120} {i}"\n    }}\n' for i in range(800))
    text = f'pipeline Big {{\n    role = "{ROLE}"\n    default_bucket = "big-bucket"\n{steps}}}\n'
    assert len(dsl.transpile(text, compact=True)) > 100_000
    aws.s3.create_bucket(Bucket="big-bucket")
    run = aws("deploy", write(tmp_path, text, "big.pipe"))
    assert run.returncode == 0 and run.stdout.startswith("created "), run.stderr
    body = aws.s3.get_object(Bucket="big-bucket", Key="Big/definition.json")["Body"].read()
    assert json.loads(body) == json.loads(dsl.transpile(text))


def test_run_checks_parameters_before_any_call(aws, tmp_path):
    path = write(tmp_path)
    assert aws("deploy", path).returncode == 0
    for args, words in ((["--param", "Treshold=0.9"], "did you mean `Threshold`"),
                        (["--param", "Threshold=high"], "is Float"),
                        (["--param", "Mode=medium"], "takes one of 'fast', 'slow'")):
        run = aws("run", path, *args)
        assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr
    assert aws.sm.list_pipeline_executions(PipelineName="Deployed")["PipelineExecutionSummaries"] == []


def test_run_wait_reports_the_execution_its_experiment_and_run_group(aws, tmp_path):
    path = write(tmp_path)
    assert aws("deploy", path).returncode == 0
    run = aws("run", path, "--param", "Threshold=0.9", "--wait")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("started arn:aws:sagemaker:us-east-1:123456789012:pipeline/Deployed/execution/")
    execution_id = lines[0].rsplit("/", 1)[-1]
    assert lines[1] == "experiment: churn"
    assert lines[2] == f"run group: run-{execution_id}"
    assert re.fullmatch(r"\d\d:\d\d:\d\d  Succeeded arn:.*", lines[-1]), lines[-1]


def test_run_prints_where_studio_shows_the_execution(aws, tmp_path):
    """Issue 26.5: the link to the execution's graph in the account's Studio domain (none
    without one domain to name, unless --studio-domain gives it)."""
    path = write(tmp_path)
    assert aws("deploy", path).returncode == 0
    run = aws("run", path)
    assert run.returncode == 0 and "console:" not in run.stdout  # no Studio domain in this account
    domain = aws.sm.create_domain(DomainName="team", AuthMode="IAM", DefaultUserSettings={}, SubnetIds=["s"],
                                  VpcId="v")["DomainArn"].rsplit("/", 1)[-1]
    run = aws("run", path)
    lines = run.stdout.splitlines()
    execution_id = lines[0].rsplit("/", 1)[-1]
    assert lines[1] == (f"console: https://studio-{domain}.studio.us-east-1.sagemaker.aws/pipelines/view/Deployed/"
                        f"executions/{execution_id}/graph")
    chosen = aws("run", path, "--studio-domain", "d-abc123").stdout.splitlines()
    assert chosen[1].startswith("console: https://studio-d-abc123.studio.us-east-1.sagemaker.aws/pipelines/view/")


def test_run_refuses_a_drifted_pipeline_unless_allowed(aws, tmp_path):
    path = write(tmp_path)
    assert aws("deploy", path).returncode == 0
    write(tmp_path, PIPE.replace("0.5", "0.6"))
    refused = aws("run", path)
    assert refused.returncode == 1 and "differs from the file" in refused.stderr
    assert aws("run", path, "--allow-drift").returncode == 0


def test_import_pipeline_round_trips_the_deployed_definition(aws, tmp_path):
    assert aws("deploy", write(tmp_path)).returncode == 0
    run = aws("import", "--pipeline", "Deployed")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith('pipeline Deployed {') or "\npipeline Deployed {" in run.stdout
    described = aws.sm.describe_pipeline(PipelineName="Deployed")["PipelineDefinition"]
    assert dsl.transpile(run.stdout, compact=True) == json.dumps(json.loads(described))
    arn = aws.sm.start_pipeline_execution(PipelineName="Deployed")["PipelineExecutionArn"]
    by_execution = aws("import", "--execution", arn)
    assert by_execution.returncode == 0 and dsl.transpile(by_execution.stdout, compact=True) == json.dumps(
        json.loads(described))


def test_missing_pipeline_credentials_and_endpoint_are_one_line(aws, tmp_path):
    path = write(tmp_path)
    missing = aws("diff", path)  # nothing deployed: all of it is to create, a difference (exit 1)
    assert missing.returncode == 1 and missing.stdout == "Deployed: not deployed: 1 step to create\n+ step Stop (Fail)\n"
    no_credentials = aws("deploy", path, extra_env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    assert no_credentials.returncode == 2 and "no AWS credentials" in no_credentials.stderr
    nowhere = subprocess.run([sys.executable, "-m", "dsl", "deploy", str(path), "--endpoint-url", "http://127.0.0.1:9"],
                             capture_output=True, text=True, timeout=120,
                             env=dict(os.environ, **FAKE, AWS_MAX_ATTEMPTS="1"))
    assert nowhere.returncode == 2 and "cannot reach the AWS endpoint" in nowhere.stderr
    assert "Traceback" not in no_credentials.stderr + nowhere.stderr + missing.stderr
    bad = write(tmp_path, "pipeline P {\n step S: fail { error_message = Nope }\n}\n", "bad.pipe")
    checked = aws("deploy", bad)
    assert checked.returncode == 1 and "error[E0203]" in checked.stderr
    assert aws.sm.list_pipelines()["PipelineSummaries"] == []  # nothing was called


class _Streams:
    def __init__(self):
        self.text = io.StringIO()

    def out(self, text):
        self.text.write(text)


def test_wait_reports_failed_steps_and_times_out_with_stubbed_responses():
    """moto marks executions Succeeded at once and lists no steps: the rest with Stubber."""
    import boto3
    from botocore.stub import Stubber

    from dsl.aws.commands import wait

    sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/P/execution/abc"
    stubber = Stubber(sm)
    stubber.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Executing"},
                         {"PipelineExecutionArn": arn})
    stubber.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": [
        {"StepName": "Train", "StepStatus": "Executing"}]}, {"PipelineExecutionArn": arn, "SortOrder": "Descending"})
    stubber.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Failed",
                                                         "FailureReason": "Step failure"},
                         {"PipelineExecutionArn": arn})
    stubber.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": [
        {"StepName": "Train", "StepStatus": "Failed", "FailureReason": "ClientError: out of memory"}]},
        {"PipelineExecutionArn": arn, "SortOrder": "Descending"})
    streams = _Streams()
    with stubber:
        status = wait(sm, arn, streams, None, lambda q: False, poll=0, clock=lambda: "12:00:00")
    assert status == 1  # each line that reports a change carries the time it was seen
    assert streams.text.getvalue() == (f"12:00:00  Train: Executing\n12:00:00  Train: Failed\n12:00:00  Failed {arn}\n"
                                       "  Train failed: ClientError: out of memory\n  reason: Step failure\n")
    stubber = Stubber(sm)
    stubber.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Executing"},
                         {"PipelineExecutionArn": arn})
    stubber.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": []},
                         {"PipelineExecutionArn": arn, "SortOrder": "Descending"})
    streams = _Streams()
    with stubber:
        assert wait(sm, arn, streams, 0, lambda q: False, poll=0) == 1
    assert "timed out" in streams.text.getvalue()


def test_text_from_aws_is_printed_inert():
    """Issue 25.4: a step name or failure reason with terminal escapes or bidi controls is
    printed escaped; it cannot recolour the terminal, move the cursor or reorder the line."""
    import boto3
    from botocore.stub import Stubber

    from dsl.aws.commands import wait

    sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/P/execution/abc"
    for live in (False, True):
        stubber = Stubber(sm)
        stubber.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Failed",
                                                             "FailureReason": "bad\x1b[2J\x1b]0;pwned\x07"})
        stubber.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": [
            {"StepName": "Tr\u202eain", "StepStatus": "Failed", "FailureReason": "line\rover\nnext"}]})
        streams = _Streams()
        with stubber:
            assert wait(sm, arn, streams, None, lambda q: False, poll=0, live=live) == 1
        out = streams.text.getvalue()
        assert "\x1b]" not in out and "\x1b[2J" not in out and "\u202e" not in out and "\r" not in out
        assert "Tr\\u202eain failed: line\\rover\\nnext\n" in out and "reason: bad\\x1b[2J\\x1b]0;pwned\\x07\n" in out


def test_diff_against_an_execution_and_missing_region(aws, tmp_path):
    path = write(tmp_path)
    assert aws("deploy", path).returncode == 0
    arn = aws.sm.start_pipeline_execution(PipelineName="Deployed")["PipelineExecutionArn"]
    assert aws("diff", path, "--execution", arn).returncode == 0
    write(tmp_path, PIPE.replace("0.5", "0.8"))
    changed = aws("diff", path, "--execution", arn, "--json")
    assert changed.returncode == 1 and f"--- {arn}" in changed.stdout
    no_region = aws("deploy", path, endpoint=False, extra_env={"AWS_DEFAULT_REGION": "", "AWS_REGION": ""})
    assert no_region.returncode == 2 and "no AWS region" in no_region.stderr


def test_resource_not_found_and_access_denied_are_understood():
    """AWS answers a missing pipeline with ResourceNotFound (moto with a ValidationException,
    tested above); access denied and throttling are one line each, exit 1."""
    import boto3
    from botocore.stub import Stubber

    from dsl.aws.commands import AwsProblem, deployed

    sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(sm)
    stubber.add_client_error("describe_pipeline", "ResourceNotFound", "Pipeline 'P' does not exist.")
    stubber.add_client_error("describe_pipeline", "AccessDeniedException", "not allowed")
    stubber.add_client_error("describe_pipeline", "ThrottlingException", "slow down")
    with stubber:
        assert deployed(sm, "P") is None
        for words in ("access denied: not allowed", "throttled by AWS (retried): slow down"):
            with pytest.raises(AwsProblem) as info:
                deployed(sm, "P")
            assert str(info.value) == words and info.value.status == 1


def test_wait_on_a_terminal_redraws_a_table_in_place():
    import boto3
    from botocore.stub import Stubber

    from dsl.aws.commands import wait

    sm = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/P/execution/abc"
    stubber = Stubber(sm)
    for state, step in (("Executing", "Executing"), ("Succeeded", "Succeeded")):
        stubber.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": state},
                             {"PipelineExecutionArn": arn})
        stubber.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": [
            {"StepName": "Train", "StepStatus": step}]}, {"PipelineExecutionArn": arn, "SortOrder": "Descending"})
    streams = _Streams()
    with stubber:
        assert wait(sm, arn, streams, None, lambda q: False, poll=0, live=True) == 0
    text = streams.text.getvalue()
    assert text.count("\x1b[2K") == 4 and "\x1b[2F" in text  # two rows drawn, then redrawn in place
    assert "Train" in text and text.endswith(f"Succeeded {arn}\n")


def test_one_file_deploys_a_pipeline_per_stage_named_by_its_vars(aws, tmp_path):
    staged = PIPE.replace("pipeline Deployed {\n", 'var Stage: String = "dev"\npipeline Deployed {\n    name = "churn-${Stage}"\n')
    path = write(tmp_path, staged)
    (tmp_path / "prod.toml").write_text('Stage = "prod"\n')
    assert aws("deploy", path).returncode == 0
    prod = aws("deploy", path, "--vars", "prod.toml")
    assert prod.returncode == 0, prod.stderr
    assert prod.stdout.startswith("created arn:") and prod.stdout.endswith(":pipeline/churn-prod\n")
    names = sorted(p["PipelineName"] for p in aws.sm.list_pipelines()["PipelineSummaries"])
    assert names == ["churn-dev", "churn-prod"]
    assert aws("diff", path, extra_env={"PIPEDSL_VAR_Stage": "prod"}).returncode == 0
    typo = aws("deploy", path, "--var", "Stgae=prod")
    assert typo.returncode == 2 and "did you mean `Stage`?" in typo.stderr
    assert len(aws.sm.list_pipelines()["PipelineSummaries"]) == 2


CODE_PIPE = f'''pipeline Coded {{
    role           = "{ROLE}"
    default_bucket = "coded-artifacts"
    region         = "us-east-1"
    step Prepare: processing {{
        framework         = "sklearn"
        framework_version = "1.2-1"
        role              = "{ROLE}"
        instance_type     = "ml.m5.xlarge"
        instance_count    = 1
        code              = "code/prepare.py"
    }}
}}
'''


def test_deploy_uploads_local_code_to_the_uris_the_definition_names(aws, tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prepare.py").write_text("print('prepare')\n")
    path = write(tmp_path, CODE_PIPE, "coded.pipe")
    aws.s3.create_bucket(Bucket="coded-artifacts")
    dry = aws("deploy", path, "--dry-run")
    assert dry.returncode == 1 and "role arn:aws:iam::123456789012:role/SageMakerRole: does not exist" in dry.stdout
    assert "would upload " in dry.stdout and aws.s3.list_objects_v2(Bucket="coded-artifacts")["KeyCount"] == 0
    first = aws("deploy", path)
    assert first.returncode == 0, first.stderr
    definition = json.loads(aws.sm.describe_pipeline(PipelineName="Coded")["PipelineDefinition"])
    uri = definition["Steps"][0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    key = uri[len("s3://coded-artifacts/"):]
    assert key.startswith("Coded/code/") and key.endswith("/prepare.py")
    assert aws.s3.get_object(Bucket="coded-artifacts", Key=key)["Body"].read() == b"print('prepare')\n"
    assert f"uploaded {tmp_path / 'code' / 'prepare.py'} to {uri}\n" in first.stdout
    again = aws("deploy", path)
    assert again.stdout == f"already uploaded {uri}\nunchanged {first.stdout.split()[-1]}\n"
    # an edited script is a new hash: a new key, and a definition update
    (tmp_path / "code" / "prepare.py").write_text("print('prepare, better')\n")
    edited = aws("deploy", path, "--yes")
    assert edited.returncode == 0 and "updated arn:" in edited.stdout
    assert aws.s3.list_objects_v2(Bucket="coded-artifacts")["KeyCount"] == 2


def test_deploy_uploads_the_bytes_it_hashed_and_refuses_a_file_changed_after(aws, tmp_path, monkeypatch, capsys):
    """Issue 25.2: the file is read once; edited while deploy asks to update, it is an error,
    and neither the new bytes nor the update reach AWS."""
    script = tmp_path / "code" / "prepare.py"
    script.parent.mkdir()
    script.write_text("print('v1')\n")
    path = write(tmp_path, CODE_PIPE, "coded.pipe")
    aws.s3.create_bucket(Bucket="coded-artifacts")
    assert aws("deploy", path).returncode == 0
    script.write_text("print('v2')\n")
    before = aws.sm.describe_pipeline(PipelineName="Coded")["PipelineDefinition"]
    from dsl import cli
    from dsl.aws import commands as deploying

    def confirm(question):
        script.write_text("print('v3, written while the user was asked')\n")
        return True

    monkeypatch.setattr(deploying, "interactive_confirm", confirm)
    monkeypatch.chdir(tmp_path)
    status = cli.main(["deploy", str(path), "--endpoint-url", aws.url])
    err = capsys.readouterr().err
    assert status == 2 and "prepare.py: it changed after pipedsl read it (run the command again)" in err, err
    bodies = [aws.s3.get_object(Bucket="coded-artifacts", Key=o["Key"])["Body"].read()
              for o in aws.s3.list_objects_v2(Bucket="coded-artifacts")["Contents"]]
    assert bodies == [b"print('v1')\n"]
    assert aws.sm.describe_pipeline(PipelineName="Coded")["PipelineDefinition"] == before


@pytest.mark.parametrize("deployed, says", [
    ("[" * 100000 + "]" * 100000, "nests too deeply"),
    ('{"Version": "2020-12-01", "Steps": [], "X": ' + "9" * 5000 + "}", "not JSON pipedsl can read"),
    ("not json \x1b[2J", "not JSON pipedsl can read"),
    ('{"Version": "2020-12-01", "PipelineExperimentConfig": [1], "Steps": []}', None),
], ids=["deep", "huge-integer", "not-json", "wrong-type"])  # (an id goes into PYTEST_CURRENT_TEST)
def test_hostile_deployed_definitions_are_one_line_errors(aws, tmp_path, deployed, says):
    """Issue 25.8: what DescribePipeline returns is input too."""
    path = write(tmp_path)
    aws.sm.create_pipeline(PipelineName="Deployed", PipelineDefinition=deployed, RoleArn=ROLE)
    for command in (["diff", path], ["deploy", path, "--dry-run"], ["run", path], ["import", "--pipeline", "Deployed"]):
        run = aws(*command)
        assert "Traceback" not in run.stderr and "\x1b[2J" not in run.stderr + run.stdout, (command, run.stderr)
        assert run.returncode in ((0, 1, 2) if command[0] == "deploy" and not says else (1, 2)), (command, run.stderr)
        if says and command[0] != "import":
            assert says in run.stderr, (command, run.stderr)


def test_a_region_in_the_file_must_be_the_target_region(aws, tmp_path):
    path = write(tmp_path, CODE_PIPE.replace('region         = "us-east-1"', 'region         = "eu-west-1"'),
                 "coded.pipe")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prepare.py").write_text("print('prepare')\n")
    for command in (["deploy", path], ["diff", path], ["run", path]):
        run = aws(*command)
        assert run.returncode == 2, (command, run.stderr)
        assert run.stderr == ("pipedsl: error: the pipeline's `region` is eu-west-1, and this command targets "
                              "us-east-1 (images are regional): pass --region eu-west-1\n")


def test_a_large_upload_shows_its_bytes_on_a_terminal(aws, tmp_path):
    """Issue 26.5: on a terminal (a pseudo-terminal here) a large file's upload counts its bytes."""
    import pty

    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prepare.py").write_bytes(b"# " + b"x" * (3 * 2**20) + b"\n")
    path = write(tmp_path, CODE_PIPE, "coded.pipe")
    env = {k: v for k, v in os.environ.items() if k != "PIPEDSL_PLUGINS"}
    env.update(FAKE)

    def deploy_on_a_terminal():
        main, secondary = pty.openpty()
        run = subprocess.run([sys.executable, "-m", "dsl", "deploy", str(path), "--endpoint-url", aws.url],
                             stdout=secondary, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120,
                             env=env)
        os.close(secondary)
        return main, run

    # the transfer manager's own error (no bucket yet) is a one-line error naming the bucket too
    main, missing = deploy_on_a_terminal()
    os.close(main)
    assert missing.returncode == 1 and b"bucket 'coded-artifacts' does not exist" in missing.stderr, missing.stderr
    assert b"Traceback" not in missing.stderr
    aws.s3.create_bucket(Bucket="coded-artifacts")
    main, run = deploy_on_a_terminal()
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert run.returncode == 0, run.stderr
    assert f"/ {3 * 2**20 + 3:,} bytes".encode() in shown and b"created arn:" in shown


def test_package_uploads_the_code_and_writes_the_definition_without_a_pipeline(aws, tmp_path):
    """Issue 26.4: for teams that deploy with CloudFormation, Terraform or CDK."""
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prepare.py").write_text("print('prepare')\n")
    path = write(tmp_path, CODE_PIPE, "coded.pipe")
    aws.s3.create_bucket(Bucket="coded-artifacts")
    dry = aws("package", path, "--dry-run")
    assert dry.returncode == 0 and dry.stdout == "" and "would upload " in dry.stderr
    run = aws("package", path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == dsl.transpile(CODE_PIPE, filename=str(path))  # exactly the definition, on stdout
    uri = json.loads(run.stdout)["Steps"][0]["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    assert f"uploaded {tmp_path / 'code' / 'prepare.py'} to {uri}" in run.stderr
    key = uri[len("s3://coded-artifacts/"):]
    assert aws.s3.get_object(Bucket="coded-artifacts", Key=key)["Body"].read() == b"print('prepare')\n"
    assert aws.sm.list_pipelines()["PipelineSummaries"] == []  # nothing created
    out = tmp_path / "definition.json"
    again = aws("package", path, "-o", out)
    assert again.returncode == 0 and out.read_text() == run.stdout and "already uploaded" in again.stderr
    assert aws("package", path, "--to", "nope").returncode == 2


def test_deploy_uploads_what_the_sdk_uploads_for_function_steps(aws, tmp_path, sdk):
    """Issue 23: `deploy` puts the objects the SDK's `Pipeline.definition()` uploads for the
    same `@step` program (the function and arguments pickled, their metadata, the bootstrap
    scripts, the dependency file, the workspace) at the same keys, with the same bytes (the
    workspace zip holds file times: compared by member)."""
    import shutil
    import zipfile

    # (function-dependencies has every kind of object: the bootstrap scripts, payloads, the
    # requirements file, pre_exec.sh and the workspace; the others are compared in test_real_world)
    for name, bucket in (("function-dependencies", "deps-bucket"),):
        case = tmp_path / name
        shutil.copytree(TESTS / "parity" / name, case)
        theirs = sdk.uploads(path=str(case / "sdk.py"), raw_uploads=True)
        assert any(uri.endswith("/function/payload.pkl") for uri in theirs)
        aws.s3.create_bucket(Bucket=bucket)
        deployed = aws("deploy", case / "case.pipe", "--role", "arn:aws:iam::123456789012:role/SageMakerRole")
        assert deployed.returncode == 0, deployed.stderr
        ours = {}
        for item in aws.s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            ours[f"s3://{bucket}/{item['Key']}"] = aws.s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        assert sorted(ours) == sorted(theirs)
        for uri, body in theirs.items():
            if uri.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(body)) as a, zipfile.ZipFile(io.BytesIO(ours[uri])) as b:
                    assert sorted(a.namelist()) == sorted(b.namelist())
                    assert all(a.read(member) == b.read(member) for member in a.namelist())
            else:
                assert ours[uri] == body, uri
        definition = json.loads(aws.sm.describe_pipeline(PipelineName=name.title().replace("-", ""))["PipelineDefinition"])
        assert definition == json.loads(sdk.definition(path=str(case / "sdk.py")))


SELECTIVE = f'''pipeline Selective {{
    role = "{ROLE}"
    step Extract: lambda {{ function_arn = "arn:aws:lambda:us-east-1:123456789012:function:extract" }}
    step Transform: lambda {{
        function_arn = "arn:aws:lambda:us-east-1:123456789012:function:transform"
        depends_on   = [Extract]
    }}
    step Load: lambda {{
        function_arn = "arn:aws:lambda:us-east-1:123456789012:function:load"
        inputs       = {{ rows: Transform.OutputParameters["rows"] }}
    }}
    step Report: lambda {{ function_arn = "arn:aws:lambda:us-east-1:123456789012:function:report" }}
}}
'''.replace('function:transform"', 'function:transform"\n        output rows: Integer')


def test_selective_execution_runs_the_steps_asked_for_and_reuses_an_earlier_execution(aws, tmp_path, moto_url,
                                                                                       monkeypatch, capsys):
    """Issue 22: `run --only`/`--from` start a selective execution: SelectiveExecutionConfig with
    the steps (`--from`: the step and every step after it) and the execution reused (the latest
    one not running, or `--reuse`). moto ignores the config, so the request is read where boto3
    sends it."""
    from dsl.aws import commands
    from dsl.cli import main

    path = write(tmp_path, SELECTIVE, "selective.pipe")
    for args, words in ((["--only", "Transfrom"], "no step 'Transfrom' (did you mean `Transform`?)"),
                        (["--reuse", "abc"], "give --only or --from too")):
        refused = aws("run", path, *args)
        assert refused.returncode == 2 and words in refused.stderr, refused.stderr
    assert aws("deploy", path).returncode == 0
    assert "no finished execution" in aws("run", path, "--from", "Transform").stderr
    first = aws("run", path)
    assert first.returncode == 0, first.stderr
    first_arn = first.stdout.split()[1]

    sent = []
    real_client = commands.client

    def recording_client(args, service="sagemaker"):
        made = real_client(args, service)
        made.meta.events.register("provide-client-params.sagemaker.StartPipelineExecution",
                                  lambda params, **kw: sent.append(dict(params)))
        return made

    monkeypatch.setattr(commands, "client", recording_client)
    assert main(["run", str(path), "--from", "Transform", "--endpoint-url", moto_url]) == 0
    assert sent[-1]["SelectiveExecutionConfig"] == {
        "SourcePipelineExecutionArn": first_arn,
        "SelectedSteps": [{"StepName": "Transform"}, {"StepName": "Load"}]}
    out = capsys.readouterr().out
    assert f"selective: Transform, Load; the other steps' outputs come from {first_arn}" in out
    execution_id = first_arn.rsplit("/", 1)[-1]
    assert main(["run", str(path), "--only", "Report,Extract", "--reuse", execution_id,
                 "--endpoint-url", moto_url]) == 0
    assert sent[-1]["SelectiveExecutionConfig"] == {
        "SourcePipelineExecutionArn": first_arn, "SelectedSteps": [{"StepName": "Extract"}, {"StepName": "Report"}]}


SCHEDULED = f'''pipeline Scheduled {{
    role = "{ROLE}"
    param Threshold: Float = 0.5
    schedule Nightly {{
        cron       = "0 2 * * ? *"
        start_date = "2026-12-24T08:00:00"
    }}
    schedule {{
        rate    = "12 hours"
        enabled = false
        role    = "arn:aws:iam::123456789012:role/SchedulerRole"
    }}
    step Stop: fail {{ error_message = "below ${{Threshold}}" }}
}}
'''


def test_deploy_creates_updates_and_removes_the_files_schedules(aws, tmp_path):
    """Issue 22: `schedule` members are the SDK's PipelineSchedule triggers: `deploy` creates
    them with the pipeline (the requests `put_triggers` makes), updates them when the file
    changes, removes those the file dropped, and leaves a schedule it did not make alone."""
    import boto3

    scheduler = boto3.client("scheduler", endpoint_url=aws.url, region_name="us-east-1")
    path = write(tmp_path, SCHEDULED)
    first = aws("deploy", path)
    assert first.returncode == 0, first.stderr
    arn = aws.sm.describe_pipeline(PipelineName="Scheduled")["PipelineArn"]
    assert "created schedule arn:aws:scheduler:us-east-1:123456789012:schedule/default/Nightly\n" in first.stdout
    nightly = scheduler.get_schedule(Name="Nightly")
    assert nightly["ScheduleExpression"] == "cron(0 2 * * ? *)" and nightly["State"] == "ENABLED"
    assert nightly["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = {k: v for k, v in nightly["Target"].items() if k != "RetryPolicy"}  # (the service's default)
    assert target == {"Arn": arn, "RoleArn": ROLE, "SageMakerPipelineParameters": {}}
    assert nightly["StartDate"].isoformat().startswith("2026-12-24T08:00:00")
    default = scheduler.get_schedule(Name="Scheduled")  # unnamed: the pipeline's name, as the SDK names it
    assert default["ScheduleExpression"] == "rate(12 hours)" and default["State"] == "DISABLED"
    assert default["Target"]["RoleArn"] == "arn:aws:iam::123456789012:role/SchedulerRole"
    # someone else's schedule of the same pipeline
    scheduler.create_schedule(Name="ByHand", ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": arn, "RoleArn": ROLE})

    again = aws("deploy", path)
    assert again.returncode == 0 and again.stdout.startswith("unchanged arn:"), again.stdout

    write(tmp_path, SCHEDULED.replace('"0 2 * * ? *"', '"30 3 * * ? *"').replace(
        '''    schedule {
        rate    = "12 hours"
        enabled = false
        role    = "arn:aws:iam::123456789012:role/SchedulerRole"
    }
''', ""))
    planned = aws("diff", path)
    assert planned.returncode == 1
    assert planned.stdout == ("Scheduled: definition unchanged\n"
                              "  schedule Nightly: updated (cron(0 2 * * ? *) -> cron(30 3 * * ? *))\n"
                              "  schedule Scheduled: removed (rate(12 hours))\n"), planned.stdout
    updated = aws("deploy", path, "--yes")
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.startswith("Scheduled: schedules would change\n") and "updated arn:" not in updated.stdout
    assert scheduler.get_schedule(Name="Nightly")["ScheduleExpression"] == "cron(30 3 * * ? *)"
    names = {s["Name"] for s in scheduler.list_schedules()["Schedules"]}
    assert names == {"Nightly", "ByHand"}  # the one pipedsl did not make is left alone
    assert aws("diff", path).returncode == 0


def test_schedules_are_checked_before_anything_reaches_aws(aws, tmp_path):
    path = write(tmp_path, SCHEDULED.replace("param Threshold: Float = 0.5", "param Threshold: Float"))
    refused = aws("deploy", path)
    assert refused.returncode == 1 and "E0303" in refused.stderr and "needs a default" in refused.stderr
    assert aws.sm.list_pipelines()["PipelineSummaries"] == []


def test_the_generated_put_schedules_makes_the_schedules_deploy_makes(aws, tmp_path):
    """The generated SDK code's `put_schedules()` (Pipeline.put_triggers, run by the SDK against
    the same server) and `deploy` make the same schedules; the SDK's own StartDate is the time
    of the call where the file gives none, and pipedsl marks its schedules in the description."""
    import boto3

    scheduler = boto3.client("scheduler", endpoint_url=aws.url, region_name="us-east-1")
    path = write(tmp_path, SCHEDULED)

    def made():
        out = {}
        for summary in scheduler.list_schedules()["Schedules"]:
            got = scheduler.get_schedule(Name=summary["Name"])
            out[got["Name"]] = (got["ScheduleExpression"], got["State"], got["Target"]["Arn"],
                                got["Target"]["RoleArn"], got["Target"].get("SageMakerPipelineParameters"),
                                got["StartDate"].isoformat()[:19] if got["Name"] == "Nightly" else None)
        return out

    assert aws("deploy", path).returncode == 0
    ours = made()
    urllib.request.urlopen(urllib.request.Request(f"{aws.url}/moto-api/reset", method="POST"), timeout=30)
    (tmp_path / "generated.py").write_text(dsl.transpile(path.read_text(), to="sdk", filename=str(path)))
    script = "import generated\ngenerated.pipeline.upsert(role_arn=%r)\ngenerated.put_schedules()\n" % ROLE
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(FAKE, AWS_ENDPOINT_URL=aws.url, SAGEMAKER_SUPPRESS_V2_WARNING="1")
    ran = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert made() == ours
    assert ours["Nightly"][0] == "cron(0 2 * * ? *)" and ours["Scheduled"][1] == "DISABLED"


@pytest.mark.parametrize("case", ["notebook-job", "plain-session", "model-script", "model-repack-script",
                                  "register-model-legacy-repack"])
def test_deploy_puts_the_new_forms_code_where_their_definition_names_it(aws, tmp_path, case):
    """Issue 22: `deploy` of each new form's parity case (a copy, deployed to moto's server)
    puts every local file at the S3 URI the definition names, with the bytes pipedsl made."""
    import shutil

    folder = tmp_path / case
    shutil.copytree(TESTS / "parity" / case, folder, ignore=shutil.ignore_patterns("sdk.py", "__pycache__"))
    path = folder / "case.pipe"
    program, problems = dsl.analyse(path.read_text(), str(path))
    assert not problems
    uploads = {u.uri: u.body() for u in program.uploads()}
    assert uploads
    for bucket in {uri[len("s3://"):].split("/", 1)[0] for uri in uploads}:
        aws.s3.create_bucket(Bucket=bucket)
    deployed = aws("deploy", path, "--role", ROLE)
    assert deployed.returncode == 0, deployed.stderr
    definition = aws.sm.describe_pipeline(PipelineName=program.name)["PipelineDefinition"]
    for uri, body in uploads.items():
        bucket, key = uri[len("s3://"):].split("/", 1)
        assert aws.s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body, uri
        # the definition names the object itself, or the input folder a job reads it from (a
        # notebook job's staged folder): not merely a bucket or an output prefix it lies under
        inputs = re.findall(r'"S3Uri": "(s3://[^"]+)"', definition)
        assert f'{uri}"' in definition or f'{uri}\\"' in definition or any(
            uri.startswith(u + "/") for u in inputs), uri


def test_deploy_does_not_take_over_another_pipelines_schedule(aws, tmp_path):
    """A `schedule` whose name another target's schedule has is refused, not updated (the
    SDK's upsert would point it at this pipeline)."""
    import boto3

    scheduler = boto3.client("scheduler", endpoint_url=aws.url, region_name="us-east-1")
    other = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/other"
    scheduler.create_schedule(Name="Nightly", ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": other, "RoleArn": ROLE})
    refused = aws("deploy", write(tmp_path, SCHEDULED))
    assert refused.returncode == 1
    assert "schedule 'Nightly' already exists and starts something other than this pipeline" in refused.stderr
    assert scheduler.get_schedule(Name="Nightly")["Target"]["Arn"] == other


@pytest.mark.parametrize("case", ["frameworks", "processing-local-code", "tuning-framework", "framework-processor",
                                  "model-inference-code"])
def test_deploy_of_a_v3_pipeline_uploads_its_code_and_stores_the_v3_definition(aws, tmp_path, case):
    """Issue 24: `deploy` of an SDK v3 case (`sdk = 3`): the stored definition is v3's (its
    `MlflowConfig`, its requests) and the code is where it names it (framework training keeps
    v2's runtime contract: the packed code at sagemaker_submit_directory)."""
    import shutil

    folder = tmp_path / case
    shutil.copytree(TESTS / "parity-v3" / case, folder, ignore=shutil.ignore_patterns("sdk_v3.py", "__pycache__"))
    path = folder / "case.pipe"
    program, problems = dsl.analyse(path.read_text(), str(path))
    assert not problems and program.flavour == "v3"
    uploads = {u.uri: u.body() for u in program.uploads()}
    assert uploads
    for bucket in {uri[len("s3://"):].split("/", 1)[0] for uri in uploads}:
        aws.s3.create_bucket(Bucket=bucket)
    deployed = aws("deploy", path, "--role", ROLE)
    assert deployed.returncode == 0, deployed.stderr
    stored = json.loads(aws.sm.describe_pipeline(PipelineName=program.name)["PipelineDefinition"])
    expected = json.loads((folder / "expected.json").read_text())
    assert json.dumps(stored) == json.dumps(expected) and stored["MlflowConfig"] is None
    text = json.dumps(stored)
    for uri, body in uploads.items():
        bucket, key = uri[len("s3://"):].split("/", 1)
        assert aws.s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body, uri
        # named as it is (or JSON-encoded in a hyperparameter), or by a folder it is in (a v3
        # FrameworkProcessor's code: its job's `source/`; a v3 repack job's channels)
        folders = [uri[:i] for i in range(len("s3://"), len(uri)) if uri[i] == "/"]
        named = [uri] + folders + [folder + "/" for folder in folders]
        assert any(f'{name}"' in text or f'{name}\\"' in text for name in named), uri
    # `--sdk 2` deploys the same file's v2 definition (v2's framework tuner keys the code by the
    # tuning job's name, which the v3 file need not pin: said before anything is made)
    again = aws("deploy", path, "--role", ROLE, "--sdk", "2", "--yes")
    if case == "tuning-framework":
        assert again.returncode == 1 and "E0303" in again.stderr and "needs `job_name`" in again.stderr
        return
    if case == "model-inference-code":  # (v2's repack job writes to a timestamped path by default)
        assert again.returncode == 1 and "E0303" in again.stderr and "`repack_output_path`" in again.stderr
        return
    assert again.returncode == 0, again.stderr
    assert "MlflowConfig" not in json.loads(aws.sm.describe_pipeline(PipelineName=program.name)["PipelineDefinition"])


def test_deploy_of_a_v3_function_step_beside_sdk_v2_says_which_sdk_serializes_it(aws, tmp_path):
    """Issue 24: SDK v3 function steps are serialized and signed by SDK v3, which cannot share
    an environment with v2 (this one's): deploy says so, with the extra to install, and creates
    no pipeline (tests/test_sdk_v3.py makes the uploads in the v3 environment)."""
    import shutil

    folder = tmp_path / "function-chain"
    shutil.copytree(TESTS / "parity-v3" / "function-chain", folder, ignore=shutil.ignore_patterns("__pycache__"))
    aws.s3.create_bucket(Bucket="chain-bucket")
    refused = aws("deploy", folder / "case.pipe", "--role", ROLE)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "pipedsl-sagemaker[functions3]" in refused.stderr, refused.stderr
    assert not aws.sm.list_pipelines()["PipelineSummaries"]


VERIFY_SIGNATURES = """
import json, sys, boto3
from sagemaker.core.remote_function.core import serialization
url, bucket, pipeline = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=url)
stored = json.loads(boto3.client("sagemaker", endpoint_url=url).describe_pipeline(
    PipelineName=pipeline)["PipelineDefinition"])
checked = 0
for step in stored["Steps"]:
    key = step["Arguments"].get("Environment", {}).get("REMOTE_FUNCTION_SECRET_KEY")
    for what in ("function", "arguments") if key else ():
        base = f"{pipeline}/{step['Name']}/2025-11-26-12-00-00-123/{what}/"
        read = lambda name: s3.get_object(Bucket=bucket, Key=base + name)["Body"].read()
        serialization._verify_asymmetric_signature(serialization._MetaData.from_json(read("metadata.json")),
                                                   read("payload.pkl"), key)
        checked += 1
print(checked)
"""


@pytest.mark.sdk3
def test_deploy_of_v3_function_steps_from_an_sdk_v3_environment(aws, tmp_path):
    """Issue 24, as a user with SDK v3 runs it (`pip install 'pipedsl-sagemaker[functions3]'`):
    `pipedsl deploy` inside the SDK v3 virtualenv, this source tree on its path, to moto's server,
    with no region in the environment (SDK v3 needs one to import: the pipeline's is given).
    The stored definition is the SDK v3 program's, every object the SDK uploads is there, and
    each signed payload passes the job's check against the stored public key."""
    import shutil

    from conftest import pipedsl_beside_sdk3, sdk3_python

    folder = tmp_path / "function-chain"
    shutil.copytree(TESTS / "parity-v3" / "function-chain", folder, ignore=shutil.ignore_patterns("__pycache__"))
    aws.s3.create_bucket(Bucket="chain-bucket")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in FAKE.items() if k != "AWS_DEFAULT_REGION"},
               PYTHONPATH=str(pipedsl_beside_sdk3(tmp_path)))
    deployed = subprocess.run([str(sdk3_python()), "-m", "dsl", "deploy", str(folder / "case.pipe"), "--region",
                               "us-east-1", "--role", ROLE, "--endpoint-url", aws.url], capture_output=True, text=True,
                              timeout=300, env=env, cwd=tmp_path)
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    stored = json.loads(aws.sm.describe_pipeline(PipelineName="FunctionChain")["PipelineDefinition"])
    assert json.dumps(stored) == json.dumps(json.loads((folder / "expected.json").read_text()))
    keys = {o["Key"] for o in aws.s3.list_objects_v2(Bucket="chain-bucket")["Contents"]}
    assert len(keys) == 17 and "FunctionChain/sagemaker_remote_function_bootstrap/job_driver.sh" in keys
    checked = subprocess.run([str(sdk3_python()), "-c", VERIFY_SIGNATURES, aws.url, "chain-bucket", "FunctionChain"],
                             capture_output=True, text=True, timeout=300, env=dict(env, AWS_DEFAULT_REGION="us-east-1"))
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert checked.stdout.split()[-1] == "6"  # (three steps: each one's function and arguments)
