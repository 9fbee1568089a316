from sagemaker.lambda_helper import Lambda
from sagemaker.workflow.callback_step import CallbackOutput, CallbackOutputTypeEnum, CallbackStep
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import CacheConfig

arg = ParameterString(name="Arg", default_value="x")
notify = LambdaStep(
    name="Notify",
    lambda_func=Lambda(function_arn="arn:aws:lambda:us-east-1:123456789012:function:notify"),
    inputs={"exec": ExecutionVariables.PIPELINE_EXECUTION_ARN, "n": 1, "nested": {"a": [1, arg]}, "flag": True},
    outputs=[LambdaOutput(output_name="status", output_type=LambdaOutputTypeEnum.String),
             LambdaOutput(output_name="count", output_type=LambdaOutputTypeEnum.Integer),
             LambdaOutput(output_name="ok", output_type=LambdaOutputTypeEnum.Boolean),
             LambdaOutput(output_name="score", output_type=LambdaOutputTypeEnum.Float)],
    cache_config=CacheConfig(enable_caching=True, expire_after="PT1H"),
    display_name="Notify", description="tell someone",
)
approve = CallbackStep(
    name="Approve",
    sqs_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
    inputs={"arg": arg, "status": notify.properties.Outputs["status"]},
    outputs=[CallbackOutput(output_name="decision", output_type=CallbackOutputTypeEnum.String)],
    depends_on=[notify], cache_config=CacheConfig(enable_caching=False),
)
bare = LambdaStep(name="Bare", lambda_func=Lambda(function_arn="arn:aws:lambda:us-east-1:123456789012:function:bare"))
stop = FailStep(name="Stop", error_message=Join(on="", values=[
    notify.properties.Outputs["status"], ": ", notify.properties.Outputs["count"]]))
gate = ConditionStep(name="Gate", conditions=[
    ConditionEquals(left=approve.properties.Outputs["decision"], right="yes"),
    ConditionEquals(left=notify.properties.Outputs["ok"], right=True)], else_steps=[stop])
pipeline = Pipeline(name="Callouts", parameters=[arg], steps=[notify, approve, bare, gate])
