# SDK v3 (3.27.0): a core Processor with every setting the `processing` kind writes, a
# ScriptProcessor with S3 code, a property file read by a condition.
from sagemaker.core.network import NetworkConfig
from sagemaker.core.processing import Processor, ScriptProcessor
from sagemaker.core.shapes import ProcessingInput, ProcessingOutput, ProcessingS3Input, ProcessingS3Output
from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.core.workflow.functions import JsonGet
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.core.workflow.properties import PropertyFile
from sagemaker.mlops.workflow.condition_step import ConditionStep
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

s = PipelineSession(default_bucket="my-bucket")
p = ParameterString(name="InputData", default_value="s3://bucket/raw")
proc = Processor(image_uri="img:1", role="arn:aws:iam::1:role/R", instance_count=1, instance_type="ml.m5.xlarge",
    entrypoint=["python3", "/opt/x.py"], volume_size_in_gb=40, volume_kms_key="vk", output_kms_key="ok", max_runtime_in_seconds=600,
    env={"A": "1"}, tags=[{"Key": "k", "Value": "v"}], network_config=NetworkConfig(enable_network_isolation=True, security_group_ids=["g"], subnets=["s"], encrypt_inter_container_traffic=True),
    sagemaker_session=s)
report = PropertyFile(name="Report", output_name="out", path="report.json")
step = ProcessingStep(name="Prep", property_files=[report], step_args=proc.run(
    inputs=[ProcessingInput(input_name="input-1", s3_input=ProcessingS3Input(s3_uri=p, local_path="/opt/ml/processing/input", s3_data_type="S3Prefix", s3_input_mode="Pipe", s3_data_distribution_type="ShardedByS3Key", s3_compression_type="Gzip")),
            ProcessingInput(input_name="two", s3_input=ProcessingS3Input(s3_uri="s3://b/two", local_path="/opt/ml/processing/two", s3_data_type="S3Prefix"))],
    outputs=[ProcessingOutput(output_name="out", s3_output=ProcessingS3Output(s3_uri="s3://b/out", local_path="/opt/ml/processing/out", s3_upload_mode="Continuous")),
             ProcessingOutput(output_name="def", s3_output=ProcessingS3Output(s3_uri="/opt/ml/processing/def", local_path="/opt/ml/processing/def", s3_upload_mode="EndOfJob"))],
    arguments=["--a", "1"]))
sp = ScriptProcessor(image_uri="img:2", command=["python3"], role="arn:aws:iam::1:role/R", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=s)
step2 = ProcessingStep(name="Script", step_args=sp.run(code="s3://b/code/run.py"))
check = ConditionStep(
    name="Check",
    conditions=[ConditionGreaterThanOrEqualTo(left=JsonGet(step_name="Prep", property_file=report, json_path="score"), right=0.5)],
    if_steps=[step2],
    else_steps=[FailStep(name="Low", error_message="low score")],
)
pipeline = Pipeline(name="ProcessingFull", parameters=[p], steps=[step, check], sagemaker_session=s)
