from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.pipeline import Pipeline

pipeline = Pipeline(name="ExpNone", pipeline_experiment_config=None, steps=[FailStep(name="Stop")])
