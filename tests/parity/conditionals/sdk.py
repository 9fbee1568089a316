from sagemaker.estimator import Estimator
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

STAGE, GPU, REGIONS = "prod", False, ["us-east-1", "eu-west-1"]
session = PipelineSession()
bucket = "s3://prod-bucket" if STAGE == "prod" else "s3://dev-bucket"
parameters = [ParameterString(name="Approval", default_value="PendingManualApproval")] if STAGE == "prod" else []
if GPU:
    extra = {"instance_type": "ml.p3.2xlarge"}
elif STAGE == "prod" and "eu-west-1" in REGIONS:
    extra = {"instance_type": "ml.m5.4xlarge", "volume_size": 200}
else:
    extra = {"instance_type": "ml.m5.large"}
if STAGE not in ["dev", "test"]:
    extra["max_run"] = 7200
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img:train", role="arn:aws:iam::123456789012:role/R", instance_count=1,
    output_path=f"{bucket}/models", sagemaker_session=session, **extra).fit())
steps = [train]
pipeline = Pipeline(name="Conditionals", parameters=parameters, steps=steps, sagemaker_session=session)
