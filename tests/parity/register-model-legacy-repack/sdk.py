import boto3

from sagemaker.estimator import Estimator
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.step_collections import RegisterModel
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="legacy-bucket")
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"
estimator = Estimator(image_uri=image, role="arn:aws:iam::123456789012:role/SageMakerRole", instance_count=1,
                      instance_type="ml.m5.xlarge", subnets=["subnet-1"], security_group_ids=["sg-1"],
                      output_path="s3://legacy-bucket/models", sagemaker_session=session)
train = TrainingStep(name="Train", step_args=estimator.fit())
register = RegisterModel(
    name="RegisterAbaloneModel",
    estimator=estimator,
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    content_types=["text/csv"],
    response_types=["text/csv"],
    inference_instances=["ml.m5.large"],
    transform_instances=["ml.m5.large"],
    model_package_group_name="AbalonePackageGroup",
    entry_point="inference.py",
    source_dir="code",
    dependencies=["lib"],
    tags=[{"Key": "team", "Value": "ml"}],
    description="the abalone model",
    display_name="Register abalone",
    depends_on=[train],
)
# pipedsl's pin of the repack job's code key (without it the SDK names the job after the time)
register.steps[0].job_name = "RegisterAbaloneModel-RepackModel-8b65664422fe4ea59ad7c6a990d20e8f3f4b940b49ee2a666f8bf688045572b6"
pipeline = Pipeline(name="LegacyRepack", steps=[train, register], sagemaker_session=session)
