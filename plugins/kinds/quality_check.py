"""`quality_check`: `QualityCheckStep` with a `DataQualityCheckConfig` or
`ModelQualityCheckConfig` and a `CheckJobConfig`, Type `QualityCheck` (spec section 14).

`Arguments` is the baselining processing job the SDK's model monitor builds (the
model-monitor analyzer image in the pipeline's region, the dataset as the
`baseline_dataset_input` input, the results as the `quality_check_output` output, the
analysis settings as environment variables); the check's own settings follow as top-level
keys. `output_s3_uri` is required: without it the SDK makes the output path from a
timestamped job name, different on every run.
"""
from __future__ import annotations

import json
import posixpath
from typing import Any, Dict, Tuple

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, v3_unwritten

from ._check_job import JOB_FIELDS, V3_UNWRITTEN, CheckStepKind
from ._common import NETWORK_KEYS, check_map_keys, check_role

INPUT = "/opt/ml/processing/input/baseline_dataset_input"
OUTPUT = "/opt/ml/processing/output"
CHECK_TYPES = {"data_quality": ("DATA_QUALITY", "DataQualityCheckConfig"),
               "model_quality": ("MODEL_QUALITY", "ModelQualityCheckConfig")}
# the formats `DatasetFormat` makes: key -> (its method, the defaults it fills in, in order)
FORMATS: Dict[str, Tuple[str, Dict[str, Any]]] = {"csv": ("csv", {"header": True, "output_columns_position": "START"}),
           "json": ("json", {"lines": True}),
           "sagemakerCaptureJson": ("sagemaker_capture_json", {})}
# the model-quality settings, in the order the SDK writes them into the environment
MODEL_QUALITY = ("problem_type", "inference_attribute", "probability_attribute", "ground_truth_attribute",
                 "probability_threshold_attribute")
# the check's settings: top-level keys of the step (after `Arguments`), in the SDK's order
STEP_KEYS = {"check_type": "CheckType", "model_package_group_name": "ModelPackageGroupName",
             "skip_check": "SkipCheck", "fail_on_violation": "FailOnViolation",
             "register_new_baseline": "RegisterNewBaseline",
             "supplied_baseline_statistics": "SuppliedBaselineStatistics",
             "supplied_baseline_constraints": "SuppliedBaselineConstraints"}
# the scripts the analyzer runs, S3 URIs (a local file the SDK uploads under a timestamped job name)
SCRIPTS = ("record_preprocessor_script", "post_analytics_processor_script")
SCRIPT_INPUT = "/opt/ml/processing/input"
PROPERTIES = ("CalculatedBaselineConstraints", "CalculatedBaselineStatistics",
              "BaselineUsedForDriftCheckStatistics", "BaselineUsedForDriftCheckConstraints")


