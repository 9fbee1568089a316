from sagemaker.automl.automl import AutoML, AutoMLInput
from sagemaker.workflow.automl_step import AutoMLStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession(default_bucket="automl-bucket")
role = "arn:aws:iam::123456789012:role/SageMakerRole"
data = ParameterString(name="TrainData", default_value="s3://automl-bucket/train.csv")
simple = AutoMLStep(name="Simple", step_args=AutoML(
    role=role, target_attribute_name="label", mode="ENSEMBLING", max_candidates=5, compression_type="Gzip",
    content_type="text/csv;header=present", s3_data_type="S3Prefix", sample_weight_attribute_name="weight",
    sagemaker_session=session).fit(inputs="s3://automl-bucket/train.csv"))
channels = AutoMLStep(name="Channels", step_args=AutoML(
    role=role, mode="ENSEMBLING", output_path="s3://automl-bucket/out", output_kms_key="alias/out",
    max_runtime_per_training_job_in_seconds=600, total_job_runtime_in_seconds=3600,
    encrypt_inter_container_traffic=True, volume_kms_key="alias/volume",
    vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
    feature_specification_s3_uri="s3://automl-bucket/features.json", validation_fraction=0.2,
    problem_type="BinaryClassification", job_objective={"MetricName": "F1"}, tags={"team": "ml"},
    sagemaker_session=session).fit(inputs=[
        AutoMLInput(inputs=data, target_attribute_name="label", channel_type="training",
                    content_type="text/csv;header=present", compression="Gzip"),
        AutoMLInput(inputs="s3://automl-bucket/validation.csv", target_attribute_name="label",
                    channel_type="validation", content_type="text/csv;header=present")]))
pipeline = Pipeline(name="AutoPilot", parameters=[data], steps=[simple, channels], sagemaker_session=session)
