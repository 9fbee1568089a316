from sagemaker.clarify import BiasConfig, DataConfig
from sagemaker.model_monitor.dataset_format import DatasetFormat
from sagemaker.network import NetworkConfig
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.clarify_check_step import ClarifyCheckStep, DataBiasCheckConfig
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep

session = PipelineSession(default_bucket="cj-bucket")
role = "arn:aws:iam::123456789012:role/R"


def job():
    return CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge", volume_kms_key="vk",
                          output_kms_key="ok", max_runtime_in_seconds=1800,
                          network_config=NetworkConfig(enable_network_isolation=True, security_group_ids=["sg-1"],
                                                       subnets=["subnet-1"], encrypt_inter_container_traffic=True),
                          tags=[{"Key": "team", "Value": "ml"}], env={"A": "1"}, sagemaker_session=session)


data = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(baseline_dataset="s3://b/train.csv",
                                                dataset_format=DatasetFormat.csv(header=False),
                                                output_s3_uri="s3://cj-bucket/dq"),
    check_job_config=job(), model_package_group_name="G")
bias = ClarifyCheckStep(
    name="DataBias",
    clarify_check_config=DataBiasCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://b/train.csv", s3_output_path="s3://cj-bucket/bias",
                               s3_analysis_config_output_path="s3://cj-bucket/configs/bias", label=0,
                               headers=["target", "age"]),
        data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name="age")),
    check_job_config=job(), model_package_group_name="G")
from sagemaker.workflow.pipeline_definition_config import PipelineDefinitionConfig
pipeline = Pipeline(name="CheckJobs", steps=[data, bias], sagemaker_session=session, pipeline_definition_config=PipelineDefinitionConfig(use_custom_job_prefix=True))
