from sagemaker.huggingface import HuggingFace
from sagemaker.mxnet import MXNet
from sagemaker.pytorch import PyTorch
from sagemaker.sklearn import SKLearn
from sagemaker.tensorflow import TensorFlow
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep
from sagemaker.xgboost import XGBoost

session = PipelineSession(default_bucket="fw-bucket")
role = "arn:aws:iam::123456789012:role/R"
epochs = ParameterInteger(name="Epochs", default_value=3)
optimizer = ParameterString(name="Optimizer", default_value="adam")
common = dict(role=role, instance_count=1, sagemaker_session=session)

torch = TrainingStep(name="Torch", step_args=PyTorch(
    entry_point="train.py", source_dir="src", dependencies=["lib"], framework_version="2.1", py_version="py310",
    instance_type="ml.g5.xlarge",
    hyperparameters={"epochs": epochs, "optimizer": optimizer, "lr": 0.1, "layers": [64, 32], "verbose": True},
    **common).fit(inputs={"train": "s3://bucket/train"}))
boost = TrainingStep(name="Boost", step_args=XGBoost(
    entry_point="boost.py", framework_version="1.7-1", instance_type="ml.m5.xlarge", output_path="s3://fw-bucket/boost",
    hyperparameters={"num_round": 50, "objective": "binary:logistic"}, **common).fit())
sk = TrainingStep(name="Sk", step_args=SKLearn(
    entry_point="train.py", source_dir="src", framework_version="1.2-1", instance_type="ml.m5.xlarge", **common).fit())
tf = TrainingStep(name="Tf", step_args=TensorFlow(
    entry_point="train.py", source_dir="src", framework_version="2.13", py_version="py310",
    model_dir="s3://fw-bucket/tf-model", instance_type="ml.m5.xlarge", **common).fit())
hf = TrainingStep(name="Hf", step_args=HuggingFace(
    entry_point="train.py", source_dir="src", transformers_version="4.28", pytorch_version="2.0", py_version="py310",
    instance_type="ml.g5.xlarge", hyperparameters={"epochs": 1}, **common).fit())
mx = TrainingStep(name="Mx", step_args=MXNet(
    entry_point="train.py", source_dir="s3://bucket/code/sourcedir.tar.gz", framework_version="1.9.0",
    py_version="py38", instance_type="ml.m5.xlarge", **common).fit())
pipeline = Pipeline(name="Frameworks", parameters=[epochs, optimizer], steps=[torch, boost, sk, tf, hf, mx],
                    sagemaker_session=session)
