# SDK v3 (3.27.0): ModelTrainer defaults: the output path (named after the image's repository,
# or the base job name), its GZIP compression, one hour of run time, empty hyperparameters.
from sagemaker.core.training.configs import Compute
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.train import ModelTrainer

session = PipelineSession(default_bucket="my-bucket")
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/my-image:latest"
role = "arn:aws:iam::123456789012:role/R"
plain = ModelTrainer(
    training_image=image, role=role, compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
    hyperparameters={"flag": True, "ratio": 1.5}, sagemaker_session=session,
)
named = ModelTrainer(
    training_image=image, role=role, base_job_name="nightly",
    compute=Compute(instance_type="ml.m5.xlarge", instance_count=1), sagemaker_session=session,
)
pipeline = Pipeline(
    name="TrainingDefaults",
    steps=[TrainingStep(name="Plain", step_args=plain.train()), TrainingStep(name="Named", step_args=named.train())],
    sagemaker_session=session,
)
