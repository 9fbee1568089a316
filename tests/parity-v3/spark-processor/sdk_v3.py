# SDK v3 (3.27.0): sagemaker.core's PySparkProcessor: local and S3 dependencies (files only: v3
# refuses a local folder), configurations, event logs (an output v3 names spark-event-logs).
from sagemaker.core.shapes import ProcessingOutput, ProcessingS3Output
from sagemaker.core.spark.processing import PySparkProcessor
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="fw-bucket")
role = "arn:aws:iam::123456789012:role/R"
spark = ProcessingStep(name="Spark", step_args=PySparkProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=2,
    sagemaker_session=session).run(submit_app="src/job.py", arguments=["--x", "1"]))
spark_env = ProcessingStep(name="SparkEnv", step_args=PySparkProcessor(
    framework_version="3.1", role=role, instance_type="ml.m5.xlarge", instance_count=1, env={"MODE": "fast"},
    sagemaker_session=session).run(submit_app="s3://b/app.py"))
spark_deps = ProcessingStep(name="SparkDeps", step_args=PySparkProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=2,
    sagemaker_session=session).run(
    submit_app="src/job.py", submit_py_files=["deps/util.py", "s3://b/other.py"],
    submit_jars=["deps/lib.jar"], submit_files=["s3://b/data.txt", "deps/app.conf"],
    configuration=[{"Classification": "spark-defaults",
                    "Properties": {"spark.executor.memory": "2g", "spark.executor.cores": "2"}},
                   {"Classification": "spark-env", "Properties": {},
                    "Configurations": [{"Classification": "export",
                                        "Properties": {"PYSPARK_PYTHON": "/usr/bin/python3"}}]}],
    spark_event_logs_s3_uri="s3://fw-bucket/spark-logs",
    outputs=[ProcessingOutput(output_name="out", s3_output=ProcessingS3Output(local_path="/opt/ml/processing/output", s3_uri="s3://fw-bucket/out", s3_upload_mode="EndOfJob"))]))
spark_jars = ProcessingStep(name="SparkJars", step_args=PySparkProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=1,
    configuration_location="s3://fw-bucket/conf/", sagemaker_session=session).run(
    submit_app="s3://b/app.py", submit_jars=["s3://b/a.jar", "s3://b/b.jar"],
    configuration={"Classification": "spark-defaults", "Properties": {"spark.driver.memory": "1g"}}))
pipeline = Pipeline(name="SparkProcessing", steps=[spark, spark_env, spark_deps, spark_jars], sagemaker_session=session)
