import boto3

from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.model import Model
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="repack-bucket")
role = "arn:aws:iam::123456789012:role/R"
train = TrainingStep(name="Train", step_args=Estimator(
    image_uri="img:train", role=role, instance_type="ml.m5.xlarge", instance_count=1,
    output_path="s3://repack-bucket/train", sagemaker_session=session).fit())
model_data = train.properties.ModelArtifacts.S3ModelArtifacts
register = ModelStep(
    name="Register",
    step_args=Model(
        image_uri=image_uris.retrieve("pytorch", "us-east-1", version="2.1", py_version="py310",
                                      image_scope="inference", instance_type="ml.m5.xlarge"),
        model_data=model_data, role=role, entry_point="inference.py", source_dir="code", dependencies=["lib"],
        env={"MODE": "serve"}, sagemaker_session=session).register(
        framework="PYTORCH", framework_version="2.1", content_types=["application/json"],
        response_types=["application/json"], inference_instances=["ml.m5.xlarge"],
        model_package_group_name="Repacked"),
    repack_model_step_settings={"output_path": "s3://repack-bucket/repacked"})
create = ModelStep(
    name="Create",
    step_args=Model(image_uri="img:serve", model_data=model_data, role=role, name="served",
                    entry_point="inference.py", source_dir="code", sagemaker_session=session).create(),
    repack_model_step_settings={"output_path": "s3://repack-bucket/repacked-create"}, depends_on=[register])
# pipedsl's pin of the repack jobs' code keys (without it the SDK names them after the time;
# tests/test_real_world.py checks the hash against the SDK's own hash_files_or_dirs)
register.steps[0].job_name = "Register-RepackModel-0-8b65664422fe4ea59ad7c6a990d20e8f3f4b940b49ee2a666f8bf688045572b6"
create.steps[0].job_name = "Create-RepackModel-served-64e29f2b7999db7ca04bfc401ce1fa42dc004bb086ce61ad3bbcca8abc6f6c94"
done = FailStep(name="Done", error_message="done", depends_on=[create])
pipeline = Pipeline(name="ModelRepack", steps=[train, register, create, done], sagemaker_session=session)
