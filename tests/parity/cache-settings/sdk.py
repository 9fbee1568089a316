from sagemaker.estimator import Estimator
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import CacheConfig, TrainingStep

session = PipelineSession(default_bucket="cache-bucket")


def job(name, cache):
    estimator = Estimator(image_uri="img:train", role="arn:aws:iam::123456789012:role/R",
                          instance_type="ml.m5.large", instance_count=1, sagemaker_session=session)
    return TrainingStep(name=name, step_args=estimator.fit(), cache_config=cache)


steps = [job("On", CacheConfig(enable_caching=True)), job("Off", CacheConfig(enable_caching=False)),
         job("Month", CacheConfig(enable_caching=True, expire_after="30d")),
         job("Paused", CacheConfig(enable_caching=False, expire_after="30d")),
         job("Explicit", CacheConfig(enable_caching=True, expire_after="PT12H"))]
pipeline = Pipeline(name="CacheSettings", steps=steps, sagemaker_session=session)
