from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_experiment_config import PipelineExperimentConfig

name = ParameterString(name="ExperimentName", default_value="team-experiment")
pipeline = Pipeline(
    name="ExpParam",
    parameters=[name],
    pipeline_experiment_config=PipelineExperimentConfig(name, ExecutionVariables.PIPELINE_EXECUTION_ID),
    steps=[FailStep(name="Stop")],
)
