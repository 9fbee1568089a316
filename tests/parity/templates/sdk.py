from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.processing import Processor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

session = PipelineSession()
ROLE = "arn:aws:iam::123456789012:role/R"


def job(instance_type="ml.m5.large", hyperparameters=None, **extra):
    return Estimator(image_uri="img:train", role=ROLE, instance_type=instance_type, instance_count=1,
                     output_path="s3://bucket/models", hyperparameters=hyperparameters or {"epochs": 10},
                     sagemaker_session=session, **extra)


small = TrainingStep(name="Small", step_args=job().fit(
    inputs={"train": TrainingInput(s3_data="s3://bucket/train", content_type="text/csv")}))
large = TrainingStep(name="Large", step_args=job("ml.m5.4xlarge", {"epochs": 50}, volume_size=100).fit(
    inputs={"train": TrainingInput(s3_data="s3://bucket/train-full"),
            "extra": TrainingInput(s3_data="s3://bucket/extra")}))
report = ProcessingStep(name="Report", step_args=Processor(
    image_uri="img:proc", role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
    entrypoint=["python3", "/opt/program/run.py"], sagemaker_session=session).run(
    arguments=["--models", small.properties.ModelArtifacts.S3ModelArtifacts,
               large.properties.ModelArtifacts.S3ModelArtifacts]))
pipeline = Pipeline(name="Templates", steps=[small, large, report], sagemaker_session=session)
