# SDK v3 (3.27.0): QualityCheckStep with every CheckJobConfig setting v3 writes (its NetworkConfig
# fails to serialize), a data quality and a model quality check, a step reading a baseline.
from sagemaker.core.model_monitor.dataset_format import DatasetFormat
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.check_job_config import CheckJobConfig
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.quality_check_step import DataQualityCheckConfig, ModelQualityCheckConfig, QualityCheckStep

session = PipelineSession(default_bucket="qc-bucket")
role = "arn:aws:iam::123456789012:role/R"
data = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(baseline_dataset="s3://b/train.csv",
                                                dataset_format=DatasetFormat.csv(header=False),
                                                output_s3_uri="s3://qc-bucket/dq",
                                                record_preprocessor_script="s3://b/scripts/preprocess.py",
                                                post_analytics_processor_script="s3://b/scripts/post.py"),
    check_job_config=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge", volume_kms_key="vk",
                                    output_kms_key="ok", max_runtime_in_seconds=600, env={"MODE": "check"},
                                    tags=[{"Key": "team", "Value": "ml"}], sagemaker_session=session),
    model_package_group_name="G", supplied_baseline_statistics="s3://b/stats.json",
    supplied_baseline_constraints="s3://b/constraints.json")
model = QualityCheckStep(
    name="ModelQuality",
    quality_check_config=ModelQualityCheckConfig(baseline_dataset="s3://b/pred.csv",
                                                 dataset_format=DatasetFormat.csv(header=False),
                                                 output_s3_uri="s3://qc-bucket/mq", problem_type="Regression",
                                                 inference_attribute="_c0", ground_truth_attribute="_c1"),
    check_job_config=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=50,
                                    sagemaker_session=session),
    skip_check=True, register_new_baseline=True, depends_on=[data])
done = FailStep(name="Done", error_message=model.properties.CalculatedBaselineStatistics)
pipeline = Pipeline(name="QualityChecks", steps=[data, model, done], sagemaker_session=session)
