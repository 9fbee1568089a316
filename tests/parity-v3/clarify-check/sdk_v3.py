# SDK v3 (3.27.0): ClarifyCheckStep with each check config (sagemaker.core.clarify's classes); v3's
# check job as QualityCheckStep's. The analysis configs it uploads are compared with pipedsl's.
from sagemaker.core.clarify import BiasConfig, DataConfig, ImageConfig, ModelConfig, ModelPredictedLabelConfig, PDPConfig, SHAPConfig, TextConfig
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.check_job_config import CheckJobConfig
from sagemaker.mlops.workflow.clarify_check_step import ClarifyCheckStep, DataBiasCheckConfig, ModelBiasCheckConfig, ModelExplainabilityCheckConfig
from sagemaker.mlops.workflow.pipeline import Pipeline

session = PipelineSession(default_bucket="cc-bucket")
role = "arn:aws:iam::123456789012:role/R"
train_data = ParameterString(name="TrainData", default_value="s3://cc-bucket/train.csv")


def job(**extra):
    return CheckJobConfig(role=role, instance_count=1, instance_type="ml.c5.xlarge", sagemaker_session=session,
                          **extra)


headers = ["target", "age", "income", "gender"]
data_bias = ClarifyCheckStep(
    name="DataBias",
    clarify_check_config=DataBiasCheckConfig(
        data_config=DataConfig(s3_data_input_path=train_data, s3_output_path="s3://cc-bucket/bias", label=0,
                               headers=headers),
        data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name=["gender", "age"],
                                    facet_values_or_threshold=[[0], [40]], group_name="income"),
        methods=["CI", "DPL"]),
    check_job_config=job(), model_package_group_name="G", skip_check=True, register_new_baseline=True)
model_config = ModelConfig(model_name="churn-model", instance_type="ml.m5.large", instance_count=1,
                           accept_type="text/csv", content_type="text/csv")
model_bias = ClarifyCheckStep(
    name="ModelBias",
    clarify_check_config=ModelBiasCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/test.csv", s3_output_path="s3://cc-bucket/model-bias",
                               s3_analysis_config_output_path="s3://cc-bucket/configs/model-bias/",
                               label="target", headers=headers),
        data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name="gender", facet_values_or_threshold=[0]),
        model_config=model_config,
        model_predicted_label_config=ModelPredictedLabelConfig(probability_threshold=0.7)),
    check_job_config=job(volume_size_in_gb=50), supplied_baseline_constraints="s3://cc-bucket/baseline/bias.json")
explain = ClarifyCheckStep(
    name="Explain",
    clarify_check_config=ModelExplainabilityCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/test.csv", s3_output_path="s3://cc-bucket/explain",
                               label=0),
        model_config=ModelConfig(model_name="churn-model", instance_type="ml.m5.large", instance_count=1,
                                 endpoint_name_prefix="clarify-shadow"),
        explainability_config=SHAPConfig(baseline=[[35, 50000, 1]], num_samples=100, agg_method="mean_abs",
                                         save_local_shap_values=False, seed=7,
                                         text_config=TextConfig(granularity="token", language="english")),
        model_scores=0),
    check_job_config=job())
images = ClarifyCheckStep(
    name="Images",
    clarify_check_config=ModelExplainabilityCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/images/", s3_output_path="s3://cc-bucket/images-explain",
                               dataset_type="application/x-image"),
        model_config=ModelConfig(model_name="vision-model", instance_type="ml.g4dn.xlarge", instance_count=1,
                                 content_type="image/jpeg"),
        explainability_config=SHAPConfig(num_samples=50, image_config=ImageConfig(
            model_type="IMAGE_CLASSIFICATION", num_segments=20, context=1.0))),
    check_job_config=job())
pdp = ClarifyCheckStep(
    name="Pdp",
    clarify_check_config=ModelExplainabilityCheckConfig(
        data_config=DataConfig(s3_data_input_path="s3://cc-bucket/test.jsonl", s3_output_path="s3://cc-bucket/pdp",
                               dataset_type="application/jsonlines", features="features", label="label"),
        model_config=ModelConfig(model_name="churn-model", instance_type="ml.m5.large", instance_count=2,
                                 content_type="application/jsonlines", content_template='{"features":$features}'),
        explainability_config=PDPConfig(features=["age", "income"], grid_resolution=10),
        model_scores=ModelPredictedLabelConfig(label="predicted_label", probability="probability")),
    check_job_config=job())

pipeline = Pipeline(name="ClarifyChecks", parameters=[train_data], steps=[data_bias, model_bias, explain, images, pdp], sagemaker_session=session)
