import boto3

from sagemaker.estimator import Estimator
from sagemaker.huggingface.model import HuggingFaceModel
from sagemaker.pytorch.model import PyTorchModel
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="hf-bucket")
role = "arn:aws:iam::123456789012:role/R"
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img:train", role=role, instance_type="ml.m5.xlarge", instance_count=1,
    output_path="s3://hf-bucket/train", sagemaker_session=session).fit())
data = train.properties.ModelArtifacts.S3ModelArtifacts
# Hugging Face and PyTorch models repack even a lone inference script
hugging_face = HuggingFaceModel(model_data=data, role=role, entry_point="inference.py", transformers_version="4.37",
                                pytorch_version="2.1", py_version="py310", sagemaker_session=session)
register = ModelStep(
    name="RegisterHF",
    step_args=hugging_face.register(content_types=["application/json"], response_types=["application/json"],
                                    inference_instances=["ml.m5.xlarge"], model_package_group_name="Sentiment"),
    repack_model_step_settings={"output_path": "s3://hf-bucket/repacked"})
torch = PyTorchModel(model_data=data, role=role, entry_point="inference.py", framework_version="2.1",
                     py_version="py310", name="sentiment", sagemaker_session=session)
create = ModelStep(name="CreateTorch", step_args=torch.create(instance_type="ml.m5.xlarge"),
                   repack_model_step_settings={"output_path": "s3://hf-bucket/repacked-torch"})
# pipedsl's pin of the repack jobs' code keys (without it the SDK names them after the time)
register.steps[0].job_name = "RegisterHF-RepackModel-0-1d3c6a1a2e2887170b2e0bbf6aca4935548aea58dccf454c189b73b1fd539a5e"
create.steps[0].job_name = "CreateTorch-RepackModel-sentiment-1d3c6a1a2e2887170b2e0bbf6aca4935548aea58dccf454c189b73b1fd539a5e"
pipeline = Pipeline(name="RepackScript", steps=[train, register, create], sagemaker_session=session)
