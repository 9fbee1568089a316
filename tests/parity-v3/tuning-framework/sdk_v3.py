# SDK v3 (3.27.0): a HyperparameterTuner over a framework's image with SDK v2's runtime contract
# in the ModelTrainer's hyperparameters, as the v3 case `frameworks` trains (v3 has no framework
# estimators): the framework's image, the hyperparameters JSON-encoded as v2's PyTorch encodes
# them, and sagemaker_program/_submit_directory naming the packed code at the code hash's key
# (SDK v2's key for a training step's code; `pipedsl deploy` uploads it there).
from sagemaker.core.parameter import ContinuousParameter
from sagemaker.core.training.configs import Compute, InputData
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TuningStep
from sagemaker.train import ModelTrainer
from sagemaker.train.tuner import HyperparameterTuner

session = PipelineSession(default_bucket="fw-bucket")
code = "s3://fw-bucket/TuneTorch/code/879fe0f89efb3a5174c3594a38d241de58b2c6de58f89ca0badbeb3bf304b887/sourcedir.tar.gz"
trainer = ModelTrainer(
    training_image="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
    role="arn:aws:iam::123456789012:role/R",
    compute=Compute(instance_type="ml.g5.xlarge", instance_count=1),
    hyperparameters={"epochs": "3", "name": '"x"', "lr": "0.1", "sagemaker_submit_directory": f'"{code}"',
                     "sagemaker_program": '"train.py"', "sagemaker_container_log_level": "20",
                     "sagemaker_region": '"us-east-1"'},
    sagemaker_session=session,
)
tuner = HyperparameterTuner(
    model_trainer=trainer, objective_metric_name="loss",
    hyperparameter_ranges={"lr": ContinuousParameter(0.001, 0.1)},
    metric_definitions=[{"Name": "loss", "Regex": "loss=(.*)"}], objective_type="Minimize",
    max_jobs=4, max_parallel_jobs=2,
)
tune = TuningStep(name="Tune", step_args=tuner.tune(inputs=[InputData(channel_name="train", data_source="s3://b/t")]))
pipeline = Pipeline(name="TuneTorch", steps=[tune], sagemaker_session=session)
