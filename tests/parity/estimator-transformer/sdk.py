from sagemaker.estimator import Estimator
from sagemaker.inputs import CreateModelInput, TransformInput
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.step_collections import EstimatorTransformer
from sagemaker.workflow.steps import TrainingStep
session = PipelineSession(default_bucket="scoring-bucket")
est = Estimator(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1", role="arn:aws:iam::123456789012:role/R", instance_count=1, instance_type="ml.m5.large", output_path="s3://scoring-bucket/m", sagemaker_session=session)
train = TrainingStep(name="Train", step_args=est.fit())
et = EstimatorTransformer(name="Batch", estimator=est, model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    model_inputs=CreateModelInput(instance_type="ml.m5.large"), instance_count=1, instance_type="ml.m5.large",
    transform_inputs=TransformInput(data="s3://scoring-bucket/batch", content_type="text/csv"), output_path="s3://scoring-bucket/scores")
pipeline = Pipeline(name="BatchScoring", steps=[train, et], sagemaker_session=session)
