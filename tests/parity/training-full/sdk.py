from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import (
    SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy, StepExceptionTypeEnum, StepRetryPolicy,
)
from sagemaker.workflow.steps import CacheConfig, TrainingStep

session = PipelineSession(default_bucket="my-bucket")
train_data = ParameterString(name="TrainData", default_value="s3://bucket/train")
epochs = ParameterInteger(name="Epochs", default_value=10)
lr = ParameterFloat(name="LearningRate", default_value=0.1)
gpu = ParameterBoolean(name="UseGpu", default_value=False)
opt = ParameterString(name="Optimizer", default_value="adam")
estimator = Estimator(
    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1",
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    instance_type="ml.p3.2xlarge",
    instance_count=2,
    volume_size=100,
    max_run=7200,
    output_path=Join(on="", values=["s3://bucket/models/", ExecutionVariables.PIPELINE_EXECUTION_ID]),
    base_job_name="churn",
    hyperparameters={
        "epochs": epochs, "lr": lr, "gpu": gpu, "optimizer": opt, "depth": 5, "eta": 0.2,
        "tiny": 1e-5, "on": True, "off": False, "nothing": None, "name": "xgb", "with space": "v",
        "run": ExecutionVariables.PIPELINE_EXECUTION_ID, "joined": Join(on="-", values=["a", opt]),
        "text": Join(on="", values=[opt, "-x"]),
    },
    environment={"MODE": "train", "OPT": opt},
    input_mode="FastFile",
    metric_definitions=[{"Name": "val:acc", "Regex": "acc=([0-9.]+)"}],
    enable_network_isolation=True,
    subnets=["subnet-1", "subnet-2"],
    security_group_ids=["sg-1"],
    volume_kms_key="volume-key",
    output_kms_key="output-key",
    disable_profiler=True,
    tags=[{"Key": "team", "Value": "ml"}],
    sagemaker_session=session,
)
step = TrainingStep(
    name="Train",
    step_args=estimator.fit(inputs={
        "train": TrainingInput(s3_data=train_data),
        "validation": TrainingInput(s3_data="s3://bucket/validation", content_type="text/csv",
                                    distribution="ShardedByS3Key", s3_data_type="ManifestFile",
                                    input_mode="Pipe"),
    }),
    display_name="Train the model",
    description="trains",
    cache_config=CacheConfig(enable_caching=True, expire_after="P30D"),
    retry_policies=[
        StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
                        max_attempts=3, expire_after_mins=60, backoff_rate=3, interval_seconds=5),
        SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR,
                                                     SageMakerJobExceptionTypeEnum.CAPACITY_ERROR,
                                                     SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT],
                                    expire_after_mins=0),
    ],
)
pipeline = Pipeline(name="TrainFull", parameters=[train_data, epochs, lr, gpu, opt], steps=[step],
                    sagemaker_session=session)
