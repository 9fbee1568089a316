from sagemaker.estimator import Estimator
from sagemaker.model import Model
from sagemaker.processing import Processor, ScriptProcessor
from sagemaker.transformer import Transformer
from sagemaker.tuner import HyperparameterTuner, IntegerParameter
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.pipeline_definition_config import PipelineDefinitionConfig
from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep, TuningStep

session = PipelineSession(default_bucket="prefix-bucket")
role = "arn:aws:iam::123456789012:role/SageMakerRole"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/a-very-long-repository-name-for-the-training-image:1.7-1"
image_param = ParameterString(name="TrainImage", default_value="123456789012.dkr.ecr.us-east-1.amazonaws.com/from-param:1")
derived = Estimator(image_uri=image, role=role, instance_count=1, instance_type="ml.m5.large",
                    output_path="s3://prefix-bucket/models", sagemaker_session=session)
named = Estimator(image_uri=image_param, role=role, instance_count=1, instance_type="ml.m5.large",
                  output_path="s3://prefix-bucket/models", base_job_name="churn-train", sagemaker_session=session)
from_param = Estimator(image_uri=image_param, role=role, instance_count=1, instance_type="ml.m5.large",
                       output_path="s3://prefix-bucket/models", sagemaker_session=session)
steps = [
    TrainingStep(name="TrainDerived", step_args=derived.fit()),
    TrainingStep(name="TrainNamed", step_args=named.fit()),
    TrainingStep(name="TrainFromParam", step_args=from_param.fit()),
    ProcessingStep(name="Prepare", step_args=ScriptProcessor(
        role=role, image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1", command=["python3"],
        instance_count=1, instance_type="ml.m5.large", sagemaker_session=session).run(code="s3://prefix-bucket/prep.py")),
    ProcessingStep(name="Report", step_args=Processor(
        role=role, image_uri=image, entrypoint=["python3"], instance_count=1, instance_type="ml.m5.large",
        base_job_name="churn-report", sagemaker_session=session).run()),
    TuningStep(name="Tune", step_args=HyperparameterTuner(
        derived, "validation:auc", {"max_depth": IntegerParameter(1, 5)}, max_jobs=2, max_parallel_jobs=1).fit()),
]
make = ModelStep(name="MakeModel", step_args=Model(
    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1", model_data="s3://prefix-bucket/model.tar.gz",
    role=role, name="churn-model", sagemaker_session=session).create())
score = TransformStep(name="Score", step_args=Transformer(
    model_name=make.properties.ModelName, instance_type="ml.m5.large", instance_count=1,
    output_path="s3://prefix-bucket/scores", sagemaker_session=session).transform(data="s3://prefix-bucket/batch"))
pipeline = Pipeline(name="Prefixed", parameters=[image_param], steps=steps + [make, score], sagemaker_session=session,
                    pipeline_definition_config=PipelineDefinitionConfig(use_custom_job_prefix=True))
