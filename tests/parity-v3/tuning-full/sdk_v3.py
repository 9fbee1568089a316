# SDK v3 (3.27.0): a HyperparameterTuner over a ModelTrainer with every setting the tuner writes.
from sagemaker.core.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sagemaker.core.shapes import CheckpointConfig, OutputDataConfig, RetryStrategy, StoppingCondition, Tag
from sagemaker.core.training.configs import Compute, InputData, Networking
from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TuningStep
from sagemaker.train import ModelTrainer
from sagemaker.train.tuner import HyperparameterTuner

session = PipelineSession(default_bucket="tune-bucket")
depth = ParameterInteger(name="Depth", default_value=9)
optimizer = ParameterString(name="Optimizer", default_value="adam")
data = ParameterString(name="Data", default_value="s3://bucket/train")
trainer = ModelTrainer(
    training_image="img:tune", role="arn:aws:iam::123456789012:role/R",
    compute=Compute(instance_type="ml.m5.xlarge", instance_count=2, volume_size_in_gb=50, enable_managed_spot_training=True),
    stopping_condition=StoppingCondition(max_runtime_in_seconds=3600, max_wait_time_in_seconds=7200),
    output_data_config=OutputDataConfig(s3_output_path="s3://bucket/tuning", kms_key_id="ok"),
    base_job_name="tune",
    hyperparameters={"epochs": 10, "mode": optimizer, "lr": 0.5, "flag": True},
    environment={"STAGE": "tune"}, training_input_mode="Pipe",
    networking=Networking(security_group_ids=["sg-1"], subnets=["subnet-1"]),
    checkpoint_config=CheckpointConfig(s3_uri="s3://bucket/checkpoints", local_path="/opt/ml/checkpoints"),
    tags=[Tag(key="team", value="ml")],
    sagemaker_session=session,
).with_retry_strategy(RetryStrategy(maximum_retry_attempts=2))
tuner = HyperparameterTuner(
    model_trainer=trainer, objective_metric_name="val:acc", objective_type="Minimize",
    hyperparameter_ranges={
        "lr": ContinuousParameter(0.01, 0.2),
        "alpha": ContinuousParameter(1, 10, scaling_type="Logarithmic"),
        "depth": IntegerParameter(2, depth),
        "leaves": IntegerParameter(8, 64, "Linear"),
        "opt": CategoricalParameter(["sgd", optimizer, 3, 0.5, True]),
    },
    metric_definitions=[{"Name": "val:acc", "Regex": "acc=(.*)"}],
    max_jobs=6, max_parallel_jobs=2, strategy="Random", early_stopping_type="Auto",
)
tune = TuningStep(name="Tune", step_args=tuner.tune(inputs=[InputData(channel_name="train", data_source=data), InputData(channel_name="validation", data_source="s3://bucket/val", content_type="text/csv")]))
best = FailStep(name="Best", error_message=tune.properties.TrainingJobSummaries[0].TrainingJobName)
pipeline = Pipeline(name="TuneFull", parameters=[depth, optimizer, data], steps=[tune, best], sagemaker_session=session)
