# SDK v2 equivalent of examples/experiment-default.pipe (adapted from the shared conformance case seed-default).
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

pipeline_session = PipelineSession(default_bucket="my-bucket")

input_data_source = ParameterString(name="InputDataSource")
instance_count = ParameterInteger(name="InstanceCount", default_value=1)

estimator = Estimator(
    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:latest",
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    instance_type="ml.m5.xlarge",
    instance_count=instance_count,
    output_path="s3://my-bucket/out",
    sagemaker_session=pipeline_session,
)
step_my_training_step = TrainingStep(
    name="MyTrainingStep",
    step_args=estimator.fit(inputs={"training": TrainingInput(s3_data=input_data_source)}),
)

pipeline = Pipeline(
    name="MyPipeline",
    parameters=[input_data_source, instance_count],
    steps=[step_my_training_step],
    sagemaker_session=pipeline_session,
)

if __name__ == "__main__":
    print(pipeline.definition())
