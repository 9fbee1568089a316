from sagemaker.model import Model
from sagemaker.pipeline import PipelineModel
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession(default_bucket="serving-bucket")
role = "arn:aws:iam::123456789012:role/SageMakerRole"
preprocess = Model(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn-preprocess:1",
                   model_data="s3://serving-bucket/preprocess.tar.gz", env={"SAGEMAKER_PROGRAM": "preprocess.py"},
                   sagemaker_session=session)
xgboost = Model(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1",
                model_data="s3://serving-bucket/xgboost.tar.gz", sagemaker_session=session)
serving = PipelineModel(models=[preprocess, xgboost], role=role, sagemaker_session=session)
make = ModelStep(name="MakeServing", step_args=serving.create(instance_type="ml.m5.large"))
register = ModelStep(name="RegisterServing", step_args=serving.register(
    content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
    transform_instances=["ml.m5.large"], model_package_group_name="ServingModels"))
pipeline = Pipeline(name="Serving", steps=[make, register], sagemaker_session=session)
