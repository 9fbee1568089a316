# SDK v3 (3.27.0): a chain of three `@step` functions passing results, beside a ModelTrainer
# step whose property is an argument. The runner pins the build time and the signing key.
from chain_steps import featurize, load, summarize
from sagemaker.core.shapes import OutputDataConfig
from sagemaker.core.training.configs import Compute
from sagemaker.core.workflow.execution_variables import ExecutionVariables
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.core.workflow.step_outputs import get_step
from sagemaker.mlops.workflow.function_step import step
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.train import ModelTrainer

role = "arn:aws:iam::123456789012:role/SageMakerRole"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/functions:1"
session = PipelineSession(default_bucket="chain-bucket")
source = ParameterString(name="Source", default_value="s3://chain-bucket/raw")

trainer = ModelTrainer(training_image=image, role=role, compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
                       output_data_config=OutputDataConfig(s3_output_path="s3://chain-bucket/models"),
                       sagemaker_session=session)
train = TrainingStep(name="Train", step_args=trainer.train())

common = dict(role=role, image_uri=image)
loaded = step(load, name="Load", instance_type="ml.m5.large", retry_policies=[
    SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR], max_attempts=3)],
    **common)(source, ExecutionVariables.PIPELINE_EXECUTION_ID)
features = step(featurize, name="Featurize", instance_type="ml.m5.2xlarge", description="Builds the features",
                **common)(loaded[0], train.properties.ModelArtifacts.S3ModelArtifacts, "extra", scale=2)
get_step(features).add_depends_on([train])
summary = step(summarize, name="Summarize", instance_type="ml.m5.large", pre_execution_commands=["echo ready"],
               **common)(features["features"], loaded, label="final")

pipeline = Pipeline(name="FunctionChain", parameters=[source], steps=[train, loaded, features, summary],
                    sagemaker_session=session)
