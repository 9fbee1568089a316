"""Debugger and Profiler `rules` on training steps (spec section 14): the table of built-in
rules is the pinned SDK's, every built-in rule gives what the SDK gives, and mistakes are
diagnosed at the value."""
from __future__ import annotations

import importlib.util
import json

from conftest import ROOT
from dsl.plugins.kinds._rules import table

import dsl


def test_the_rule_table_is_what_the_pinned_sdk_has():
    spec = importlib.util.spec_from_file_location("gen_rule_table", ROOT / "tools" / "gen_rule_table.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.build() == table(), "plugins/kinds/debugger_rules.json is stale: run tools/gen_rule_table.py"


def _pipe(rules: str) -> str:
    return ('pipeline AllRules {\n    region = "eu-west-1"\n    default_bucket = "b"\n'
            '    step T: training {\n        image_uri = "img"\n        role = "arn:aws:iam::123456789012:role/R"\n'
            '        instance_type = "ml.m5.xlarge"\n        instance_count = 1\n        output_path = "s3://b/o"\n'
            f'        rules = [{rules}]\n    }}\n}}\n')


def test_every_built_in_rule_is_what_the_sdk_makes(sdk):
    """All 21 Debugger and 10 Profiler rules on one step, in eu-west-1. The hook's collections
    are compared as a set: the SDK keeps them in a Python set, whose order changes per run."""
    debugger, profiler = table()["debugger"], table()["profiler"]
    pipe = _pipe(", ".join(f'{{ rule: "{name}" }}' for name in [*debugger, *profiler]))
    rules = [f"Rule.sagemaker(rule_configs.{spec['function']}())" for spec in debugger.values()]
    rules += [f"ProfilerRule.sagemaker(rule_configs.{name}())" for name in profiler]
    program = f'''
import boto3
from sagemaker.debugger import ProfilerRule, Rule, rule_configs
from sagemaker.estimator import Estimator
from sagemaker.session import Session
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(boto_session=boto3.Session(region_name="eu-west-1"), default_bucket="b")
estimator = Estimator(image_uri="img", role="arn:aws:iam::123456789012:role/R", instance_type="ml.m5.xlarge",
                      instance_count=1, output_path="s3://b/o", sagemaker_session=session, rules=[{", ".join(rules)}])
pipeline = Pipeline(name="AllRules", steps=[TrainingStep(name="T", step_args=estimator.fit())],
                    sagemaker_session=session)
'''
    theirs = json.loads(sdk.definition(code=program))["Steps"][0]["Arguments"]
    ours = json.loads(dsl.transpile(pipe))["Steps"][0]["Arguments"]
    for key in ("DebugRuleConfigurations", "ProfilerRuleConfigurations"):
        assert ours[key] == theirs[key]
    assert len(ours["DebugRuleConfigurations"]) == 21 and len(ours["ProfilerRuleConfigurations"]) == 10
    assert "eu-west-1" in ours["DebugRuleConfigurations"][0]["RuleEvaluatorImage"]
    def collections(arguments):  # the SDK's order is its Python set's
        hook = arguments.pop("DebugHookConfig")
        return sorted(json.dumps(c, sort_keys=True) for c in hook.pop("CollectionConfigurations")), hook

    assert collections(ours) == collections(theirs)
    assert list(ours) == list(theirs) and ours == theirs


def test_rule_mistakes_are_at_their_values():
    text = _pipe('{ rule: "VanishingGradiant" }, { rule: "CPUBottleneck", rule_parameters: { treshold: 5 } }, '
                 '{ name: "Mine", image_uri: "x" }, { rule: "LossNotDecreasing", instance_type: "ml.m5.xlarge" }, '
                 '{ name: "Src", image_uri: "x", instance_type: "ml.m5.xlarge", volume_size_in_gb: 1, '
                 'source: "rule.py", rule_to_invoke: "R" }')
    _, problems = dsl.analyse(text)
    assert [(d.code, d.message, d.hint) for d in problems] == [
        ("E0304", 'no built-in rule "VanishingGradiant"', "did you mean `VanishingGradient`?"),
        ("E0302", "`CPUBottleneck` has no parameter `treshold`", "did you mean `threshold`?"),
        ("E0303", "a custom rule needs `instance_type`", 'or name a built-in rule: { rule: "VanishingGradient" }'),
        ("E0303", "a custom rule needs `volume_size_in_gb`", 'or name a built-in rule: { rule: "VanishingGradient" }'),
        ("E0304", "`instance_type` is not for a built-in Debugger rule",
         "the SDK sets a built-in rule's image, instance type and volume itself"),
        ("E0304", "a custom rule's `source` is an S3 URI: the SDK uploads a local file under a random (uuid4) "
                  "key, different on every run", None),
    ]
    line = text.splitlines().index(next(x for x in text.splitlines() if "rules = [" in x)) + 1
    assert {d.span.line for d in problems} == {line}
    text = ('pipeline P {\n    step T: training {\n        image_uri = "img"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        output_path = "s3://b/o"\n        disable_profiler = true\n'
            '        rules = [{ rule: "StepOutlier" }]\n    }\n}\n')
    _, problems = dsl.analyse(text)
    assert [(d.code, d.span.line, d.span.column, d.message) for d in problems] == [
        ("E0210", 9, 9, "built-in rules need the pipeline's `region`: their image differs by region"),
        ("E0304", 9, 18, "a Profiler rule needs the profiler: this step has `disable_profiler = true`")]
