from sagemaker.estimator import Estimator
from sagemaker.workflow.parameters import ParameterBoolean
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="debug-bucket")
chain = ParameterBoolean(name="Chain", default_value=False)
train = TrainingStep(
    name="Train",
    step_args=Estimator(image_uri="img:train", role="arn:aws:iam::123456789012:role/R",
                        instance_type="ml.m5.large", instance_count=1, enable_remote_debug=True,
                        enable_session_tag_chaining=chain, max_retry_attempts=2,
                        sagemaker_session=session).fit(),
)
plain = TrainingStep(
    name="Plain",
    step_args=Estimator(image_uri="img:train", role="arn:aws:iam::123456789012:role/R",
                        instance_type="ml.m5.large", instance_count=1, enable_remote_debug=False,
                        sagemaker_session=session).fit(),
    depends_on=[train],
)
pipeline = Pipeline(name="TrainRemoteDebug", parameters=[chain], steps=[train, plain], sagemaker_session=session)
