from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.network import NetworkConfig
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterFloat, ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep

ROLE = "arn:aws:iam::123456789012:role/R"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/proc:2"
session = PipelineSession(default_bucket="proc-bucket")
raw = ParameterString(name="Raw", default_value="s3://bucket/raw")
count = ParameterInteger(name="Count", default_value=2)
split = ParameterFloat(name="Split", default_value=0.2)
processor = Processor(
    image_uri=IMAGE, role=ROLE, instance_type="ml.c5.xlarge", instance_count=count,
    volume_size_in_gb=50, volume_kms_key="vk", output_kms_key="ok", max_runtime_in_seconds=3600,
    entrypoint=["python3", "/opt/program/prepare.py"], env={"STAGE": "prep", "COUNT": "3"},
    base_job_name="prep",
    network_config=NetworkConfig(enable_network_isolation=True, security_group_ids=["sg-1"],
                                 subnets=["subnet-1"], encrypt_inter_container_traffic=True),
    tags={"team": "ml"}, sagemaker_session=session,
)
prepare = ProcessingStep(
    name="Prepare",
    step_args=processor.run(
        inputs=[
            ProcessingInput(source=raw, destination="/opt/ml/processing/raw", input_name="raw",
                            s3_data_type="ManifestFile", s3_input_mode="Pipe",
                            s3_data_distribution_type="ShardedByS3Key", s3_compression_type="Gzip"),
            ProcessingInput(source="s3://bucket/lookup", destination="/opt/ml/processing/lookup"),
        ],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="report", source="/opt/ml/processing/report",
                             destination="s3://bucket/report", s3_upload_mode="Continuous"),
        ],
        arguments=["--split", split, "--raw", raw, "--run",
                   Join(on="", values=[ExecutionVariables.PIPELINE_EXECUTION_ID])],
    ),
    property_files=[PropertyFile(name="Stats", output_name="report", path="stats.json"),
                    PropertyFile(name="Schema", output_name="report", path="schema/schema.json")],
    cache_config=CacheConfig(enable_caching=True, expire_after="PT12H"),
    retry_policies=[SageMakerJobStepRetryPolicy(
        exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR], max_attempts=5)],
    description="prepare the data",
)
fit = TrainingStep(
    name="Fit",
    step_args=Estimator(
        image_uri=IMAGE, role=ROLE, instance_type="ml.m5.large", instance_count=1,
        output_path="s3://bucket/models",
        environment={"JOB": prepare.properties.ProcessingJobName, "ARN": prepare.properties.ProcessingJobArn},
        sagemaker_session=session,
    ).fit(inputs={"train": TrainingInput(
        s3_data=prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)}),
)
network = ProcessingStep(
    name="Network",
    step_args=Processor(image_uri=IMAGE, role=ROLE, instance_type="ml.c5.xlarge", instance_count=1,
                        network_config=NetworkConfig(subnets=["subnet-9"]),
                        sagemaker_session=session).run(),
)
pipeline = Pipeline(name="ProcFull", parameters=[raw, count, split], steps=[prepare, fit, network],
                    sagemaker_session=session)
