from sagemaker.estimator import Estimator
from sagemaker.processing import ProcessingOutput, Processor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionEquals, ConditionGreaterThan, ConditionGreaterThanOrEqualTo, ConditionIn,
    ConditionLessThan, ConditionLessThanOrEqualTo, ConditionNot, ConditionOr,
)
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

ROLE = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="cond-bucket")
threshold = ParameterFloat(name="Threshold", default_value=0.7)
mode = ParameterString(name="Mode", default_value="fast")
limit = ParameterInteger(name="Limit", default_value=3)
strict = ParameterBoolean(name="Strict", default_value=False)
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img", role=ROLE, instance_type="ml.m5.large", instance_count=1,
    output_path="s3://bucket/out", sagemaker_session=session).fit())
report = PropertyFile(name="Report", output_name="evaluation", path="evaluation.json")
evaluate = ProcessingStep(name="Evaluate", step_args=Processor(
    image_uri="img", role=ROLE, instance_type="ml.m5.large", instance_count=1,
    sagemaker_session=session).run(outputs=[
        ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")]),
    property_files=[report])


def Not(c):
    return ConditionNot(expression=c)


def And(*cs):
    return Not(ConditionOr(conditions=[Not(c) for c in cs]))


accuracy = JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.accuracy.value")
good = FailStep(name="Good", error_message="good")
low = FailStep(name="Low", error_message=Join(on=" ", values=["accuracy", accuracy, "below", threshold]))
low_too = FailStep(name="LowToo")
conditions = [
    ConditionGreaterThanOrEqualTo(left=accuracy, right=threshold),
    ConditionGreaterThan(left=train.properties.FinalMetricDataList["val:acc"].Value, right=0.5),
    ConditionLessThan(left=limit, right=10),
    ConditionLessThanOrEqualTo(left=limit, right=5),
    ConditionEquals(left=mode, right="fast"),
    Not(ConditionEquals(left=mode, right="full")),
    ConditionIn(value=mode, in_values=["fast", "debug"]),
    Not(ConditionIn(value=mode, in_values=["fast", "full"])),
    Not(ConditionEquals(left=strict, right=True)),
    Not(Not(ConditionEquals(left=strict, right=False))),
    Not(Not(ConditionEquals(left=mode, right="x"))),
    ConditionOr(conditions=[ConditionEquals(left=limit, right=i) for i in (1, 2, 3, 4, 5)]),
    ConditionOr(conditions=[ConditionEquals(left=limit, right=6),
                            And(ConditionEquals(left=mode, right="a"), ConditionEquals(left=strict, right=True))]),
    Not(And(ConditionEquals(left=limit, right=7), ConditionEquals(left=mode, right="b"))),
    ConditionEquals(left=JsonGet(s3_uri=Join(on="/", values=["s3://bucket", ExecutionVariables.PIPELINE_EXECUTION_ID, "out.json"]),
                                 json_path="Result[0]"), right=train.properties.TrainingJobName),
    ConditionEquals(left=JsonGet(step_name=evaluate.name, property_file=report, json_path="a['b']"),
                    right=ExecutionVariables.PIPELINE_NAME),
]
compare = ConditionStep(name="Compare", conditions=conditions, if_steps=[], else_steps=[low, low_too])
inner = ConditionStep(name="Inner", conditions=[ConditionEquals(left=compare.properties.Outcome, right="True")],
                      if_steps=[good])
compare.if_steps.append(inner)
after = FailStep(name="After", depends_on=[compare])
pipeline = Pipeline(name="Conditions", parameters=[threshold, mode, limit, strict],
                    steps=[train, evaluate, compare, after], sagemaker_session=session)
