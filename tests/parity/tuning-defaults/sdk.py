from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.parameter import CategoricalParameter
from sagemaker.tuner import HyperparameterTuner
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TuningStep

session = PipelineSession(default_bucket="tune-bucket")
estimator = Estimator(image_uri="img:tune", role="arn:aws:iam::123456789012:role/R",
                      instance_type="ml.m5.xlarge", instance_count=1, sagemaker_session=session)
tuner = HyperparameterTuner(estimator=estimator, objective_metric_name="loss",
                            hyperparameter_ranges={"c": CategoricalParameter(["a"])})
tune = TuningStep(name="Tune", step_args=tuner.fit(inputs={"training": TrainingInput(s3_data="s3://bucket/train")}))
pipeline = Pipeline(name="TuneDefaults", steps=[tune], sagemaker_session=session)
