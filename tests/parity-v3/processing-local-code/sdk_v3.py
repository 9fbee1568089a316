# SDK v3 (3.27.0): a ScriptProcessor with a local script: SDK v3 uploads it at the same key as v2,
# s3://BUCKET/PIPELINE/code/HASH/FILE (the hash covers the path as written and the file).
from sagemaker.core.processing import ScriptProcessor
from sagemaker.core.shapes import ProcessingOutput, ProcessingS3Output
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="my-bucket")
processor = ScriptProcessor(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/proc:1", command=["python3"],
                            role="arn:aws:iam::123456789012:role/R", instance_count=1, instance_type="ml.m5.xlarge",
                            sagemaker_session=session)
step = ProcessingStep(name="Preprocess", step_args=processor.run(
    code="code/preprocess.py", arguments=["--split", "0.2"],
    outputs=[ProcessingOutput(output_name="train", s3_output=ProcessingS3Output(
        s3_uri="s3://my-bucket/train", local_path="/opt/ml/processing/train", s3_upload_mode="EndOfJob"))]))
pipeline = Pipeline(name="LocalCode", steps=[step], sagemaker_session=session)
