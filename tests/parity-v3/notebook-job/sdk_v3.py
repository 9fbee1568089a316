# SDK v3 (3.27.0): NotebookJobStep (its clock-derived names pinned to the case's build_time, as the
# v2 runner pins them), after a ModelTrainer whose artifacts a notebook reads.
import boto3
from sagemaker.core.shapes import OutputDataConfig
from sagemaker.core.training.configs import Compute
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.notebook_job_step import NotebookJobStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.train import ModelTrainer

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="nb-bucket")
role = "arn:aws:iam::123456789012:role/R"
image = "885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:1-cpu"
day = ParameterString(name="Day", default_value="monday")
train = TrainingStep(name="Train", step_args=ModelTrainer(
    training_image="img:train", role=role, compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
    output_data_config=OutputDataConfig(s3_output_path="s3://nb-bucket/train"), sagemaker_session=session).train())
analyse = NotebookJobStep(
    name="Analyse",
    description="the weekly analysis",
    input_notebook="analysis.ipynb",
    image_uri=image,
    kernel_name="python3",
    role=role,
    parameters={"day": day, "model": train.properties.ModelArtifacts.S3ModelArtifacts, "n": "3"},
    environment_variables={"MODE": "report"},
    initialization_script="init.sh",
    additional_dependencies=["helpers"],
    tags=[{"Key": "team", "Value": "ml"}],
    instance_type="ml.m5.xlarge",
    volume_size=50,
    s3_kms_key="kms-out",
    volume_kms_key="kms-vol",
    subnets=["subnet-1"],
    security_group_ids=["sg-1"],
    max_retry_attempts=2,
    max_runtime_in_seconds=3600,
)
report = NotebookJobStep(
    name="Report",
    input_notebook="analysis.ipynb",
    image_uri=image,
    kernel_name="python3",
    role=role,
    notebook_job_name="weekly_report",
    s3_root_uri="s3://nb-reports/root",
    encrypt_inter_container_traffic=False,
    parameters={"input": analyse.properties.OutputNotebookName},
)
report.add_depends_on([analyse])
pipeline = Pipeline(name="Notebooks", parameters=[day], steps=[train, analyse, report], sagemaker_session=session)
