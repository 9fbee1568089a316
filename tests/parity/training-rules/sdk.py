from sagemaker.debugger import CollectionConfig, DebuggerHookConfig, ProfilerRule, Rule, rule_configs
from sagemaker.estimator import Estimator
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="rules-bucket")
role = "arn:aws:iam::123456789012:role/R"
threshold = ParameterString(name="Threshold", default_value="0.1")
image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/rule:1"

builtin = Estimator(image_uri="img", role=role, instance_type="ml.m5.xlarge", instance_count=1,
                    output_path="s3://rules-bucket/out", sagemaker_session=session, rules=[
                        Rule.sagemaker(rule_configs.vanishing_gradient()),
                        Rule.sagemaker(rule_configs.exploding_tensor(), name="Exploding",
                                       rule_parameters={"only_nan": "True"}),
                        Rule.sagemaker(rule_configs.loss_not_decreasing(), rule_parameters={"num_steps": "10"},
                                       collections_to_save=[CollectionConfig(name="gradients",
                                                                             parameters={"save_interval": "500"})],
                                       other_trials_s3_input_paths=["s3://rules-bucket/other"]),
                        ProfilerRule.sagemaker(rule_configs.ProfilerReport(CPUBottleneck_threshold=60)),
                        ProfilerRule.sagemaker(rule_configs.CPUBottleneck(threshold=50, patience=100)),
                        ProfilerRule.sagemaker(rule_configs.StepOutlier()),
                    ])
custom = Estimator(image_uri="img", role=role, instance_type="ml.m5.xlarge", instance_count=1,
                   output_path="s3://rules-bucket/out", sagemaker_session=session,
                   debugger_hook_config=DebuggerHookConfig(collection_configs=[CollectionConfig(name="losses")]),
                   rules=[
                       Rule.custom(name="MyRule", image_uri=image, instance_type="ml.m5.xlarge", volume_size_in_gb=30,
                                   source="s3://rules-bucket/rule.py", rule_to_invoke="CustomRule",
                                   rule_parameters={"threshold": threshold},
                                   collections_to_save=[CollectionConfig(name="losses")],
                                   s3_output_path="s3://rules-bucket/rule-out"),
                       ProfilerRule.custom(name="MyProfilerRule", image_uri=image, instance_type="ml.m5.xlarge",
                                           volume_size_in_gb=10, rule_parameters={"window": 5}),
                   ])
pipeline = Pipeline(name="TrainingRules", parameters=[threshold], sagemaker_session=session,
                    steps=[TrainingStep(name="Builtin", step_args=builtin.fit()),
                           TrainingStep(name="Custom", step_args=custom.fit())])
