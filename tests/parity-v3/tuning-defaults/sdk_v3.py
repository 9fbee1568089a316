# SDK v3 (3.27.0): HyperparameterTuner's defaults.
from sagemaker.core.parameter import ContinuousParameter
from sagemaker.core.training.configs import Compute
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TuningStep
from sagemaker.train import ModelTrainer
from sagemaker.train.tuner import HyperparameterTuner

session = PipelineSession(default_bucket="tune-bucket")
trainer = ModelTrainer(training_image="1.dkr.ecr.us-east-1.amazonaws.com/xgb:1", role="arn:aws:iam::123456789012:role/R",
    compute=Compute(instance_type="ml.m5.xlarge", instance_count=1), hyperparameters={"lr": 0.1, "n": 3}, sagemaker_session=session)
tuner = HyperparameterTuner(model_trainer=trainer, objective_metric_name="auc", hyperparameter_ranges={"lr": ContinuousParameter(0.01, 0.2)}, max_jobs=3)
pipeline = Pipeline(name="T", steps=[TuningStep(name="Tune", step_args=tuner.tune())], sagemaker_session=session)
