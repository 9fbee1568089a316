# SDK v3 (3.27.0): sagemaker.core's Transformer with every setting, and its defaults.
from sagemaker.core.transformer import Transformer
from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.mlops.workflow.steps import CacheConfig, TransformStep

session = PipelineSession(default_bucket="my-bucket")
data = ParameterString(name="Input", default_value="s3://bucket/in")
payload = ParameterInteger(name="Payload", default_value=6)
transformer = Transformer(
    model_name="existing-model", instance_type="ml.c5.xlarge", instance_count=2, output_path="s3://bucket/out",
    accept="text/csv", assemble_with="Line", strategy="MultiRecord", max_payload=payload,
    max_concurrent_transforms=4, env={"MODE": "batch"}, output_kms_key="ok", volume_kms_key="vk",
    tags=[{"Key": "team", "Value": "ml"}], base_transform_job_name="batch", sagemaker_session=session)
batch = TransformStep(
    name="Batch",
    step_args=transformer.transform(data=data, content_type="text/csv", split_type="Line", data_type="ManifestFile",
                                    compression_type="Gzip", input_filter="$[1:]", output_filter="$[0,-1]",
                                    join_source="Input"),
    cache_config=CacheConfig(enable_caching=True),
    retry_policies=[SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR],
                                                interval_seconds=10, max_attempts=2)],
)
done = FailStep(name="Done", error_message=batch.properties.TransformOutput.S3OutputPath)
t2 = Transformer(model_name="existing-model", base_transform_job_name="d", instance_type="ml.c5.xlarge", instance_count=1, sagemaker_session=session)
b2 = TransformStep(name="Default", step_args=t2.transform(data="s3://b/x"))
pipeline = Pipeline(name="TransformFull", parameters=[data, payload], steps=[batch, done, b2], sagemaker_session=session)
