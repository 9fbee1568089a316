from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_experiment_config import (
    PipelineExperimentConfig, PipelineExperimentConfigProperties,
)

pipeline = Pipeline(
    name="ExpBoth",
    pipeline_experiment_config=PipelineExperimentConfig(
        "churn-experiments", Join(on="", values=["run-", ExecutionVariables.PIPELINE_EXECUTION_ID])
    ),
    steps=[FailStep(name="Stop", error_message=Join(on="", values=[
        PipelineExperimentConfigProperties.EXPERIMENT_NAME, ":", PipelineExperimentConfigProperties.TRIAL_NAME]))],
)
