"""The raw-step case by hand: steps the SDK has no class for, as `Step` subclasses."""
from sagemaker.workflow.entities import PipelineVariable
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig, Step


class Ref(PipelineVariable):
    def __init__(self, step, path):
        self.step, self.path = step, path

    @property
    def expr(self):
        return {"Get": self.path}

    @property
    def _referenced_steps(self):
        return [self.step]


class Custom(Step):
    def __init__(self, name, type_, arguments, extra=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.type_, self.arguments_, self.extra = type_, arguments, extra or {}
        self.retry = None
        self.cache = None

    @property
    def arguments(self):
        return self.arguments_

    @property
    def properties(self):
        return None

    def to_request(self):
        out = {"Name": self.name, "Type": self.type_, "Arguments": self.arguments}
        if self.depends_on:
            out["DependsOn"] = list(self.depends_on)
        if self.display_name:
            out["DisplayName"] = self.display_name
        if self.retry:
            out["RetryPolicies"] = [self.retry.to_request()]
        if self.cache:
            out.update(self.cache.config)
        out.update(self.extra)
        return out


bucket = ParameterString(name="Bucket", default_value="s3://b")
custom = Custom("Custom", "Training", {
    "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::123456789012:role/R",
    "OutputDataConfig": {"S3OutputPath": Join(on="", values=[bucket, "/out"])},
    "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}, display_name="custom")
custom.retry = SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR], max_attempts=2)
custom.cache = CacheConfig(enable_caching=True, expire_after="PT1H")
other = Custom("Other", "QualityCheck", {"Model": Ref("Custom", "Steps.Custom.ModelArtifacts.S3ModelArtifacts"),
                                    "Anything": [1, "two", None]},
               extra={"OutputParameters": [{"OutputName": "o", "OutputType": "String"}]}, depends_on=["Custom"])
report = FailStep(name="Report", error_message=Ref("Other", "Steps.Other.Something['deep'].Path"))
pipeline = Pipeline(name="RawSteps", parameters=[bucket], steps=[custom, other, report])
