from sagemaker.workflow.pipeline import Pipeline

pipeline = Pipeline(name="Empty")
