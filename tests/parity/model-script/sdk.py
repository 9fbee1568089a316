import boto3

from sagemaker.estimator import Estimator
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep
from sagemaker.xgboost.model import XGBoostModel

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="script-bucket")
role = "arn:aws:iam::123456789012:role/R"
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img:train", role=role, instance_type="ml.m5.xlarge", instance_count=1,
    output_path="s3://script-bucket/train", sagemaker_session=session).fit())
sklearn_model = SKLearnModel(
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts, role=role, entry_point="serve/predict.py",
    dependencies=["lib"], framework_version="1.2-1", name="churn-sklearn", env={"MODE": "batch"},
    sagemaker_session=session)
create = ModelStep(name="CreateSklearn", step_args=sklearn_model.create(instance_type="ml.m5.large"))
xgboost_model = XGBoostModel(
    model_data="s3://script-bucket/baseline/model.tar.gz", role=role, entry_point="xgb_inference.py",
    framework_version="1.7-1", name="churn-xgboost", sagemaker_session=session)
register = ModelStep(name="RegisterXgboost", step_args=xgboost_model.register(
    content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
    model_package_group_name="Churn"))
pipeline = Pipeline(name="ModelScript", steps=[train, create, register], sagemaker_session=session)
