from sagemaker.automl.automl import AutoML
from sagemaker.workflow.automl_step import AutoMLStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
s = PipelineSession(default_bucket="automl-bucket")
role = "arn:aws:iam::123456789012:role/R"
step = AutoMLStep(name="AutoPilot", step_args=AutoML(role=role, target_attribute_name="y", mode="ENSEMBLING", sagemaker_session=s).fit(inputs="s3://automl-bucket/d.csv"))
best = step.get_best_auto_ml_model(role, sagemaker_session=s)
reg = ModelStep(name="RegisterBest", step_args=best.register(content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"], transform_instances=["ml.m5.large"], model_package_group_name="AutopilotModels"))
make = ModelStep(name="MakeBest", step_args=best.create(instance_type="ml.m5.large"))
pipeline = Pipeline(name="BestModel", steps=[step, reg, make], sagemaker_session=s)
