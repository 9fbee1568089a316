from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.pipeline import Pipeline

pipeline = Pipeline(name="ExpDefault", steps=[FailStep(name="Stop")])
