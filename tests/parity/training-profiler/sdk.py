from sagemaker.debugger import (DataloaderProfilingConfig, DetailedProfilingConfig, FrameworkProfile, ProfilerConfig,
                                PythonProfiler, PythonProfilingConfig, cProfileTimer)
from sagemaker.estimator import Estimator
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TrainingStep

session = PipelineSession(default_bucket="profiled-bucket")
profiles = {
    "OneRange": FrameworkProfile(start_step=5, num_steps=10),
    "PerMetric": FrameworkProfile(
        local_path="/opt/ml/output/traces", file_max_size=1048576, file_close_interval=30.5, file_open_fail_threshold=10,
        detailed_profiling_config=DetailedProfilingConfig(start_step=1, num_steps=2),
        dataloader_profiling_config=DataloaderProfilingConfig(start_unix_time=1700000000, duration=60, metrics_regex="Data.*"),
        python_profiling_config=PythonProfilingConfig(start_step=3, python_profiler=PythonProfiler.CPROFILE,
                                                      cprofile_timer=cProfileTimer.CPU_TIME)),
    "Defaults": FrameworkProfile(),
    "Pyinstrument": FrameworkProfile(python_profiling_config=PythonProfilingConfig(
        python_profiler=PythonProfiler.PYINSTRUMENT)),
}
steps = []
for name, profile in profiles.items():
    estimator = Estimator(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1",
                          role="arn:aws:iam::123456789012:role/SageMakerRole", instance_count=1,
                          instance_type="ml.p3.2xlarge", sagemaker_session=session,
                          profiler_config=ProfilerConfig(system_monitor_interval_millis=500,
                                                         framework_profile_params=profile))
    steps.append(TrainingStep(name=name, step_args=estimator.fit()))
pipeline = Pipeline(name="Profiled", steps=steps, sagemaker_session=session)
