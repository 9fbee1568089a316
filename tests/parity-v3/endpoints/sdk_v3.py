# SDK v3 (3.27.0): EndpointConfigStep with Session.create_endpoint_config(production_variants=[...])
# (v3 takes the variants as written: these are the ones v2's production_variant() made), an
# EndpointStep, and a ModelStep from ModelBuilder.build() whose name they read.
from sagemaker.core.workflow.parameters import ParameterInteger
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.endpoint_step import EndpointConfigStep, EndpointStep
from sagemaker.mlops.workflow.model_step import ModelStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.mlops.workflow.steps import CacheConfig
from sagemaker.serve.model_builder import ModelBuilder

ROLE = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="ep-bucket")
count = ParameterInteger(name="Count", default_value=1)
model = ModelBuilder(image_uri="img:serve", s3_model_data_url="s3://ep-bucket/model.tar.gz", role_arn=ROLE, sagemaker_session=session)
make_model = ModelStep(name="MakeModel", step_args=model.build())
config = EndpointConfigStep(
    name="Config",
    step_args=session.create_endpoint_config(
        name="churn-config", production_variants=[{"VariantName": "AllTraffic", "ModelName": make_model.properties.ModelName, "InitialVariantWeight": 1, "InitialInstanceCount": count,
        "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10, "ModelDataDownloadTimeoutInSeconds": 600,
        "ContainerStartupHealthCheckTimeoutInSeconds": 300, "RoutingConfig": {"RoutingStrategy": "RANDOM"}}],
        tags={"team": "ml"}, kms_key="alias/k",
        data_capture_config_dict={"EnableCapture": True, "InitialSamplingPercentage": 20,
                                  "DestinationS3Uri": "s3://ep-bucket/capture",
                                  "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}),
    cache_config=CacheConfig(enable_caching=True),
    retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT],
                                    max_attempts=2)],
)
shadow = EndpointConfigStep(name="Shadow", step_args=session.create_endpoint_config(
    name="churn-shadow", production_variants=[{"VariantName": "AllTraffic", "ModelName": make_model.properties.ModelName, "InitialVariantWeight": 1, "InitialInstanceCount": 1, "InstanceType": "ml.c5.xlarge"}]))
deploy = EndpointStep(
    name="Deploy",
    step_args=session.create_endpoint(endpoint_name="churn", config_name=config.properties.EndpointConfigName,
                                      tags=[{"Key": "team", "Value": "ml"}]),
    depends_on=[shadow], description="serve the model",
)
pipeline = Pipeline(name="Endpoints", parameters=[count], steps=[make_model, config, shadow, deploy],
                    sagemaker_session=session)
