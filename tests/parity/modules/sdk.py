from sagemaker.estimator import Estimator
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

ACCOUNT, TEAM = "123456789012", "churn"
session = PipelineSession()
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri=f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{TEAM}:latest",
    role=f"arn:aws:iam::{ACCOUNT}:role/{TEAM}", instance_type="ml.m5.large", instance_count=1,
    output_path=f"s3://{TEAM}-bucket/models", sagemaker_session=session).fit())
pipeline = Pipeline(name=f"{TEAM}-training", steps=[train], sagemaker_session=session)
