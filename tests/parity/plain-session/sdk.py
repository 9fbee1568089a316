import boto3

import sagemaker
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

# the legacy step forms of older SageMaker Projects templates, built with a plain Session
session = sagemaker.session.Session(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="plain-bucket")
role = "arn:aws:iam::123456789012:role/R"
raw = ParameterString(name="RawData", default_value="s3://plain-bucket/raw")
processor = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1,
                             base_job_name="prep", sagemaker_session=session)
prep = ProcessingStep(
    name="Preprocess",
    processor=processor,
    inputs=[ProcessingInput(source=raw, destination="/opt/ml/processing/input")],
    outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train")],
    job_arguments=["--split", "0.2"],
    code="code/preprocess.py",
)
prep.job_name = "preprocess-v1"
sklearn = SKLearn(entry_point="train.py", source_dir="code", framework_version="1.2-1", role=role,
                  instance_type="ml.m5.xlarge", instance_count=1, code_location="s3://plain-bucket/codeloc",
                  hyperparameters={"alpha": 0.5}, sagemaker_session=session)
train = TrainingStep(name="Train", estimator=sklearn, inputs={"train": TrainingInput(
    s3_data=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)})
train.job_name = "train-v1"
generic = Estimator(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1", role=role,
                    instance_type="ml.m5.xlarge", instance_count=1, output_path="s3://plain-bucket/models",
                    sagemaker_session=session)
boost = TrainingStep(name="Boost", estimator=generic, inputs={"train": TrainingInput(s3_data="s3://plain-bucket/t")},
                     depends_on=[train])
pipeline = Pipeline(name="Plain", parameters=[raw], steps=[prep, train, boost], sagemaker_session=session)
