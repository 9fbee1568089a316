"""examples/functions/functions.pipe as an SDK v2 program with `@step` (run from that folder)."""
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.function_step import step
from sagemaker.workflow.parameters import ParameterFloat, ParameterInteger
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

from pipeline_steps.evaluate import evaluate, prepare, train

# the team's config.yaml: the local workdir goes with every @step
config = {"SchemaVersion": "1.0",
          "SageMaker": {"PythonSDK": {"Modules": {"RemoteFunction": {"IncludeLocalWorkDir": True}}}}}
session = PipelineSession(default_bucket="my-bucket", sagemaker_config=config)
defaults = dict(role="arn:aws:iam::123456789012:role/SageMakerRole",
                image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/functions:1",
                instance_type="ml.m5.large", dependencies="requirements.txt")

rows = ParameterInteger(name="Rows", default_value=1000)
learning_rate = ParameterFloat(name="LearningRate", default_value=0.1)

prepared = step(prepare, name="Prepare", **defaults)(rows, fraction=0.25)
trained = step(train, name="Train", **dict(defaults, instance_type="ml.m5.xlarge"))(prepared, learning_rate)
evaluated = step(evaluate, name="Evaluate", **defaults)(trained, prepared)
too_high = FailStep(name="TooHigh", error_message="rmse too high")
check = ConditionStep(name="Check",
                      conditions=[ConditionLessThanOrEqualTo(left=evaluated["metrics"]["rmse"], right=0.5)],
                      else_steps=[too_high])

pipeline = Pipeline(name="Functions", parameters=[rows, learning_rate],
                    steps=[prepared, trained, evaluated, check], sagemaker_session=session)
