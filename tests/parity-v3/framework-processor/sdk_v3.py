# SDK v3 (3.27.0): sagemaker.core's FrameworkProcessor with the framework's image; run(job_name=...)
# names the code's folder (s3://BUCKET/JOB/source/: sourcedir.tar.gz, install_requirements.py).
# The second job name is the one pipedsl derives when the .pipe file gives none (the image's
# repository and 23 hex digits of the code's hash, where SDK v3 puts the clock).
from sagemaker.core.processing import FrameworkProcessor
from sagemaker.core.shapes import ProcessingInput, ProcessingOutput, ProcessingS3Input, ProcessingS3Output
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="fw-bucket")
role = "arn:aws:iam::123456789012:role/R"
torch = ProcessingStep(name="Torch", step_args=FrameworkProcessor(
    image_uri="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310", role=role, instance_type="ml.m5.xlarge",
    instance_count=1, sagemaker_session=session).run(
    code="process.py", source_dir="src", job_name="torch-proc",
    inputs=[ProcessingInput(input_name="data", s3_input=ProcessingS3Input(s3_uri="s3://b/data", local_path="/opt/ml/processing/data", s3_data_type="S3Prefix"))],
    outputs=[ProcessingOutput(output_name="o", s3_output=ProcessingS3Output(local_path="/opt/ml/processing/o", s3_uri="s3://b/o", s3_upload_mode="EndOfJob"))],
    arguments=["--a"]))
sk = ProcessingStep(name="Sk", step_args=FrameworkProcessor(
    image_uri="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", command=["python3"], role=role, instance_type="ml.m5.xlarge",
    instance_count=1, sagemaker_session=session).run(code="process.py", source_dir="src", job_name="sagemaker-scikit-learn-72f95596a96b2c0e1a1845e"))
pipeline = Pipeline(name="FrameworkProcessing", steps=[torch, sk], sagemaker_session=session)
