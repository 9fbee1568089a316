# SDK v3 (3.27.0): `@step` settings from a team's config; v3 uploads the requirements file as
# it is. The runner pins the build time and the signing key.
from jobs.train import train
from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.condition_step import ConditionStep
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.function_step import step
from sagemaker.mlops.workflow.pipeline import Pipeline

# include_local_workdir has no @step keyword: the SDK reads it from its config file
# (SageMaker.PythonSDK.Modules.RemoteFunction.IncludeLocalWorkDir), given here as that dict
config = {"SchemaVersion": "1.0",
          "SageMaker": {"PythonSDK": {"Modules": {"RemoteFunction": {"IncludeLocalWorkDir": True}}}}}
session = PipelineSession(default_bucket="deps-bucket", sagemaker_config=config)
data_uri = ParameterString(name="DataUri", default_value="s3://deps-bucket/data")
epochs = ParameterInteger(name="Epochs", default_value=10)

# what a config.yaml would give every @step of the team
defaults = dict(
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/functions:1",
    instance_type="ml.m5.xlarge",
    dependencies="requirements.txt",
    environment_variables={"STAGE": "prod"},
    subnets=["subnet-0123456789abcdef0"],
    security_group_ids=["sg-0123456789abcdef0"],
    volume_kms_key="arn:aws:kms:us-east-1:123456789012:key/volume",
    tags={"team": "ml"},
)
trained = step(train, name="Train", instance_count=2, volume_size=50, max_runtime_in_seconds=7200,
               max_retry_attempts=2, keep_alive_period_in_seconds=600, use_spot_instances=True,
               max_wait_time_in_seconds=10800, encrypt_inter_container_traffic=True,
               pre_execution_commands=["pip install --upgrade pip", "echo ready"], job_conda_env="py310",
               **defaults)(data_uri, epochs=epochs)
done = FailStep(name="Done", error_message="trained")
check = ConditionStep(name="Check", conditions=[ConditionGreaterThanOrEqualTo(left=trained[1], right=0.8)],
                      if_steps=[done])
pipeline = Pipeline(name="FunctionDependencies", parameters=[data_uri, epochs], steps=[trained, check],
                    sagemaker_session=session)
