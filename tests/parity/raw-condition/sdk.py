"""The raw-condition case by hand."""
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals, ConditionGreaterThan, ConditionOr
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline

threshold = ParameterFloat(name="Threshold", default_value=0.5)
mode = ParameterString(name="Mode", default_value="a")
done = FailStep(name="Done", error_message="done")
gate = ConditionStep(
    name="Gate",
    conditions=[ConditionGreaterThan(left=threshold, right=0.1),
                ConditionOr(conditions=[ConditionEquals(left=mode, right="a"), ConditionEquals(left=mode, right="b")])],
    if_steps=[done], else_steps=[])
pipeline = Pipeline(name="RawCondition", parameters=[threshold, mode], steps=[gate])
