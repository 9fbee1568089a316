# examples/multi-stage written with the SageMaker SDK v2 by hand, the way an SDK user would:
# STAGE ("dev" or "prod") is set by the test before this runs.
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionEquals
from sagemaker.workflow.functions import JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

PROD = STAGE == "prod"  # noqa: F821 - given by the test
BUCKET = "churn-production-artifacts" if PROD else "churn-dev"
ROLE = f"arn:aws:iam::123456789012:role/churn-{STAGE}"  # noqa: F821
PROCESSING_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-processing:latest"
ALGORITHMS = [
    ("xgboost", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
     {"num_round": 200 if PROD else 20}),
    ("linear", "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1",
     {"predictor_type": "binary_classifier"}),
    ("knn", "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1",
     {"k": 25 if PROD else 10, "predictor_type": "classifier", "sample_size": 50000 if PROD else 5000}),
]

session = PipelineSession(default_bucket=BUCKET)
input_data = ParameterString(name="InputData", default_value=f"s3://{BUCKET}/raw/churn.csv")


def script(entrypoint):
    return Processor(image_uri=PROCESSING_IMAGE, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                     entrypoint=["python3", entrypoint], sagemaker_session=session)


prepare = ProcessingStep(name="Prepare", step_args=script("/opt/program/prepare.py").run(
    inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/raw", input_name="raw")],
    outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
             ProcessingOutput(output_name="test", source="/opt/ml/processing/test")]))

trains = {}
for name, image, hyperparameters in ALGORITHMS:
    extra = {"max_run": 14400} if PROD else {}
    estimator = Estimator(image_uri=image, role=ROLE, instance_count=1, output_path=f"s3://{BUCKET}/models",
                          instance_type="ml.m5.4xlarge" if PROD else "ml.m5.xlarge",
                          hyperparameters=hyperparameters, sagemaker_session=session, **extra)
    trains[name] = TrainingStep(name=f"Train-{name}", step_args=estimator.fit(inputs={"train": TrainingInput(
        s3_data=prepare.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
        content_type="text/csv")}))

best = PropertyFile(name="Best", output_name="result", path="best.json")
compare = ProcessingStep(name="Compare", step_args=script("/opt/program/compare.py").run(
    inputs=[ProcessingInput(source=prepare.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                            destination="/opt/ml/processing/test", input_name="test")],
    outputs=[ProcessingOutput(output_name="result", source="/opt/ml/processing/result")],
    arguments=[trains[name].properties.ModelArtifacts.S3ModelArtifacts for name, _, _ in ALGORITHMS]),
    property_files=[best])

conditions = []
for name, image, _ in ALGORITHMS:
    register = ModelStep(name=f"Register-{name}", step_args=Model(
        image_uri=image, model_data=trains[name].properties.ModelArtifacts.S3ModelArtifacts,
        sagemaker_session=session).register(
        content_types=["text/csv"], response_types=["text/csv"], model_package_group_name=f"churn-{STAGE}",  # noqa: F821
        approval_status="PendingManualApproval" if PROD else "Approved"))
    conditions.append(ConditionStep(
        name=f"Is-{name}-Best",
        conditions=[ConditionEquals(left=JsonGet(step_name=compare.name, property_file=best, json_path="best"),
                                    right=name)],
        if_steps=[register], else_steps=[]))

pipeline = Pipeline(name=f"churn-{STAGE}", parameters=[input_data],  # noqa: F821
                    steps=[prepare, *trains.values(), compare, *conditions], sagemaker_session=session)
