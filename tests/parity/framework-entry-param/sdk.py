from sagemaker.pytorch import PyTorch
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

# A framework estimator whose script is chosen when the pipeline runs (issue #22, bug 4):
# the SDK writes `sagemaker_program` as the parameter's `{"Get": ...}`.
session = PipelineSession(default_bucket="b")
entry_point = ParameterString(name="EntryPoint", default_value="train.py")
estimator = PyTorch(entry_point=entry_point, source_dir="s3://b/src.tar.gz", role="arn:aws:iam::123456789012:role/R",
                    instance_type="ml.m5.xlarge", instance_count=1, framework_version="2.1", py_version="py310",
                    sagemaker_session=session, output_path="s3://b/o")
step = TrainingStep(name="T", step_args=estimator.fit())
pipeline = Pipeline(name="EntryParam", parameters=[entry_point], steps=[step], sagemaker_session=session)
