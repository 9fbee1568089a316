from sagemaker.workflow.emr_step import EMRStep, EMRStepConfig
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.steps import CacheConfig

data = ParameterString(name="Input", default_value="s3://bucket/in")
on_cluster = EMRStep(
    name="OnCluster", display_name="Run the jar", description="on the shared cluster",
    cluster_id="j-1ABCDEFGHIJKL", execution_role_arn="arn:aws:iam::123456789012:role/EmrRuntime",
    step_config=EMRStepConfig(jar="s3://bucket/job.jar", args=["--input", data], main_class="com.example.Main",
                              properties=[{"Key": "mapred.tasktracker.map.tasks.maximum", "Value": "2"}]),
    cache_config=CacheConfig(enable_caching=True),
    retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING], max_attempts=2)],
)
new_cluster = EMRStep(
    name="NewCluster", display_name=None, description=None, cluster_id=None,
    cluster_config={"Instances": {"InstanceGroups": [{"InstanceRole": "MASTER", "InstanceCount": 1,
                                                      "InstanceType": "m5.xlarge"}]},
                    "ReleaseLabel": "emr-6.15.0"},
    step_config=EMRStepConfig(jar="command-runner.jar"), depends_on=[on_cluster],
)
report = FailStep(name="Report", error_message=Join(on=" ", values=[
    on_cluster.properties.ClusterId, on_cluster.properties.Status.State, new_cluster.properties.Id,
    on_cluster.properties.ExecutionRoleArn]))
pipeline = Pipeline(name="Emr", parameters=[data], steps=[on_cluster, new_cluster, report])
