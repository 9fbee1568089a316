# SDK v3 (3.27.0): sagemaker.core's SparkJarProcessor, with an S3 and a local application.
from sagemaker.core.shapes import ProcessingOutput, ProcessingS3Output
from sagemaker.core.spark.processing import SparkJarProcessor
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="jar-bucket")
role = "arn:aws:iam::123456789012:role/SageMakerRole"
remote = ProcessingStep(name="RemoteJar", step_args=SparkJarProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=2,
    sagemaker_session=session).run(submit_app="s3://jar-bucket/apps/etl.jar", submit_class="com.example.Etl",
                                   arguments=["--date", "2025-11-26"]))
local = ProcessingStep(name="LocalJar", step_args=SparkJarProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=2,
    sagemaker_session=session).run(
    submit_app="app/etl.jar", submit_class="com.example.Etl",
    submit_jars=["deps/lib.jar", "s3://jar-bucket/libs/extra.jar"], submit_files=["deps/app.conf"],
    configuration=[{"Classification": "spark-defaults", "Properties": {"spark.executor.memory": "4g"}}],
    spark_event_logs_s3_uri="s3://jar-bucket/spark-logs",
    outputs=[ProcessingOutput(output_name="out", s3_output=ProcessingS3Output(local_path="/opt/ml/processing/output", s3_uri="s3://jar-bucket/out", s3_upload_mode="EndOfJob"))]))
pipeline = Pipeline(name="SparkJar", steps=[remote, local], sagemaker_session=session)
