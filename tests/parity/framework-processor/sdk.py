from sagemaker.processing import FrameworkProcessor, ProcessingInput, ProcessingOutput
from sagemaker.pytorch import PyTorch
from sagemaker.sklearn import SKLearn
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="fw-bucket")
role = "arn:aws:iam::123456789012:role/R"
torch = ProcessingStep(name="Torch", step_args=FrameworkProcessor(
    estimator_cls=PyTorch, framework_version="2.1", py_version="py310", role=role, instance_type="ml.m5.xlarge",
    instance_count=1, sagemaker_session=session).run(
    code="process.py", source_dir="src",
    inputs=[ProcessingInput(source="s3://b/data", destination="/opt/ml/processing/data", input_name="data")],
    outputs=[ProcessingOutput(output_name="o", source="/opt/ml/processing/o", destination="s3://b/o")],
    arguments=["--a"]))
sk = ProcessingStep(name="Sk", step_args=FrameworkProcessor(
    estimator_cls=SKLearn, framework_version="1.2-1", command=["python3"], role=role, instance_type="ml.m5.xlarge",
    instance_count=1, sagemaker_session=session).run(code="process.py", source_dir="src"))
pipeline = Pipeline(name="FrameworkProcessing", steps=[torch, sk], sagemaker_session=session)
