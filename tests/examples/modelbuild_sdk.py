# examples/modelbuild/pipeline.pipe written with the SageMaker SDK v2, as the SageMaker Projects
# "modelbuild" template writes it (run from examples/modelbuild, so that code/ is found).
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

region = "us-east-1"
role = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
default_bucket = "sagemaker-abalone-artifacts"
session = PipelineSession(default_bucket=default_bucket)

processing_instance_count = ParameterInteger(name="ProcessingInstanceCount", default_value=1)
training_instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
model_approval_status = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
input_data = ParameterString(
    name="InputDataUrl",
    default_value="s3://sagemaker-servicecatalog-seedcode-us-east-1/dataset/abalone-dataset.csv",
)

sklearn_processor = SKLearnProcessor(framework_version="0.23-1", instance_type="ml.m5.xlarge",
                                     instance_count=processing_instance_count, role=role, sagemaker_session=session)
step_process = ProcessingStep(name="PreprocessAbaloneData", step_args=sklearn_processor.run(
    outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
             ProcessingOutput(output_name="validation", source="/opt/ml/processing/validation"),
             ProcessingOutput(output_name="test", source="/opt/ml/processing/test")],
    code="code/preprocess.py",
    arguments=["--input-data", input_data]))

image_uri = image_uris.retrieve(framework="xgboost", region=region, version="1.0-1", py_version="py3",
                                instance_type="ml.m5.xlarge")
xgb_train = Estimator(image_uri=image_uri, instance_type=training_instance_type, instance_count=1,
                      output_path=f"s3://{default_bucket}/Abalone/AbaloneTrain", role=role, sagemaker_session=session)
xgb_train.set_hyperparameters(objective="reg:linear", num_round=50, max_depth=5, eta=0.2, gamma=4,
                              min_child_weight=6, subsample=0.7, silent=0)
step_train = TrainingStep(name="TrainAbaloneModel", step_args=xgb_train.fit(inputs={
    "train": TrainingInput(s3_data=step_process.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                           content_type="text/csv"),
    "validation": TrainingInput(
        s3_data=step_process.properties.ProcessingOutputConfig.Outputs["validation"].S3Output.S3Uri,
        content_type="text/csv")}))

script_eval = ScriptProcessor(image_uri=image_uri, command=["python3"], instance_type="ml.m5.xlarge",
                              instance_count=1, role=role, sagemaker_session=session)
evaluation_report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
step_eval = ProcessingStep(name="EvaluateAbaloneModel", step_args=script_eval.run(
    inputs=[ProcessingInput(source=step_train.properties.ModelArtifacts.S3ModelArtifacts,
                            destination="/opt/ml/processing/model", input_name="model"),
            ProcessingInput(source=step_process.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri,
                            destination="/opt/ml/processing/test", input_name="test")],
    outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    code="code/evaluate.py"), property_files=[evaluation_report])

model_metrics = ModelMetrics(model_statistics=MetricsSource(
    s3_uri=Join(on="/", values=[
        step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"]),
    content_type="application/json"))
model = Model(image_uri=image_uri, model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
              sagemaker_session=session, role=role)
step_register = ModelStep(name="RegisterAbaloneModel", step_args=model.register(
    content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.t2.medium", "ml.m5.large"],
    transform_instances=["ml.m5.large"], model_package_group_name="AbaloneModelPackageGroup",
    approval_status=model_approval_status, model_metrics=model_metrics))

step_fail = FailStep(name="AbaloneMSEFail", error_message="Execution failed: the MSE is above 6.0")
step_cond = ConditionStep(
    name="CheckMSEAbaloneEvaluation",
    conditions=[ConditionLessThanOrEqualTo(
        left=JsonGet(step_name=step_eval.name, property_file=evaluation_report, json_path="regression_metrics.mse.value"),
        right=6.0)],
    if_steps=[step_register], else_steps=[step_fail])

pipeline = Pipeline(name="AbalonePipeline",
                    parameters=[processing_instance_count, training_instance_type, model_approval_status, input_data],
                    steps=[step_process, step_train, step_eval, step_cond], sagemaker_session=session)
