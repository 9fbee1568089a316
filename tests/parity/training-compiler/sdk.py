from sagemaker.huggingface import HuggingFace
from sagemaker.huggingface import TrainingCompilerConfig as HuggingFaceCompiler
from sagemaker.pytorch import PyTorch
from sagemaker.pytorch import TrainingCompilerConfig as PyTorchCompiler
from sagemaker.tensorflow import TensorFlow
from sagemaker.tensorflow import TrainingCompilerConfig as TensorFlowCompiler
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="trcomp-bucket")
role = "arn:aws:iam::123456789012:role/R"
common = dict(entry_point="train.py", source_dir="s3://trcomp-bucket/src.tar.gz", role=role,
              output_path="s3://trcomp-bucket/out", sagemaker_session=session)
torch = PyTorch(framework_version="1.13.1", py_version="py39", instance_type="ml.p4d.24xlarge", instance_count=2,
                compiler_config=PyTorchCompiler(debug=True), distribution={"pytorchxla": {"enabled": True}}, **common)
hf = HuggingFace(transformers_version="4.21", pytorch_version="1.11", py_version="py38", instance_type="ml.p3.2xlarge",
                 instance_count=1, compiler_config=HuggingFaceCompiler(), **common)
tf = TensorFlow(framework_version="2.11", py_version="py39", model_dir="s3://trcomp-bucket/model",
                instance_type="ml.g5.xlarge", instance_count=1, compiler_config=TensorFlowCompiler(enabled=True),
                **common)
pipeline = Pipeline(name="TrainingCompiler", sagemaker_session=session, steps=[
    TrainingStep(name="Torch", step_args=torch.fit()), TrainingStep(name="Hf", step_args=hf.fit()),
    TrainingStep(name="Tf", step_args=tf.fit())])
