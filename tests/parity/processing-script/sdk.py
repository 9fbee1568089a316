from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep

session = PipelineSession()
processor = ScriptProcessor(image_uri="img:3", command=["python3", "-u"],
                            role="arn:aws:iam::123456789012:role/R", instance_type="ml.m5.xlarge",
                            instance_count=1, sagemaker_session=session)
step = ProcessingStep(name="Evaluate", step_args=processor.run(
    code="s3://bucket/code/evaluate.py",
    inputs=[ProcessingInput(source="s3://bucket/model", destination="/opt/ml/processing/model")],
    outputs=[ProcessingOutput(output_name="metrics", source="/opt/ml/processing/metrics",
                              destination="s3://bucket/metrics")],
    arguments=["--fast"],
))
pipeline = Pipeline(name="ProcScript", steps=[step], sagemaker_session=session)
