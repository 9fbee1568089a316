from sagemaker.estimator import Estimator
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.function_step import step
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import TrainingStep

from chain_steps import featurize, load, summarize

role = "arn:aws:iam::123456789012:role/SageMakerRole"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/functions:1"
session = PipelineSession(default_bucket="chain-bucket")
source = ParameterString(name="Source", default_value="s3://chain-bucket/raw")

train = TrainingStep(name="Train", step_args=Estimator(
    image_uri=image, role=role, instance_type="ml.m5.xlarge", instance_count=1,
    output_path="s3://chain-bucket/models", sagemaker_session=session).fit())

common = dict(role=role, image_uri=image)
loaded = step(load, name="Load", instance_type="ml.m5.large", retry_policies=[
    SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR], max_attempts=3)],
    **common)(source, ExecutionVariables.PIPELINE_EXECUTION_ID)
features = step(featurize, name="Featurize", instance_type="ml.m5.2xlarge", description="Builds the features",
                **common)(
    loaded[0], train.properties.ModelArtifacts.S3ModelArtifacts, "extra", scale=2)
from sagemaker.workflow.step_outputs import get_step  # noqa: E402
get_step(features).add_depends_on([train])
summary = step(summarize, name="Summarize", instance_type="ml.m5.large", **common)(
    features["features"], loaded, label="final")

pipeline = Pipeline(name="FunctionChain", parameters=[source], steps=[train, loaded, features, summary],
                    sagemaker_session=session)
