"""The arguments-patch case written by hand with the SDK: the same steps, their requests
patched after the SDK builds them."""
from sagemaker.estimator import Estimator
from sagemaker.model import Model
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="b")
epochs = ParameterInteger(name="Epochs", default_value=3)


class PatchedTraining(TrainingStep):
    @property
    def arguments(self):
        args = super().arguments
        args["AlgorithmSpecification"]["EnableSageMakerMetricsTimeSeries"] = True
        del args["ProfilerConfig"]
        args["StoppingCondition"]["MaxWaitTimeInSeconds"] = 7200
        args["Environment"] = {"EPOCHS": Join(on="", values=[epochs])}
        return args


estimator = Estimator(image_uri="img", role="arn:aws:iam::123456789012:role/R", instance_type="ml.m5.large",
                      instance_count=1, output_path="s3://b/out", sagemaker_session=session)
train = PatchedTraining(name="Train", step_args=estimator.fit())


class PatchedFail(FailStep):
    @property
    def arguments(self):
        return {"ErrorMessage": train.properties.TrainingJobName}


report = PatchedFail(name="Report", error_message="x")

model = Model(image_uri="img:serve", model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
              sagemaker_session=session)
register = ModelStep(name="Register", step_args=model.register(model_package_group_name="g"))
inner = register.steps[-1]
computed = type(inner).arguments.fget


class PatchedRegister(type(inner)):
    @property
    def arguments(self):
        args = computed(self)
        args["ModelApprovalStatus"] = "Approved"
        args["SkipModelValidation"] = "All"
        return args


inner.__class__ = PatchedRegister

pipeline = Pipeline(name="Patched", parameters=[epochs], steps=[train, report, register], sagemaker_session=session)
