# SDK v2 equivalent of examples/churn.pipe (the README's example).
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.processing import ProcessingOutput, Processor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterFloat, ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.pipeline_experiment_config import PipelineExperimentConfig
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest"
session = PipelineSession(default_bucket="my-bucket")
input_data = ParameterString(name="InputDataSource")
instance_count = ParameterInteger(name="InstanceCount", default_value=1)
instance_type = ParameterString(name="InstanceType", default_value="ml.m5.xlarge",
                                enum_values=["ml.m5.xlarge", "ml.m5.2xlarge"])
threshold = ParameterFloat(name="Threshold", default_value=0.7)
train = TrainingStep(
    name="Train",
    step_args=Estimator(image_uri=IMAGE, role=ROLE, instance_type=instance_type,
                        instance_count=instance_count, output_path="s3://my-bucket/models",
                        hyperparameters={"max_depth": 5, "eta": 0.2},
                        sagemaker_session=session).fit(inputs={"training": TrainingInput(s3_data=input_data)}),
    cache_config=CacheConfig(enable_caching=True, expire_after="P30D"),
    retry_policies=[SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR],
                                                max_attempts=3)],
)
report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
evaluate = ProcessingStep(
    name="Evaluate",
    step_args=Processor(image_uri=IMAGE, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                        entrypoint=["python3", "/opt/program/evaluate.py"],
                        sagemaker_session=session).run(
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        arguments=["--model", train.properties.ModelArtifacts.S3ModelArtifacts]),
    property_files=[report],
)
too_low = FailStep(name="TooLow", error_message=Join(on="", values=["accuracy below ", threshold]))
check = ConditionStep(
    name="Check",
    conditions=[ConditionGreaterThanOrEqualTo(
        left=JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.accuracy.value"),
        right=threshold)],
    else_steps=[too_low],
)
pipeline = Pipeline(
    name="ChurnPipeline",
    parameters=[input_data, instance_count, instance_type, threshold],
    pipeline_experiment_config=PipelineExperimentConfig(
        ExecutionVariables.PIPELINE_NAME,
        Join(on="-", values=["CustomTrialName", ExecutionVariables.PIPELINE_EXECUTION_ID])),
    steps=[train, evaluate, check],
    sagemaker_session=session,
)
