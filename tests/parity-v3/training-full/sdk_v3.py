# SDK v3 (3.27.0): a ModelTrainer with every setting the `training` kind writes in v3.
from sagemaker.core.shapes import (
    Channel,
    CheckpointConfig,
    DataSource,
    MetricDefinition,
    OutputDataConfig,
    RemoteDebugConfig,
    RetryStrategy,
    S3DataSource,
    SessionChainingConfig,
    StoppingCondition,
    Tag,
    TrainingImageConfig,
)
from sagemaker.core.training.configs import Compute, InputData, Networking
from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.train import ModelTrainer

session = PipelineSession(default_bucket="my-bucket")
train_data = ParameterString(name="TrainData", default_value="s3://b/train")
epochs = ParameterInteger(name="Epochs", default_value=10)

trainer = (
    ModelTrainer(
        training_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:latest",
        role="arn:aws:iam::123456789012:role/R",
        base_job_name="base",
        compute=Compute(
            instance_type="ml.m5.xlarge",
            instance_count=2,
            volume_size_in_gb=50,
            volume_kms_key_id="volume-key",
            keep_alive_period_in_seconds=60,
            enable_managed_spot_training=True,
        ),
        networking=Networking(
            security_group_ids=["sg-1"],
            subnets=["subnet-1"],
            enable_network_isolation=True,
            enable_inter_container_traffic_encryption=True,
        ),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=100, max_wait_time_in_seconds=200),
        training_image_config=TrainingImageConfig(training_repository_access_mode="Vpc"),
        output_data_config=OutputDataConfig(s3_output_path="s3://b/out", kms_key_id="output-key"),
        checkpoint_config=CheckpointConfig(s3_uri="s3://b/checkpoints", local_path="/opt/ml/checkpoints"),
        training_input_mode="FastFile",
        environment={"MODE": "full"},
        hyperparameters={"epochs": epochs, "lr": 0.1, "name": "x", "layers": [1, 2]},
        tags=[Tag(key="team", value="ml")],
        sagemaker_session=session,
    )
    .with_metric_definitions([MetricDefinition(name="loss", regex="loss=(.*)")])
    .with_retry_strategy(RetryStrategy(maximum_retry_attempts=2))
    .with_remote_debug_config(RemoteDebugConfig(enable_remote_debug=True))
    .with_session_chaining_config(SessionChainingConfig(enable_session_tag_chaining=True))
)
step = TrainingStep(
    name="Train",
    step_args=trainer.train(
        input_data_config=[
            InputData(channel_name="train", data_source=train_data, content_type="text/csv"),
            Channel(
                channel_name="validation",
                data_source=DataSource(
                    s3_data_source=S3DataSource(
                        s3_data_type="S3Prefix", s3_uri="s3://b/val", s3_data_distribution_type="ShardedByS3Key"
                    )
                ),
                input_mode="Pipe",
            ),
        ]
    ),
)
pipeline = Pipeline(name="TrainingFull", parameters=[train_data, epochs], steps=[step], sagemaker_session=session)