class QualityCheck(CheckStepKind):
    name = "quality_check"
    type = "QualityCheck"
    sdk_class = "QualityCheckStep"
    summary = "baselines or checks data or model quality (QualityCheckStep)"
    sdk_imports = {"sagemaker.workflow.quality_check_step": ("QualityCheckStep", "DataQualityCheckConfig",
                                                             "ModelQualityCheckConfig"),
                   "sagemaker.workflow.check_job_config": ("CheckJobConfig",), "sagemaker.network": ("NetworkConfig",),
                   "sagemaker.model_monitor.dataset_format": ("DatasetFormat",)}
    experiment_run = "the baselining processing job"
    step_keys = STEP_KEYS  # (read by `pipedsl import`)
    check_types = CHECK_TYPES
    properties = PROPERTIES
    what = "a quality check"
    fields = {
        "check_type": Field("string", required=True, doc="data_quality or model_quality: the check config"),
        **JOB_FIELDS,
        "baseline_dataset": Field("string", required=True, doc="S3 URI of the data (or predictions) to baseline",
                                  json="ProcessingInputs.0.S3Input.S3Uri"),
        "dataset_format": Field("map", required=True,
                                doc='as DatasetFormat makes it: { csv: { header: false } }, { json: { lines: true } } '
                                    "or { sagemakerCaptureJson: {} } (defaults filled in as the SDK does)"),
        "output_s3_uri": Field("string", required=True, doc="where the results go (required: the SDK's default "
                                                           "holds a timestamp)",
                               json="ProcessingOutputConfig.Outputs.0.S3Output.S3Uri"),
        "problem_type": Field("string", doc="model_quality: Regression, BinaryClassification or "
                                            "MulticlassClassification"),
        "inference_attribute": Field("string", doc="model_quality: the prediction's column or attribute"),
        "probability_attribute": Field("string", doc="model_quality: the probability's column or attribute"),
        "ground_truth_attribute": Field("string", doc="model_quality: the label's column or attribute"),
        "probability_threshold_attribute": Field("string", doc="model_quality: the threshold for a positive"),
        "skip_check": Field("boolean", doc="only compute a new baseline", default=False),
        "register_new_baseline": Field("boolean", doc="use the computed baseline as the new one", default=False),
        "fail_on_violation": Field("boolean", doc="fail the step when the check finds violations", default=True),
        "model_package_group_name": Field("string", doc="the group whose latest approved baselines are checked"),
        "supplied_baseline_statistics": Field("string", doc="S3 URI of statistics to check against"),
        "supplied_baseline_constraints": Field("string", doc="S3 URI of constraints to check against"),
        "record_preprocessor_script": Field("string", doc="S3 URI of a script run on each record first"),
        "post_analytics_processor_script": Field("string", doc="S3 URI of a script run on the results"),
    }
    fields = v3_unwritten(fields, V3_UNWRITTEN)
    flavours = frozenset({"v2", "v3"})  # (its v3 layout is the check kinds': _check_job.CheckStepKind)


    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "network_config", NETWORK_KEYS)
        check_type = step.attribute("check_type")
        kind = ctx.literal(check_type.value) if check_type is not None else None
        if check_type is not None and kind not in CHECK_TYPES:
            yield error("E0304", "`check_type` is data_quality or model_quality", check_type.value.span,
                        "unknown check type", did_you_mean(str(kind), CHECK_TYPES))
        if kind == "data_quality":
            for name in MODEL_QUALITY:
                if step.attribute(name) is not None:
                    yield error("E0304", f"`{name}` is a model_quality setting", step.attribute(name).name_span,
                                "not for data_quality")
        if kind == "model_quality" and step.attribute("problem_type") is None:
            yield error("E0303", "a model_quality check needs `problem_type`", check_type.name_span,
                        "`problem_type` missing", 'e.g. problem_type = "Regression"')
        dataset_format = step.attribute("dataset_format")
        if dataset_format is not None and self.dataset_format(step, ctx.program) is None:
            yield error("E0304", "`dataset_format` is { csv: { header: … } }, { json: { lines: … } } or "
                        "{ sagemakerCaptureJson: {} }, of literals", dataset_format.value.span, "not a dataset format")
        for name in SCRIPTS:
            attribute = step.attribute(name)
            value = ctx.literal(attribute.value) if attribute is not None else None
            if attribute is not None and not (isinstance(value, str) and value.startswith("s3://")):
                yield error("E0304", f"`{name}` is a literal S3 URI: the SDK uploads a local file under a "
                            "timestamped job name, and writes the file's name into the job's environment",
                            attribute.value.span, "not an S3 URI")
        if ctx.program.region is None:
            yield error("E0210", "a quality check needs the pipeline's `region`: its image differs by region",
                        step.name_span, "no region", 'add `region = "us-east-1"` to the pipeline')

    @staticmethod
    def dataset_format(step, program):
        """The dataset format as the SDK's `DatasetFormat` returns it, or None."""
        value: Any = program.literal(step.attribute("dataset_format").value)
        if not isinstance(value, dict) or len(value) != 1:
            return None
        (key, given), = value.items()
        if key not in FORMATS or not isinstance(given, dict) or set(given) - set(FORMATS[key][1]):
            return None
        return {key: {name: given.get(name, default) for name, default in FORMATS[key][1].items()}}

    def image(self, ctx):
        from dsl.semantics.images import retrieve

        return retrieve("model-monitor", ctx.program.region)

    def read_step(self, step, ctx):
        """The job's fields from their places, the check's settings from the environment the
        SDK writes and the step's own keys."""
        args = step["Arguments"]
        environment = args.get("Environment", {})
        members = [self.read_check_type(step, ctx)] + self.read_arguments(args, ctx)
        members.append(f"dataset_format = {ctx.value(json.loads(environment['dataset_format']))}")
        for name in ("problem_type", "inference_attribute", "probability_attribute", "ground_truth_attribute",
                     "probability_threshold_attribute"):
            if name in environment:
                members.append(f"{name} = {ctx.value(environment[name])}")
        inputs = {i.get("InputName"): i.get("S3Input", {}).get("S3Uri") for i in args.get("ProcessingInputs", [])}
        for name in ("record_preprocessor_script", "post_analytics_processor_script"):
            if f"{name}_input" in inputs:
                members.append(f"{name} = {ctx.value(inputs[name + '_input'])}")
        return members + self.read_check_keys(step, ctx)

    environment_keys = frozenset({"output_path", "publish_cloudwatch_metrics", "dataset_format", "dataset_source",
                                  "analysis_type", *MODEL_QUALITY, *SCRIPTS})

    def slot_environment(self, step, ctx):
        kind = ctx.program.literal(step.attribute("check_type").value)
        environment = {**(ctx.attr(step, "env") or {}), "output_path": OUTPUT, "publish_cloudwatch_metrics": "Disabled",
                       "dataset_format": json.dumps(self.dataset_format(step, ctx.program))}
        for name, uri in self._scripts(step, ctx):
            environment[name] = f"{SCRIPT_INPUT}/{name}_input/{posixpath.basename(uri)}"
        environment["dataset_source"] = INPUT
        if kind == "model_quality":
            environment["analysis_type"] = "MODEL_QUALITY"
            for name in MODEL_QUALITY:
                if step.attribute(name) is not None:
                    environment[name] = ctx.attr(step, name)
        return environment

    @staticmethod
    def _scripts(step, ctx):
        for name in SCRIPTS:
            uri = ctx.program.literal(step.attribute(name).value) if step.attribute(name) else None
            if isinstance(uri, str):
                yield name, uri

    def slot_inputs(self, step, ctx):
        scripts: list = []  # (the SDK adds the post-analytics script's input before the preprocessor's)
        for name, uri in self._scripts(step, ctx):
            scripts.insert(0, {"InputName": f"{name}_input", "AppManaged": False, "S3Input": {
                "S3Uri": uri, "LocalPath": f"{SCRIPT_INPUT}/{name}_input", "S3DataType": "S3Prefix",
                "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}})
        return [{"InputName": "baseline_dataset_input", "AppManaged": False, "S3Input": {
            "S3Uri": ctx.attr(step, "baseline_dataset"), "LocalPath": INPUT, "S3DataType": "S3Prefix",
            "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}}] + scripts

    def read_inputs(self, inputs, arguments, ctx):
        return [f"baseline_dataset = {ctx.value(inputs[0]['S3Input']['S3Uri'])}"]

    def read_outputs(self, outputs, arguments, ctx):
        return [f"output_s3_uri = {ctx.value(outputs[0]['S3Output']['S3Uri'])}"]

    def slot_outputs(self, step, ctx):
        return [{"OutputName": "quality_check_output", "AppManaged": False,
                 "S3Output": {"S3Uri": ctx.attr(step, "output_s3_uri"), "LocalPath": OUTPUT, "S3UploadMode": "EndOfJob"}}]

    def sdk_step(self, step, ctx) -> SdkStep:
        kind = ctx.program.literal(step.attribute("check_type").value)
        job, build_job = self.sdk_job(step, ctx)
        config = ctx.var_for(step.name, "check_config")
        (format_key, inner), = self.dataset_format(step, ctx.program).items()
        method = FORMATS[format_key][0]
        dataset_format = f"{ctx.imp('DatasetFormat')}.{method}({ctx.call_args((k, repr(v)) for k, v in inner.items())})"
        config_args = [("baseline_dataset", ctx.attr(step, "baseline_dataset")), ("dataset_format", dataset_format),
                       ("output_s3_uri", ctx.attr(step, "output_s3_uri"))]
        config_args += [(name, ctx.attr(step, name)) for name in SCRIPTS]
        if kind == "model_quality":
            config_args += [(name, ctx.attr(step, name)) for name in MODEL_QUALITY]
        before = (build_job, f"{config} = {ctx.imp(CHECK_TYPES[kind][1])}({ctx.call_args(config_args)})")
        kwargs = [("quality_check_config", config), ("check_job_config", job)]
        kwargs += self.sdk_step_keys(step, ctx)
        return SdkStep("QualityCheckStep", tuple((k, v) for k, v in kwargs if v is not None), before)


@hookimpl
def pipedsl_step_kinds():
    return [QualityCheck()]
