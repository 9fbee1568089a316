# SDK v3 (3.27.0): MonitorBatchTransformStep. v3's pipeline compiler takes no StepCollection, so the
# program lists the collection's steps (`*monitor.steps`) where it goes, in `steps=` and `depends_on=`.
import boto3
from sagemaker.core.model_monitor.dataset_format import DatasetFormat
from sagemaker.core.transformer import Transformer
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.check_job_config import CheckJobConfig
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.monitor_batch_transform_step import MonitorBatchTransformStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.quality_check_step import DataQualityCheckConfig, ModelQualityCheckConfig

session = PipelineSession(boto_session=boto3.Session(region_name="us-east-1"), default_bucket="mbt-bucket")
role = "arn:aws:iam::123456789012:role/R"
transformer = Transformer(model_name="churn-model", instance_count=1, instance_type="ml.m5.xlarge",
                          output_path="s3://mbt-bucket/out", base_transform_job_name="batch", accept="text/csv", assemble_with="Line",
                          sagemaker_session=session)
monitor = MonitorBatchTransformStep(
    name="BatchWithMonitor",
    transform_step_args=transformer.transform(data="s3://mbt-bucket/in", content_type="text/csv", split_type="Line"),
    monitor_configuration=DataQualityCheckConfig(
        baseline_dataset="s3://mbt-bucket/in", dataset_format=DatasetFormat.csv(header=False),
        output_s3_uri="s3://mbt-bucket/monitor"),
    check_job_configuration=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge",
                                           sagemaker_session=session),
    monitor_before_transform=True,
    fail_on_violation=False,
    supplied_baseline_statistics="s3://mbt-bucket/stats.json",
    supplied_baseline_constraints="s3://mbt-bucket/constraints.json",
    display_name="Batch",
    description="scored and checked",
)
done = FailStep(name="Done", error_message=monitor.steps[0].properties.TransformOutput.S3OutputPath, depends_on=[*monitor.steps])
after = MonitorBatchTransformStep(
    name="Predictions",
    transform_step_args=transformer.transform(data="s3://mbt-bucket/in2"),
    monitor_configuration=ModelQualityCheckConfig(
        baseline_dataset=monitor.steps[0].properties.TransformOutput.S3OutputPath,
        dataset_format=DatasetFormat.csv(header=False), output_s3_uri="s3://mbt-bucket/mq",
        problem_type="BinaryClassification", inference_attribute="_c0", ground_truth_attribute="_c1"),
    check_job_configuration=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge",
                                           volume_size_in_gb=60, sagemaker_session=session),
)
report = FailStep(name="Report", error_message=after.steps[1].properties.CalculatedBaselineStatistics)
pipeline = Pipeline(name="Monitored", steps=[*monitor.steps, done, *after.steps, report], sagemaker_session=session)
