from sagemaker.lineage.action import Action
from sagemaker.lineage.artifact import Artifact
from sagemaker.lineage.context import Context
from sagemaker.workflow.lineage_step import LineageAssociation, LineageEntityReference, LineageStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession(default_bucket="lineage-bucket")
data = ParameterString(name="DataUri", default_value="s3://lineage-bucket/data")
lineage = LineageStep(
    name="RecordLineage",
    artifacts=[Artifact.create(artifact_name="training-data", source_uri=data, artifact_type="DataSet",
                               source_types=[{"SourceIdType": "S3ETag", "Value": "0123abcd"}],
                               properties={"rows": "1000"}, sagemaker_session=session)],
    actions=[Action.create(action_name="approve-model", source_uri="s3://lineage-bucket/model.tar.gz",
                           action_type="Approval", status="Completed", description="manual approval",
                           tags=[{"Key": "team", "Value": "ml"}], sagemaker_session=session)],
    contexts=[Context.create(context_name="churn-project", source_uri="s3://lineage-bucket/project",
                             source_type="Project", context_type="Project", sagemaker_session=session)],
    associations=[
        LineageAssociation(source=LineageEntityReference(name="training-data", type="Artifact"),
                           destination=LineageEntityReference(name="approve-model", type="Action"),
                           association_type="ContributedTo"),
        LineageAssociation(source=LineageEntityReference(
            arn="arn:aws:sagemaker:us-east-1:123456789012:artifact/0123456789abcdef"),
            destination=LineageEntityReference(name="churn-project", type="Context")),
    ],
)
# a later step reads the ARN of an artifact the lineage step created
from sagemaker.workflow.fail_step import FailStep  # noqa: E402

report = FailStep(name="ReportArtifact", error_message=lineage.properties.ArtifactArns["training-data"])
pipeline = Pipeline(name="Lineage", parameters=[data], steps=[lineage, report], sagemaker_session=session)
