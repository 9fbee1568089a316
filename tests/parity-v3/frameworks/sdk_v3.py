# SDK v3 (3.27.0): framework training as a team keeps SDK v2's runtime contract with ModelTrainer
# (v3 has no framework estimators): the framework's image (SDK v2's image_uris for the version),
# the hyperparameters JSON-encoded as v2's estimators encode them (ModelTrainer keeps strings as
# they are), and sagemaker_program/_submit_directory naming the packed code. The code's keys are
# SDK v2's upload keys (the code hash; the v2 parity case `frameworks` checks them against SDK v2).
from sagemaker.core.shapes import OutputDataConfig
from sagemaker.core.training.configs import Compute, InputData
from sagemaker.core.workflow.functions import Join
from sagemaker.core.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.train import ModelTrainer

role = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="fw-bucket")
epochs = ParameterInteger(name="Epochs", default_value=3)
optimizer = ParameterString(name="Optimizer", default_value="adam")
code = "s3://fw-bucket/Frameworks/code/{}/sourcedir.tar.gz"
contract = {"sagemaker_container_log_level": "20", "sagemaker_region": '"us-east-1"'}

torch = ModelTrainer(
    training_image="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
    role=role,
    compute=Compute(instance_type="ml.g5.xlarge", instance_count=1),
    hyperparameters={
        "epochs": Join(on="", values=[epochs]), "optimizer": optimizer, "lr": "0.1", "layers": "[64, 32]",
        "verbose": "true",
        "sagemaker_submit_directory":
            '"' + code.format("c75fdf23561c1a5b7a99025fb4f36dc812e37fb8ffa900a0085654468806ce80") + '"',
        "sagemaker_program": '"train.py"', **contract,
    },
    sagemaker_session=session,
)
boost = ModelTrainer(
    training_image="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    role=role,
    compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
    output_data_config=OutputDataConfig(s3_output_path="s3://fw-bucket/boost"),
    hyperparameters={
        "num_round": "50", "objective": '"binary:logistic"',
        "sagemaker_submit_directory":
            '"' + code.format("79dbbdd3d07ae1e701c47f1e1ac5aa37ae7d681de868cbee253047d5a87dc991") + '"',
        "sagemaker_program": '"boost.py"', **contract,
    },
    sagemaker_session=session,
)
pipeline = Pipeline(
    name="Frameworks",
    parameters=[epochs, optimizer],
    steps=[
        TrainingStep(name="Torch", step_args=torch.train(
            input_data_config=[InputData(channel_name="train", data_source="s3://bucket/train")])),
        TrainingStep(name="Boost", step_args=boost.train()),
    ],
    sagemaker_session=session,
)
