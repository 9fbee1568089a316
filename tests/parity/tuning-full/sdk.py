from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sagemaker.tuner import HyperparameterTuner
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, TuningStep

session = PipelineSession(default_bucket="tune-bucket")
max_jobs = ParameterInteger(name="MaxJobs", default_value=6)
depth = ParameterInteger(name="Depth", default_value=9)
optimizer = ParameterString(name="Optimizer", default_value="adam")
data = ParameterString(name="Data", default_value="s3://bucket/train")
estimator = Estimator(
    image_uri="img:tune", role="arn:aws:iam::123456789012:role/R", instance_type="ml.m5.xlarge",
    instance_count=2, volume_size=50, max_run=3600, output_path="s3://bucket/tuning", base_job_name="tune",
    hyperparameters={"epochs": 10, "mode": optimizer, "lr": 0.5, "flag": True},
    environment={"STAGE": "tune"}, input_mode="Pipe", enable_network_isolation=True,
    use_spot_instances=True, max_wait=7200, checkpoint_s3_uri="s3://bucket/checkpoints",
    checkpoint_local_path="/opt/ml/checkpoints", encrypt_inter_container_traffic=True, max_retry_attempts=2,
    subnets=["subnet-1"], security_group_ids=["sg-1"], volume_kms_key="vk", output_kms_key="ok",
    disable_profiler=True, tags={"team": "ml"}, sagemaker_session=session,
)
tuner = HyperparameterTuner(
    estimator=estimator, objective_metric_name="val:acc", objective_type="Minimize",
    hyperparameter_ranges={
        "lr": ContinuousParameter(0.01, 0.2),
        "alpha": ContinuousParameter(1, 10, scaling_type="Logarithmic"),
        "depth": IntegerParameter(2, depth),
        "leaves": IntegerParameter(8, 64, "Linear"),
        "opt": CategoricalParameter(["sgd", optimizer, 3, 0.5, True]),
    },
    metric_definitions=[{"Name": "val:acc", "Regex": "acc=(.*)"}],
    max_jobs=max_jobs, max_parallel_jobs=2, strategy="Random", early_stopping_type="Auto",
)
tune = TuningStep(
    name="Tune",
    step_args=tuner.fit(inputs={"train": TrainingInput(s3_data=data),
                                "validation": TrainingInput(s3_data="s3://bucket/val", content_type="text/csv")}),
    cache_config=CacheConfig(enable_caching=True, expire_after="P1D"),
    retry_policies=[SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT],
                                                max_attempts=4)],
    display_name="Tune the model",
)
best = FailStep(name="Best", error_message=tune.properties.TrainingJobSummaries[0].TrainingJobName)
status = FailStep(name="Status", error_message=tune.properties.HyperParameterTuningJobStatus)
pipeline = Pipeline(name="TuneFull", parameters=[max_jobs, depth, optimizer, data], steps=[tune, best, status],
                    sagemaker_session=session)
