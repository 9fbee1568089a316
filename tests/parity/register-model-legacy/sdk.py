from sagemaker.estimator import Estimator
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.step_collections import RegisterModel
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="legacy-bucket")
approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1"
estimator = Estimator(image_uri=image, role="arn:aws:iam::123456789012:role/SageMakerRole", instance_count=1,
                      instance_type="ml.m5.xlarge", output_path="s3://legacy-bucket/models", sagemaker_session=session)
train = TrainingStep(name="Train", step_args=estimator.fit())
register = RegisterModel(
    name="RegisterAbaloneModel",
    estimator=estimator,
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    content_types=["text/csv"],
    response_types=["text/csv"],
    inference_instances=["ml.t2.medium", "ml.m5.large"],
    transform_instances=["ml.m5.large"],
    model_package_group_name="AbalonePackageGroup",
    approval_status=approval,
    model_metrics=ModelMetrics(model_statistics=MetricsSource(s3_uri="s3://legacy-bucket/eval.json",
                                                              content_type="application/json")),
    tags=[{"Key": "team", "Value": "ml"}],
    description="the abalone model",
    display_name="Register abalone",
)
pipeline = Pipeline(name="Legacy", parameters=[approval], steps=[train, register], sagemaker_session=session)
