# SDK v3 (3.27.0): a function feeding a condition and a core Processor; the runner pins the
# build time and the signing key.
from pipeline_steps.evaluate import evaluate, prepare
from sagemaker.core.processing import Processor
from sagemaker.core.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.core.workflow.parameters import ParameterFloat, ParameterInteger
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.condition_step import ConditionStep
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.function_step import step
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

role = "arn:aws:iam::123456789012:role/SageMakerRole"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/functions:1"
session = PipelineSession(default_bucket="my-bucket")

rows = ParameterInteger(name="Rows", default_value=1000)
threshold = ParameterFloat(name="Threshold", default_value=0.5)

prepared = step(prepare, name="Prepare", instance_type="ml.m5.large", role=role, image_uri=image)(rows, fraction=0.25)
evaluated = step(evaluate, name="Evaluate", instance_type="ml.m5.xlarge", role=role, image_uri=image)(prepared, threshold)

report = ProcessingStep(
    name="Report",
    step_args=Processor(role=role, image_uri=image, instance_count=1, instance_type="ml.m5.large",
                        entrypoint=["python3", "/opt/report.py"], sagemaker_session=session).run(
        arguments=["--train-rows", prepared["train"]]),
)
too_high = FailStep(name="TooHigh", error_message="rmse too high")
check = ConditionStep(
    name="Check",
    conditions=[ConditionLessThanOrEqualTo(left=evaluated["metrics"]["rmse"], right=0.5)],
    if_steps=[report],
    else_steps=[too_high],
)

pipeline = Pipeline(name="FunctionCondition", parameters=[rows, threshold],
                    steps=[prepared, evaluated, check], sagemaker_session=session)
