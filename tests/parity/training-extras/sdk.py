from sagemaker.debugger import CollectionConfig, DebuggerHookConfig, ProfilerConfig
from sagemaker.estimator import Estimator
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep
session = PipelineSession()
role = "arn:aws:iam::123456789012:role/R"
e = Estimator(image_uri="img", role=role, instance_type="ml.m5.xlarge", instance_count=1, sagemaker_session=session,
  output_path="s3://b/o", checkpoint_s3_uri="s3://b/ckpt", checkpoint_local_path="/opt/ml/checkpoints",
  use_spot_instances=True, max_wait=7200, max_run=3600, keep_alive_period_in_seconds=600,
  container_entry_point=["python", "x.py"], container_arguments=["--a", "1"], training_repository_access_mode="Vpc",
  training_repository_credentials_provider_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
  max_retry_attempts=3, enable_sagemaker_metrics=False, environment={"A": "1"}, enable_network_isolation=True, encrypt_inter_container_traffic=True,
  subnets=["s"], security_group_ids=["g"], metric_definitions=[{"Name": "m", "Regex": "r"}], tags=[{"Key": "k", "Value": "v"}], volume_kms_key="k1", output_kms_key="k2", volume_size=50)
s = TrainingStep(name="Spot", step_args=e.fit())
e1 = Estimator(image_uri="img", role=role, instance_type="ml.m5.xlarge", instance_count=1, sagemaker_session=session,
               output_path="s3://b/o",
               debugger_hook_config=DebuggerHookConfig(s3_output_path="s3://b/debug",
                                                       container_local_output_path="/opt/ml/output/tensors",
                                                       hook_parameters={"save_interval": "100"},
                                                       collection_configs=[CollectionConfig(
                                                           name="losses", parameters={"save_interval": "10"})]),
               profiler_config=ProfilerConfig(s3_output_path="s3://b/profile", system_monitor_interval_millis=500))
e2 = Estimator(image_uri="img", role=role, instance_type="ml.m5.xlarge", instance_count=1, sagemaker_session=session,
               output_path="s3://b/o", debugger_hook_config=False)
pipeline = Pipeline(name="TrainingExtras", steps=[s, TrainingStep(name="Debug", step_args=e1.fit()),
                                                  TrainingStep(name="NoHook", step_args=e2.fit())],
                    sagemaker_session=session)
