# examples/pytorch-quality/pipeline.pipe written with the SageMaker SDK v2 (run from
# examples/pytorch-quality, so that src/ is found).
from sagemaker import image_uris
from sagemaker.drift_check_baselines import DriftCheckBaselines
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.model_monitor.dataset_format import DatasetFormat
from sagemaker.pytorch import PyTorch
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner
from sagemaker.workflow.steps import TrainingStep, TuningStep

role = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
session = PipelineSession(default_bucket="torch-quality-artifacts")
train_data = ParameterString(name="TrainData", default_value="s3://torch-quality-artifacts/data/train.csv")
epochs = ParameterInteger(name="Epochs", default_value=10)

data_quality = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(baseline_dataset=train_data,
                                                dataset_format=DatasetFormat.csv(header=False),
                                                output_s3_uri="s3://torch-quality-artifacts/quality/data"),
    check_job_config=CheckJobConfig(role=role, instance_count=1, instance_type="ml.m5.xlarge",
                                    sagemaker_session=session),
    model_package_group_name="TorchRegressors")
estimator = PyTorch(entry_point="train.py", source_dir="src", framework_version="2.1", py_version="py310",
                    role=role, instance_type="ml.g5.xlarge", instance_count=1,
                    output_path="s3://torch-quality-artifacts/models",
                    hyperparameters={"epochs": epochs, "lr": 0.01}, sagemaker_session=session)
train = TrainingStep(name="Train", step_args=estimator.fit(inputs={"train": train_data}), depends_on=[data_quality])
tuner = HyperparameterTuner(
    PyTorch(entry_point="train.py", source_dir="src", framework_version="2.1", py_version="py310", role=role,
            instance_type="ml.g5.xlarge", instance_count=1, output_path="s3://torch-quality-artifacts/tuning",
            hyperparameters={"epochs": epochs}, sagemaker_session=session),
    objective_metric_name="loss",
    hyperparameter_ranges={"lr": ContinuousParameter(0.001, 0.1, scaling_type="Logarithmic")},
    metric_definitions=[{"Name": "loss", "Regex": "loss=([0-9.]+)"}], objective_type="Minimize", max_jobs=8,
    max_parallel_jobs=2)
tune = TuningStep(name="Tune", step_args=tuner.fit(inputs={"train": train_data}, job_name="torch-regressor-tuning"),
                  depends_on=[data_quality])
register = ModelStep(name="Register", step_args=Model(
    image_uri=image_uris.retrieve("pytorch", region="us-east-1", version="2.1", py_version="py310",
                                  instance_type="ml.m5.xlarge", image_scope="inference"),
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts, sagemaker_session=session).register(
    model_package_group_name="TorchRegressors", content_types=["text/csv"], response_types=["text/csv"],
    model_metrics=ModelMetrics(model_data_statistics=MetricsSource(
        s3_uri=data_quality.properties.CalculatedBaselineStatistics, content_type="application/json")),
    drift_check_baselines=DriftCheckBaselines(model_data_constraints=MetricsSource(
        s3_uri=data_quality.properties.BaselineUsedForDriftCheckConstraints, content_type="application/json"))))
pipeline = Pipeline(name="TorchWithQuality", parameters=[train_data, epochs], steps=[data_quality, train, tune, register],
                    sagemaker_session=session)
