from sagemaker.inputs import CreateModelInput
from sagemaker.model import Model
from sagemaker.transformer import Transformer
from sagemaker.inputs import TransformInput
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.steps import CreateModelStep, TransformStep

session = PipelineSession(default_bucket="legacy-bucket")
model = Model(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1",
              model_data="s3://legacy-bucket/model.tar.gz", role="arn:aws:iam::123456789012:role/SageMakerRole",
              env={"MODE": "batch"}, sagemaker_session=session)
make = CreateModelStep(name="MakeModel", model=model, inputs=CreateModelInput(instance_type="ml.m5.large"),
                       retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING],
                                                       max_attempts=3)])
transform = TransformStep(name="Score", step_args=Transformer(
    model_name=make.properties.ModelName, instance_type="ml.m5.large", instance_count=1,
    output_path="s3://legacy-bucket/scores", sagemaker_session=session).transform(
    data="s3://legacy-bucket/batch", content_type="text/csv"))
pipeline = Pipeline(name="LegacyModel", steps=[make, transform], sagemaker_session=session)
