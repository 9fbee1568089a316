from sagemaker.model import Model
from sagemaker.workflow.endpoint_step import EndpointConfigStep, EndpointStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.steps import CacheConfig

ROLE = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="ep-bucket")
count = ParameterInteger(name="Count", default_value=1)
model = Model(image_uri="img:serve", model_data="s3://ep-bucket/model.tar.gz", role=ROLE, sagemaker_session=session)
make_model = ModelStep(name="MakeModel", step_args=model.create())
config = EndpointConfigStep(
    name="Config",
    step_args=session.create_endpoint_config(
        name="churn-config", model_name=make_model.properties.ModelName, initial_instance_count=count,
        instance_type="ml.m5.large", volume_size=10, model_data_download_timeout=600,
        container_startup_health_check_timeout=300, routing_config={"RoutingStrategy": "RANDOM"},
        tags={"team": "ml"}, kms_key="alias/k",
        data_capture_config_dict={"EnableCapture": True, "InitialSamplingPercentage": 20,
                                  "DestinationS3Uri": "s3://ep-bucket/capture",
                                  "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}),
    cache_config=CacheConfig(enable_caching=True),
    retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT],
                                    max_attempts=2)],
)
shadow = EndpointConfigStep(name="Shadow", step_args=session.create_endpoint_config(
    name="churn-shadow", model_name=make_model.properties.ModelName, instance_type="ml.c5.xlarge"))
deploy = EndpointStep(
    name="Deploy",
    step_args=session.create_endpoint(endpoint_name="churn", config_name=config.properties.EndpointConfigName,
                                      tags=[{"Key": "team", "Value": "ml"}]),
    depends_on=[shadow], description="serve the model",
)
pipeline = Pipeline(name="Endpoints", parameters=[count], steps=[make_model, config, shadow, deploy],
                    sagemaker_session=session)
