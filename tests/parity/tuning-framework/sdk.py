from sagemaker.pytorch import PyTorch
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TuningStep

session = PipelineSession(default_bucket="fw-bucket")
estimator = PyTorch(entry_point="train.py", source_dir="src", framework_version="2.1", py_version="py310",
                    role="arn:aws:iam::123456789012:role/R", instance_type="ml.g5.xlarge", instance_count=1,
                    hyperparameters={"epochs": 3, "name": "x", "lr": 0.1}, sagemaker_session=session)
tuner = HyperparameterTuner(estimator, objective_metric_name="loss",
                            hyperparameter_ranges={"lr": ContinuousParameter(0.001, 0.1)},
                            metric_definitions=[{"Name": "loss", "Regex": "loss=(.*)"}], objective_type="Minimize",
                            max_jobs=4, max_parallel_jobs=2)
tune = TuningStep(name="Tune", step_args=tuner.fit(inputs={"train": "s3://b/t"}, job_name="torch-tune"))
pipeline = Pipeline(name="TuneTorch", steps=[tune], sagemaker_session=session)
