from sagemaker.drift_check_baselines import DriftCheckBaselines
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.model_monitor.dataset_format import DatasetFormat
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, ModelQualityCheckConfig, QualityCheckStep

session = PipelineSession(default_bucket="qc-bucket")
role = "arn:aws:iam::123456789012:role/R"
data = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(baseline_dataset="s3://b/train.csv",
                                                dataset_format=DatasetFormat.csv(header=False),
                                                output_s3_uri="s3://qc-bucket/dq",
                                                record_preprocessor_script="s3://b/scripts/preprocess.py",
                                                post_analytics_processor_script="s3://b/scripts/post.py"),
    check_job_config=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge",
                                    sagemaker_session=session),
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


def js(uri):
    return MetricsSource(s3_uri=uri, content_type="application/json")


register = ModelStep(name="Register", step_args=Model(
    image_uri="img:serve", model_data="s3://b/model.tar.gz", sagemaker_session=session).register(
    model_package_group_name="G",
    model_metrics=ModelMetrics(model_statistics=js(model.properties.CalculatedBaselineStatistics),
                               model_data_statistics=js(data.properties.CalculatedBaselineStatistics)),
    drift_check_baselines=DriftCheckBaselines(
        model_constraints=js(model.properties.BaselineUsedForDriftCheckConstraints),
        model_data_constraints=js(data.properties.BaselineUsedForDriftCheckConstraints))))
pipeline = Pipeline(name="QualityChecks", steps=[data, model, register], sagemaker_session=session)
