from sagemaker.spark.processing import PySparkProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep

session = PipelineSession(default_bucket="fw-bucket")
role = "arn:aws:iam::123456789012:role/R"
spark = ProcessingStep(name="Spark", step_args=PySparkProcessor(
    framework_version="3.3", role=role, instance_type="ml.m5.xlarge", instance_count=2,
    sagemaker_session=session).run(submit_app="src/job.py", arguments=["--x", "1"]))
spark_env = ProcessingStep(name="SparkEnv", step_args=PySparkProcessor(
    framework_version="3.1", role=role, instance_type="ml.m5.xlarge", instance_count=1, env={"MODE": "fast"},
    sagemaker_session=session).run(submit_app="s3://b/app.py"))
pipeline = Pipeline(name="SparkProcessing", steps=[spark, spark_env], sagemaker_session=session)
