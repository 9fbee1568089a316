from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, TrainingStep

session = PipelineSession(default_bucket="defaults-bucket")
count = ParameterInteger(name="Count", default_value=1)
data = ParameterString(name="Data")
first = TrainingStep(
    name="First",
    step_args=Estimator(image_uri="img:1", role="arn:aws:iam::123456789012:role/R",
                        instance_type="ml.m5.large", instance_count=count,
                        tags={"team": "ml", "stage": "dev"}, enable_network_isolation=False,
                        disable_profiler=False, hyperparameters={},
                        sagemaker_session=session).fit(inputs={"training": TrainingInput(s3_data=data)}),
    cache_config=CacheConfig(enable_caching=True),
    retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING])],
)
second = TrainingStep(
    name="Second",
    step_args=Estimator(image_uri="img:1", role="arn:aws:iam::123456789012:role/R",
                        instance_type="ml.m5.large", instance_count=1, environment={},
                        sagemaker_session=session).fit(
        inputs={"model": TrainingInput(s3_data=first.properties.ModelArtifacts.S3ModelArtifacts)}),
    cache_config=CacheConfig(enable_caching=False),
    depends_on=[first],
)
pipeline = Pipeline(name="TrainDefaults", parameters=[count, data], steps=[first, second],
                    sagemaker_session=session)
