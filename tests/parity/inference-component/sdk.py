from sagemaker.workflow.inference_component_step import InferenceComponentStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession(default_bucket="ic-bucket")
endpoint = ParameterString(name="EndpointName", default_value="shared-endpoint")
small = InferenceComponentStep(name="DeploySmall", step_args=session.create_inference_component(
    inference_component_name="small-model-ic", endpoint_name=endpoint, variant_name="AllTraffic",
    specification={"ModelName": "small-model",
                   "ComputeResourceRequirements": {"NumberOfCpuCoresRequired": 1, "MinMemoryRequiredInMb": 1024}}))
large = InferenceComponentStep(
    name="DeployLarge", depends_on=[small], display_name="Large model",
    step_args=session.create_inference_component(
        inference_component_name="large-model-ic", endpoint_name=endpoint, variant_name="AllTraffic",
        specification={"ModelName": "large-model",
                       "StartupParameters": {"ModelDataDownloadTimeoutInSeconds": 600},
                       "ComputeResourceRequirements": {"NumberOfAcceleratorDevicesRequired": 1,
                                                       "MinMemoryRequiredInMb": 16384}},
        runtime_config={"CopyCount": 2}, tags={"team": "ml"}))
pipeline = Pipeline(name="InferenceComponents", parameters=[endpoint], steps=[small, large],
                    sagemaker_session=session)
