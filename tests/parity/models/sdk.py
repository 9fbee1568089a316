from sagemaker.estimator import Estimator
from sagemaker.model import Model
from sagemaker.transformer import Transformer
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.steps import TrainingStep, TransformStep

ROLE = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="model-bucket")
approval = ParameterString(name="Approval", default_value="PendingManualApproval",
                           enum_values=["Approved", "PendingManualApproval"])
stage = ParameterString(name="Stage", default_value="prod")
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img:train", role=ROLE, instance_type="ml.m5.large", instance_count=1,
    output_path="s3://bucket/models", sagemaker_session=session).fit())
model = Model(image_uri="img:serve", model_data=train.properties.ModelArtifacts.S3ModelArtifacts, role=ROLE,
              env={"STAGE": stage, "MODE": "batch"}, name="churn-model",
              vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
              enable_network_isolation=True, sagemaker_session=session)
make_model = ModelStep(name="MakeModel", step_args=model.create(instance_type="ml.m5.large"),
                       display_name="Create the model", description="the serving model",
                       retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT],
                                                       max_attempts=2)])
register_model = Model(image_uri="img:serve", model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
                       role=ROLE, env={"STAGE": stage}, name="registered-model",
                       vpc_config={"Subnets": ["subnet-2"], "SecurityGroupIds": ["sg-2"]},
                       enable_network_isolation=True, sagemaker_session=session)
register = ModelStep(name="Register", step_args=register_model.register(
    content_types=["text/csv"], response_types=["application/json"],
    inference_instances=["ml.m5.large", "ml.m5.xlarge"], transform_instances=["ml.m5.large"],
    model_package_group_name="ChurnModels", approval_status=approval,
    customer_metadata_properties={"owner": "ml-team"}, domain="MACHINE_LEARNING", task="CLASSIFICATION",
    framework="XGBOOST", framework_version="1.7"), depends_on=[make_model], description="register it")
minimal = ModelStep(name="RegisterMinimal", step_args=Model(image_uri="img:serve", sagemaker_session=session)
                    .register(model_package_group_name="ChurnModels"))
batch = TransformStep(name="Batch", step_args=Transformer(
    model_name=make_model.properties.ModelName, instance_type="ml.m5.large", instance_count=1,
    sagemaker_session=session).transform(data="s3://bucket/batch"), depends_on=[register])
report = FailStep(name="Report", error_message=Join(on=" ", values=[
    make_model.properties.ModelArn, register.properties.ModelPackageArn, minimal.properties.ModelApprovalStatus]))
pipeline = Pipeline(name="Models", parameters=[approval, stage],
                    steps=[train, make_model, register, minimal, batch, report], sagemaker_session=session)
