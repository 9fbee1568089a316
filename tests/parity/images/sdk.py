from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.processing import Processor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

REGION = "eu-west-1"
ROLE = "arn:aws:iam::123456789012:role/R"
session = PipelineSession()


def train(name, image, instance_type="ml.m5.xlarge"):
    return TrainingStep(name=name, step_args=Estimator(
        image_uri=image, role=ROLE, instance_type=instance_type, instance_count=1, output_path="s3://bucket/models",
        sagemaker_session=session).fit())


boost = train("Boost", image_uris.retrieve("xgboost", region=REGION, version="1.7-1"))
torch = train("Torch", image_uris.retrieve("pytorch", region=REGION, version="2.1", py_version="py310",
                                           instance_type="ml.g5.xlarge", image_scope="training"), "ml.g5.xlarge")
scale = ProcessingStep(name="Scale", step_args=Processor(
    image_uri=image_uris.retrieve("sklearn", region=REGION, version="1.2-1"), role=ROLE,
    instance_type="ml.m5.xlarge", instance_count=1, entrypoint=["python3", "/opt/ml/code/scale.py"],
    sagemaker_session=session).run())
knn = train("Knn", image_uris.retrieve("knn", region=REGION, version="1"))
pipeline = Pipeline(name="Images", steps=[boost, torch, scale, knn], sagemaker_session=session)
