from sagemaker.tensorflow import TensorFlow
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

# Text built from a `let` in the .pipe file (`"s3://${bucket}/x"`) is plain text to the SDK
# (issue #22, bug 2): JSON-encoded in a framework's hyperparameters like any literal.
bucket = "b"
session = PipelineSession(default_bucket="b")
estimator = TensorFlow(entry_point="train.py", source_dir=f"s3://{bucket}/src.tar.gz", model_dir=f"s3://{bucket}/model",
                       hyperparameters={"path": f"s3://{bucket}/x"}, role="arn:aws:iam::123456789012:role/R",
                       instance_type="ml.m5.xlarge", instance_count=1, framework_version="2.13", py_version="py310",
                       sagemaker_session=session, output_path="s3://b/o")
step = TrainingStep(name="T", step_args=estimator.fit())
pipeline = Pipeline(name="FoldedText", steps=[step], sagemaker_session=session)
