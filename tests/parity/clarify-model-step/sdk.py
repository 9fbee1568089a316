from sagemaker.clarify import BiasConfig, DataConfig, ModelConfig, ModelPredictedLabelConfig, SHAPConfig
from sagemaker.model import Model
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.clarify_check_step import ClarifyCheckStep, ModelBiasCheckConfig, ModelExplainabilityCheckConfig
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession(default_bucket="cc-bucket")
role = "arn:aws:iam::123456789012:role/R"


def job():
    return CheckJobConfig(role=role, instance_count=1, instance_type="ml.c5.xlarge", sagemaker_session=session)


make_model = ModelStep(name="MakeModel", step_args=Model(image_uri="img:serve", model_data="s3://cc-bucket/model.tar.gz",
                                                         role=role, sagemaker_session=session).create())
model_bias = ClarifyCheckStep(
    name="ModelBias",
    clarify_check_config=ModelBiasCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/test.csv", s3_output_path="s3://cc-bucket/model-bias",
                               s3_analysis_config_output_path="s3://cc-bucket/configs/model-bias/",
                               label="target", headers=["target", "age", "income", "gender"]),
        data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name="gender", facet_values_or_threshold=[0]),
        model_config=ModelConfig(model_name=make_model.properties.ModelName, instance_type="ml.m5.large",
                                 instance_count=1, accept_type="text/csv", content_type="text/csv"),
        model_predicted_label_config=ModelPredictedLabelConfig(probability_threshold=0.7)),
    check_job_config=job())
explain = ClarifyCheckStep(
    name="Explain",
    clarify_check_config=ModelExplainabilityCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/test.csv", s3_output_path="s3://cc-bucket/explain",
                               s3_analysis_config_output_path="s3://cc-bucket/configs/explain/", label=0),
        model_config=ModelConfig(model_name=make_model.properties.ModelName, instance_type="ml.m5.large",
                                 instance_count=1),
        explainability_config=SHAPConfig(baseline=[[35, 50000, 1]], num_samples=100, agg_method="mean_abs"),
        model_scores=0),
    check_job_config=job())
pipeline = Pipeline(name="ClarifyModelStep", steps=[make_model, model_bias, explain], sagemaker_session=session)
