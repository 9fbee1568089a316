# SDK v2 equivalent of examples/end-to-end.pipe, written by hand.
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.lambda_helper import Lambda
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.transformer import Transformer
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.pipeline_experiment_config import PipelineExperimentConfig
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep, TransformStep

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest"
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
session = PipelineSession(default_bucket="churn-ml")

raw_data = ParameterString(name="RawData", default_value="s3://churn-ml/raw/customers.csv")
instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge",
                                enum_values=["ml.m5.xlarge", "ml.m5.2xlarge"])
threshold = ParameterFloat(name="AccuracyThreshold", default_value=0.8)
approval = ParameterString(name="ApprovalStatus", default_value="PendingManualApproval",
                           enum_values=["PendingManualApproval", "Approved"])

prepare = ProcessingStep(
    name="Prepare",
    step_args=Processor(image_uri=IMAGE, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                        entrypoint=["python3", "/opt/program/prepare.py"], sagemaker_session=session).run(
        inputs=[ProcessingInput(source=raw_data, destination="/opt/ml/processing/raw", input_name="raw")],
        outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
                 ProcessingOutput(output_name="test", source="/opt/ml/processing/test")],
        arguments=["--test-split", "0.2"]),
    cache_config=CacheConfig(enable_caching=True, expire_after="P7D"),
)
train = TrainingStep(
    name="Train",
    step_args=Estimator(image_uri=XGBOOST, role=ROLE, instance_type=instance_type, instance_count=1,
                        output_path="s3://churn-ml/models",
                        hyperparameters={"objective": "binary:logistic", "num_round": 200, "max_depth": 5, "eta": 0.2},
                        sagemaker_session=session).fit(inputs={"train": TrainingInput(
        s3_data=prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri, content_type="text/csv")}),
    retry_policies=[SageMakerJobStepRetryPolicy(
        exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR, SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT],
        max_attempts=3, backoff_rate=2.0)],
)
report = PropertyFile(name="Report", output_name="evaluation", path="evaluation.json")
evaluate = ProcessingStep(
    name="Evaluate",
    step_args=Processor(image_uri=IMAGE, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                        entrypoint=["python3", "/opt/program/evaluate.py"], sagemaker_session=session).run(
        inputs=[ProcessingInput(source=train.properties.ModelArtifacts.S3ModelArtifacts,
                                destination="/opt/ml/processing/model", input_name="model"),
                ProcessingInput(source=prepare.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                                destination="/opt/ml/processing/test", input_name="test")],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")]),
    property_files=[report],
)
register = ModelStep(name="Register", step_args=Model(
    image_uri=XGBOOST, model_data=train.properties.ModelArtifacts.S3ModelArtifacts, sagemaker_session=session,
).register(content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
           transform_instances=["ml.m5.xlarge"], model_package_group_name="churn-models", approval_status=approval))
create_model = ModelStep(name="CreateModel", step_args=Model(
    image_uri=XGBOOST, model_data=train.properties.ModelArtifacts.S3ModelArtifacts, role=ROLE,
    sagemaker_session=session).create())
score = TransformStep(name="Score", step_args=Transformer(
    model_name=create_model.properties.ModelName, instance_type="ml.m5.xlarge", instance_count=1,
    accept="text/csv", assemble_with="Line",
    output_path=Join(on="", values=["s3://churn-ml/scores/", ExecutionVariables.PIPELINE_EXECUTION_ID]),
    sagemaker_session=session).transform(data="s3://churn-ml/batch/customers.csv", content_type="text/csv",
                                         split_type="Line"))
notify = LambdaStep(
    name="Notify",
    lambda_func=Lambda(function_arn="arn:aws:lambda:us-east-1:123456789012:function:churn-notify", session=session),
    inputs={"pipeline": ExecutionVariables.PIPELINE_NAME, "execution": ExecutionVariables.PIPELINE_EXECUTION_ARN,
            "model_package": register.properties.ModelPackageArn,
            "scores": score.properties.TransformOutput.S3OutputPath},
    outputs=[LambdaOutput(output_name="message", output_type=LambdaOutputTypeEnum.String)],
)
reject = FailStep(name="Reject", error_message=Join(on="", values=["accuracy below ", threshold]))
good_enough = ConditionStep(
    name="GoodEnough",
    conditions=[ConditionGreaterThanOrEqualTo(
        left=JsonGet(step_name=evaluate.name, property_file=report,
                     json_path="binary_classification_metrics.accuracy.value"),
        right=threshold)],
    if_steps=[register, create_model, score, notify],
    else_steps=[reject],
)
pipeline = Pipeline(
    name="ChurnEndToEnd",
    parameters=[raw_data, instance_type, threshold, approval],
    pipeline_experiment_config=PipelineExperimentConfig(
        "churn", Join(on="", values=["churn-", ExecutionVariables.PIPELINE_EXECUTION_ID])),
    steps=[prepare, train, evaluate, good_enough],
    sagemaker_session=session,
)
