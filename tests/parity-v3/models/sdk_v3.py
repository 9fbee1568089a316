# SDK v3 (3.27.0): ModelStep with ModelBuilder.build() and .register(): a model from a training
# step's artifacts, with its network settings, a plain one, a registration with every setting
# register() writes, and steps reading their properties (no -CreateModel/-RegisterModel suffix).
from sagemaker.core.training.configs import Compute
from sagemaker.core.transformer import Transformer
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.model_step import ModelStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep, TransformStep
from sagemaker.serve.configs import Network
from sagemaker.serve.model_builder import ModelBuilder
from sagemaker.train import ModelTrainer

role = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="model-bucket")
stage = ParameterString(name="Stage", default_value="prod")
approval = ParameterString(name="Approval", default_value="PendingManualApproval")

trainer = ModelTrainer(
    training_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", role=role,
    compute=Compute(instance_type="ml.m5.large", instance_count=1), sagemaker_session=session,
)
train = TrainingStep(name="Train", step_args=trainer.train())
artifacts = train.properties.ModelArtifacts.S3ModelArtifacts

make = ModelBuilder(
    image_uri="img:serve", s3_model_data_url=artifacts, role_arn=role, env_vars={"STAGE": stage, "MODE": "batch"},
    network=Network(vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}, enable_network_isolation=True),
    sagemaker_session=session,
)
make_model = ModelStep(name="MakeModel", step_args=make.build(model_name="churn-model"), display_name="Create it")
plain = ModelBuilder(image_uri="img:serve", s3_model_data_url="s3://bucket/model.tar.gz", role_arn=role,
                     sagemaker_session=session)
plain_model = ModelStep(name="Plain", step_args=plain.build())
registered = ModelBuilder(image_uri="img:serve", s3_model_data_url=artifacts, role_arn=role,
                          env_vars={"STAGE": stage}, sagemaker_session=session)
register = ModelStep(
    name="Register",
    step_args=registered.register(
        model_package_group_name="ChurnModels", content_types=["text/csv"], response_types=["application/json"],
        inference_instances=["ml.m5.large", "ml.m5.xlarge"], transform_instances=["ml.m5.large"],
        approval_status=approval, customer_metadata_properties={"owner": "ml-team"}, domain="MACHINE_LEARNING",
        task="CLASSIFICATION", description="the churn model", sample_payload_url="s3://bucket/payload.tar.gz",
        source_uri="s3://bucket/source", skip_model_validation="All", nearest_model_name="xgboost",
        data_input_configuration='{"input": [1, 10]}',
    ),
    depends_on=[make_model],
)
transformer = Transformer(model_name=make_model.properties.ModelName, instance_type="ml.m5.large", instance_count=1,
                          output_path="s3://bucket/scores", sagemaker_session=session)
batch = TransformStep(name="Batch", step_args=transformer.transform(data="s3://bucket/batch"))
done = FailStep(name="Done", error_message=register.properties.ModelPackageArn)
pipeline = Pipeline(name="Models", parameters=[stage, approval], steps=[train, make_model, plain_model, register, batch, done],
                    sagemaker_session=session)
