from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_experiment_config import PipelineExperimentConfig

pipeline = Pipeline(
    name="ExpTrial",
    pipeline_experiment_config=PipelineExperimentConfig(ExecutionVariables.PIPELINE_NAME, "fixed-run-group"),
    steps=[FailStep(name="Stop", error_message="stop")],
)
