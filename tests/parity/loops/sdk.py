from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.processing import Processor
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

session = PipelineSession()
ROLE = "arn:aws:iam::123456789012:role/R"
MODELS = [{"name": "xgb", "image": "img:xgb", "instance": "ml.m5.large"},
          {"name": "knn", "image": "img:knn", "instance": "ml.m5.xlarge"}]
data = ParameterString(name="Data", default_value="s3://bucket/data")

trains = {}
for m in MODELS:
    estimator = Estimator(image_uri=m["image"], role=ROLE, instance_type=m["instance"], instance_count=1,
                          output_path=f"s3://bucket/models/{m['name']}", hyperparameters={"model": m["name"]},
                          sagemaker_session=session)
    trains[m["name"]] = TrainingStep(name=f"Train-{m['name']}",
                                     step_args=estimator.fit(inputs={"train": TrainingInput(s3_data=data)}))

scores = {}
for split in ["test", "holdout"]:
    for m in MODELS:
        processor = Processor(image_uri="img:score", role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                              sagemaker_session=session)
        scores[m["name"], split] = ProcessingStep(name=f"Score-{m['name']}-{split}", step_args=processor.run(
            arguments=["--split", split, "--model", trains[m["name"]].properties.ModelArtifacts.S3ModelArtifacts]))

done = FailStep(name="Done", error_message="all scored", depends_on=[scores[m["name"], "test"] for m in MODELS])
pipeline = Pipeline(name="Loops", parameters=[data], steps=[*trains.values(), *scores.values(), done],
                    sagemaker_session=session)
