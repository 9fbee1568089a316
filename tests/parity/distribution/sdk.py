from sagemaker.huggingface import HuggingFace
from sagemaker.mxnet import MXNet
from sagemaker.pytorch import PyTorch
from sagemaker.tensorflow import TensorFlow
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep, TuningStep

session = PipelineSession(default_bucket="dist-bucket")
role = "arn:aws:iam::123456789012:role/R"
gpu_type = ParameterString(name="GpuType", default_value="ml.p4d.24xlarge")


def torch(distribution, **kw):
    args = dict(framework_version="2.1.0", py_version="py310", entry_point="train.py", source_dir="src", role=role,
                instance_type="ml.p4d.24xlarge", instance_count=2, output_path="s3://dist-bucket/out",
                sagemaker_session=session, distribution=distribution)
    args.update(kw)
    return PyTorch(**args)


def tf(distribution):
    return TensorFlow(framework_version="2.13", py_version="py310", entry_point="train.py", source_dir="src",
                      model_dir="s3://dist-bucket/model", role=role, instance_type="ml.p3.16xlarge", instance_count=2,
                      output_path="s3://dist-bucket/out", sagemaker_session=session, distribution=distribution)


estimators = {
    "TorchRun": torch({"torch_distributed": {"enabled": True}}),
    "Ddp": torch({"pytorchddp": {"enabled": True}}, hyperparameters={"epochs": 2}, instance_type=gpu_type),
    "Mpi": torch({"mpi": {"enabled": True, "processes_per_host": 8, "custom_mpi_options": "-x NCCL_DEBUG=INFO"}}),
    "ModelParallel": torch({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2,
                                                                                               "microbatches": 4}}},
                            "mpi": {"enabled": True, "processes_per_host": 8}},
                           framework_version="1.13.1", py_version="py39"),
    "ParameterServer": tf({"parameter_server": {"enabled": True}}),
    "Mirrored": tf({"multi_worker_mirrored_strategy": {"enabled": True}}),
    "MxPs": MXNet(framework_version="1.9.0", py_version="py38", entry_point="train.py", source_dir="src", role=role,
                  instance_type="ml.c5.xlarge", instance_count=2, output_path="s3://dist-bucket/out",
                  hyperparameters={"epochs": 1}, sagemaker_session=session,
                  distribution={"parameter_server": {"enabled": True}, "mpi": {"enabled": True, "processes_per_host": 2}}),
    "Hf": HuggingFace(transformers_version="4.28", pytorch_version="2.0", py_version="py310", entry_point="train.py",
                      source_dir="src", role=role, instance_type="ml.g5.12xlarge", instance_count=1,
                      output_path="s3://dist-bucket/out", sagemaker_session=session,
                      distribution={"pytorchddp": {"enabled": True}}),
}
steps = [TrainingStep(name=name, step_args=estimator.fit()) for name, estimator in estimators.items()]
tune_estimator = TensorFlow(framework_version="2.13", py_version="py310", entry_point="train.py", source_dir="src",
                            model_dir="s3://dist-bucket/model", role=role, instance_type="ml.p3.16xlarge",
                            instance_count=2, sagemaker_session=session,
                            distribution={"mpi": {"enabled": True, "processes_per_host": 8}})
tuner = HyperparameterTuner(estimator=tune_estimator, objective_metric_name="loss",
                            hyperparameter_ranges={"lr": ContinuousParameter(0.001, 0.1)},
                            metric_definitions=[{"Name": "loss", "Regex": "loss=(.*)"}], max_jobs=2,
                            max_parallel_jobs=1)
steps.append(TuningStep(name="TuneTf", step_args=tuner.fit(job_name="tf-tune")))
pipeline = Pipeline(name="Distributed", parameters=[gpu_type], steps=steps, sagemaker_session=session)
