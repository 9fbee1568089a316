# SDK v3 (3.27.0): ModelBuilder.register() with every block v2 has: metrics, drift check
# baselines, metadata properties, life cycle, and the model card (sagemaker-core's shape: its
# content is JSON text, and comes before its status).
from sagemaker.core.drift_check_baselines import DriftCheckBaselines
from sagemaker.core.metadata_properties import MetadataProperties
from sagemaker.core.model_life_cycle import ModelLifeCycle
from sagemaker.core.model_metrics import FileSource, MetricsSource, ModelMetrics
from sagemaker.core.shapes import ModelPackageModelCard
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.model_step import ModelStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.serve.model_builder import ModelBuilder

session = PipelineSession(default_bucket="reg-bucket")
approval = ParameterString(name="Approval", default_value="PendingManualApproval")


def js(uri, **kw):
    return MetricsSource(s3_uri=uri, content_type="application/json", **kw)


metrics = ModelMetrics(
    model_statistics=js("s3://m/stats.json"), model_constraints=js("s3://m/constraints.json", content_digest="sha256:0"),
    model_data_statistics=js("s3://m/data-stats.json"), model_data_constraints=js("s3://m/data-constraints.json"),
    bias=js("s3://m/bias.json"), bias_pre_training=js("s3://m/bias-pre.json"),
    bias_post_training=js("s3://m/bias-post.json"), explainability=js("s3://m/explain.json"))
baselines = DriftCheckBaselines(
    model_statistics=js("s3://d/stats.json"), model_constraints=js("s3://d/constraints.json"),
    model_data_statistics=js("s3://d/data-stats.json"), model_data_constraints=js("s3://d/data-constraints.json"),
    bias_config_file=FileSource(s3_uri="s3://d/bias-config.json"),
    bias_pre_training_constraints=js("s3://d/bias-pre.json"), bias_post_training_constraints=js("s3://d/bias-post.json"),
    explainability_constraints=js("s3://d/explain.json"),
    explainability_config_file=FileSource(s3_uri="s3://d/explain-config.json", content_type="application/json"))
register = ModelStep(name="Register", description="register it", step_args=ModelBuilder(
    image_uri="img:serve", s3_model_data_url="s3://bucket/model.tar.gz", role_arn="arn:aws:iam::123456789012:role/R", sagemaker_session=session).register(
    content_types=["text/csv"], response_types=["text/csv"], model_package_group_name="Churn",
    approval_status=approval, description="the churn model",
    customer_metadata_properties={"owner": "ml-team"}, domain="MACHINE_LEARNING",
    sample_payload_url="s3://bucket/payload.tar.gz", task="CLASSIFICATION", source_uri="s3://bucket/source",
    skip_model_validation="All", nearest_model_name="resnet50",
    data_input_configuration='{"input_1": [1, 224, 224, 3]}', model_metrics=metrics,
    validation_specification={"ValidationRole": "arn:aws:iam::123456789012:role/V", "ValidationProfiles": []},
    metadata_properties=MetadataProperties(commit_id="0123abc", repository="https://example.com/repo.git",
                                           generated_by="ci", project_id="p-1"),
    model_life_cycle=ModelLifeCycle(stage="Development", stage_status="InProgress"),
    model_card=ModelPackageModelCard(model_card_status="Draft", model_card_content='{"model_overview": {"model_creator": "ml-team", "model_description": "churn"}}'), drift_check_baselines=baselines))
minimal = ModelStep(name="Minimal", step_args=ModelBuilder(image_uri="img:serve", role_arn="arn:aws:iam::123456789012:role/R", sagemaker_session=session).register(
    model_package_group_name="Churn", model_metrics=ModelMetrics(model_statistics=js("s3://m/stats.json")),
    drift_check_baselines=DriftCheckBaselines(bias_config_file=FileSource(s3_uri="s3://d/bias-config.json"))))
pipeline = Pipeline(name="RegisterFull", parameters=[approval], steps=[register, minimal], sagemaker_session=session)
