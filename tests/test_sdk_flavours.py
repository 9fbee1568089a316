"""Issue 24 without the SDK: what `--sdk 3` writes at the pipeline level, which kinds it
refuses (located), and how the flavour is chosen. The v3 parity is tests/test_sdk_v3.py."""
import json

import pytest
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
    ('step T: training { image_uri = "i", role = "arn:aws:iam::1:role/R", instance_type = "ml.m5.large", '
     'instance_count = 1, output_path = "s3://b/o" }', 4, "`training` steps are not written for SDK v3 yet"),
    ('step E: emr { cluster_id = "j-1"\n step_config { jar = "s3://b/x.jar" }\n retry Step.THROTTLING }', 6,
     "SDK v3's EMRStep takes no retry policies"),
])
def test_what_v3_cannot_write_yet_is_refused_at_the_member(member, line, words):
    text = FAIL.replace("}\n}\n", "}\n    " + member + "\n}\n") % ""
    _, problems = dsl.analyse(text, sdk=3)
    found = [(p.code, p.span.line, p.message) for p in problems if p.is_error]
    assert any(c == "E0320" and at == line and words in m for c, at, m in found), found
    _, problems = dsl.analyse(text)  # v2 writes them
    assert not [p for p in problems if p.is_error]


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
