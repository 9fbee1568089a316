from sagemaker.processing import ProcessingOutput
from sagemaker.spark.processing import SparkJarProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep

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
    outputs=[ProcessingOutput(output_name="out", source="/opt/ml/processing/output", destination="s3://jar-bucket/out")]))
pipeline = Pipeline(name="SparkJar", steps=[remote, local], sagemaker_session=session)
