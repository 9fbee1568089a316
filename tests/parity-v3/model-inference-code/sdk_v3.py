# SDK v3 (3.27.0): ModelBuilder with SourceCode over a training step's artifacts. ModelStep
# appends a repack job after each model step (the compiler writes them last, the one in a
# condition's branch too); the runner pins ModelTrainer's clock to the cases' build time (its
# job name keys both channels' uploads).
from sagemaker.core.shapes import OutputDataConfig
from sagemaker.core.training.configs import Compute, SourceCode
from sagemaker.core.workflow.conditions import ConditionEquals
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow.condition_step import ConditionStep
from sagemaker.mlops.workflow.fail_step import FailStep
from sagemaker.mlops.workflow.model_step import ModelStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.steps import TrainingStep
from sagemaker.serve.configs import Network
from sagemaker.serve.model_builder import ModelBuilder
from sagemaker.train import ModelTrainer

role = "arn:aws:iam::123456789012:role/R"
session = PipelineSession(default_bucket="model-bucket")
stage = ParameterString(name="Stage", default_value="prod")

first = FailStep(name="First", error_message="never")
trainer = ModelTrainer(
    training_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", role=role,
    compute=Compute(instance_type="ml.m5.large", instance_count=1), sagemaker_session=session,
)
train = TrainingStep(name="Train", step_args=trainer.train())
artifacts = train.properties.ModelArtifacts.S3ModelArtifacts

make = ModelBuilder(
    image_uri="img:serve", s3_model_data_url=artifacts, role_arn=role, env_vars={"STAGE": stage},
    network=Network(vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}, enable_network_isolation=True),
    source_code=SourceCode(source_dir="code", entry_script="inference.py"), sagemaker_session=session,
)
make_model = ModelStep(
    name="MakeModel", step_args=make.build(model_name="churn-model"), display_name="Create it",
    description="the churn model", depends_on=[first],
    repack_model_step_settings={"output_data_config": OutputDataConfig(s3_output_path="s3://model-bucket/repacked")},
)
plain = ModelBuilder(image_uri="img:serve", s3_model_data_url=artifacts, role_arn=role,
                     source_code=SourceCode(source_dir="code", entry_script="inference.py"), sagemaker_session=session)
plain_model = ModelStep(name="Plain", step_args=plain.build(model_name="plain-model"))
gate = ConditionStep(name="Gate", conditions=[ConditionEquals(left=stage, right="prod")], if_steps=[plain_model])
done = FailStep(name="Done", error_message="done", depends_on=[make_model, gate])
pipeline = Pipeline(name="ModelCode", parameters=[stage], steps=[first, train, make_model, gate, done],
                    sagemaker_session=session)
