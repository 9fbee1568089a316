"""`automl`: `AutoMLStep(step_args=AutoML(...).fit(inputs=...))`, Type `AutoML`: the
CreateAutoMLJob request as `AutoMLJob._load_config` and `Session._get_auto_ml_request` build it
(the job name, `GenerateCandidateDefinitionsOnly` and `ModelDeployConfig` left out, as
`AutoMLStep.arguments` leaves them out). AutoMLStep takes only the `ENSEMBLING` mode.

    step AutoPilot: automl {
        role                  = role
        target_attribute_name = "label"
        data                  = "s3://bucket/train.csv"        # or inputs = [{ data: ..., channel_type: "training", ... }]
        mode                  = "ENSEMBLING"
        max_candidates        = 5
    }
"""
from __future__ import annotations

from dsl.diagnostics import did_you_mean, error
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import Field, SdkStep, StepKind
from dsl.extension.layout import Slot
from dsl.syntax import ir

from ._common import check_map_keys, check_role, read_tags, slot_tags

# AutoMLInput's keywords, as an `inputs` entry takes them (`data` is its `inputs`)
INPUT_KEYS = {"data": "any", "target_attribute_name": "string", "compression": "string", "channel_type": "string",
              "content_type": "string", "s3_data_type": "string", "sample_weight_attribute_name": "string"}
VPC_KEYS = {"Subnets": "list", "SecurityGroupIds": "list"}


class AutoML(StepKind):
    name = "automl"
    type = "AutoML"
    sdk_class = "AutoMLStep"
    # (v3's AutoMLStep takes the arguments of `AutoML.fit()`, and SDK 3.27.0 has no AutoML class)
    v3 = "SDK 3.27.0 has no AutoML class, whose fit() gives an AutoMLStep its arguments"
    summary = "runs an Autopilot job that trains and tunes candidate models (AutoML.fit)"
    property_root = "DescribeAutoMLJobResponse"
    request_shape = "CreateAutoMLJobRequest"
    job_step = True
    experiment_run = "the training jobs of its candidates"
    job_name_key = "AutoMLJobName"
    sdk_imports = {"sagemaker.automl.automl": ("AutoML", "AutoMLInput"),
                   "sagemaker.workflow.automl_step": ("AutoMLStep",)}
    fields = {
        "role": Field("string", required=True, doc="IAM role ARN", json="RoleArn"),
        "data": Field("any", doc="S3 URI (or a list of them) of the data, one channel each, with the settings below"),
        "inputs": Field("list", items="map", doc="AutoMLInput channels: { data, target_attribute_name, channel_type, "
                        "content_type, compression, s3_data_type, sample_weight_attribute_name }"),
        "target_attribute_name": Field("string", doc="the column to predict (each `data` channel's)"),
        "compression_type": Field("string", doc="each `data` channel's compression, e.g. Gzip"),
        "content_type": Field("string", doc="each `data` channel's content type, e.g. text/csv;header=present"),
        "s3_data_type": Field("string", doc="each `data` channel's S3 data type (default S3Prefix)"),
        "sample_weight_attribute_name": Field("string", doc="each `data` channel's sample weight column"),
        "output_path": Field("string", doc="where the job writes (default: s3://BUCKET/)",
                             json="OutputDataConfig.S3OutputPath"),
        "output_kms_key": Field("string", doc="KMS key of the output", json="OutputDataConfig.KmsKeyId"),
        "max_candidates": Field("integer", minimum=1, json="AutoMLJobConfig.CompletionCriteria.MaxCandidates",
                                doc="how many candidates to try"),
        "max_runtime_per_training_job_in_seconds": Field(
            "integer", minimum=1, json="AutoMLJobConfig.CompletionCriteria.MaxRuntimePerTrainingJobInSeconds",
            doc="time limit of each training job"),
        "total_job_runtime_in_seconds": Field(
            "integer", minimum=1, json="AutoMLJobConfig.CompletionCriteria.MaxAutoMLJobRuntimeInSeconds",
            doc="time limit of the whole job"),
        "encrypt_inter_container_traffic": Field(
            "boolean", default=False, omit="never",
            json="AutoMLJobConfig.SecurityConfig.EnableInterContainerTrafficEncryption",
            doc="encrypt traffic between the jobs' instances"),
        "volume_kms_key": Field("string", json="AutoMLJobConfig.SecurityConfig.VolumeKmsKeyId",
                                doc="KMS key of the jobs' storage"),
        "vpc_config": Field("map", json="AutoMLJobConfig.SecurityConfig.VpcConfig",
                            doc="{ Subnets: [...], SecurityGroupIds: [...] }"),
        "feature_specification_s3_uri": Field(
            "string", json="AutoMLJobConfig.CandidateGenerationConfig.FeatureSpecificationS3Uri",
            doc="S3 URI of a JSON file naming the features to use"),
        "validation_fraction": Field("number", json="AutoMLJobConfig.DataSplitConfig.ValidationFraction",
                                     doc="the fraction of the data held out for validation"),
        "mode": Field("string", required=True, json="AutoMLJobConfig.Mode",
                      doc="\"ENSEMBLING\", the one mode AutoMLStep takes"),
        "job_objective": Field("map", json="AutoMLJobObjective",
                               doc="{ MetricName: \"F1\" } (with `problem_type`)"),
        "problem_type": Field("string", json="ProblemType",
                              doc="BinaryClassification, MulticlassClassification or Regression (with `job_objective`)"),
        "tags": Field("any", doc="a map or a list of {Key, Value}"),
        "base_job_name": Field("string", doc="the job name's prefix (not in the definition: the service names the job)"),
    }
    CHANNEL_DEFAULTS = ("target_attribute_name", "compression_type", "content_type", "s3_data_type",
                        "sample_weight_attribute_name")
    layout = (
        Slot("AutoMLJobName", "job_name"),
        Slot("InputDataConfig", "channels"),
        Slot("OutputDataConfig.S3OutputPath", "output_path"), "output_kms_key",
        Slot("AutoMLJobConfig.CompletionCriteria", "completion"),
        "encrypt_inter_container_traffic", "volume_kms_key", "vpc_config",
        "feature_specification_s3_uri", "validation_fraction", "mode",
        "role", "job_objective", "problem_type",
        Slot("Tags", "tags"),
    )
    slot_tags, read_tags = slot_tags, read_tags

    # --- JSON ---------------------------------------------------------------------------
    def slot_channels(self, step, ctx):
        program = ctx.program
        if step.attribute("inputs") is not None:
            target = program.follow(step.attribute("inputs").value)
            out = []
            for item in target.items if isinstance(target, ir.ListExpr) else ():
                entry = program.follow(item)
                given = {e.key: e.value for e in entry.entries} if isinstance(entry, ir.MapExpr) else {}
                out += self.channels(given.get("data"), {k: v for k, v in given.items() if k != "data"}, ctx,
                                     channel_type=True)
            return out
        settings = {"target_attribute_name": step.attribute("target_attribute_name"),
                    "compression": step.attribute("compression_type"),
                    "content_type": step.attribute("content_type"), "s3_data_type": step.attribute("s3_data_type"),
                    "sample_weight_attribute_name": step.attribute("sample_weight_attribute_name")}
        data = step.attribute("data")
        return self.channels(data.value if data else None,
                             {k: a.value for k, a in settings.items() if a is not None}, ctx, channel_type=False)

    @staticmethod
    def channels(data, given: dict, ctx, channel_type: bool) -> list:
        """One channel per URI, as AutoMLInput.to_request_dict / _format_inputs_to_input_config
        write them (their key orders differ: an AutoMLInput puts CompressionType after the
        target, a string input first)."""
        if data is None:
            return []
        target = ctx.program.follow(data)
        uris = list(target.items) if isinstance(target, ir.ListExpr) else [data]
        out = []
        for uri in uris:
            s3 = {"S3DataType": ctx.value(given["s3_data_type"]) if "s3_data_type" in given else "S3Prefix",
                  "S3Uri": ctx.value(uri)}
            if channel_type:  # AutoMLInput
                entry = {"DataSource": {"S3DataSource": s3},
                         "TargetAttributeName": ctx.value(given["target_attribute_name"])
                         if "target_attribute_name" in given else None}
                for key, json_key in (("compression", "CompressionType"), ("channel_type", "ChannelType"),
                                      ("content_type", "ContentType")):
                    if key in given:
                        entry[json_key] = ctx.value(given[key])
            else:  # `_Job._format_string_uri_input(...).config`, then the AutoML's settings
                entry = {"DataSource": {"S3DataSource": s3}}
                if "compression" in given:
                    entry["CompressionType"] = ctx.value(given["compression"])
                entry["TargetAttributeName"] = (ctx.value(given["target_attribute_name"])
                                                if "target_attribute_name" in given else None)
                if "content_type" in given:
                    entry["ContentType"] = ctx.value(given["content_type"])
            if "sample_weight_attribute_name" in given:
                entry["SampleWeightAttributeName"] = ctx.value(given["sample_weight_attribute_name"])
            out.append(entry)
        return out

    def slot_job_name(self, step, ctx):
        """With `use_custom_job_prefix`: AutoML._prepare_for_auto_ml_job's name (32 characters)."""
        if not ctx.program.use_custom_job_prefix:
            return None
        from . import _job_names

        base = _job_names.literal_text(step, "base_job_name", ctx.program) or "automl"
        return _job_names.job_name(base, max_length=32)

    def read_job_name(self, value, arguments, ctx):
        return [f"base_job_name = {ctx.value(value)}"] if value is not None else []

    def slot_output_path(self, step, ctx):
        if step.attribute("output_path") is not None:
            return ctx.attr(step, "output_path")
        return f"s3://{ctx.program.default_bucket}/"

    def slot_completion(self, step, ctx):
        out = {}
        for name in ("max_candidates", "max_runtime_per_training_job_in_seconds", "total_job_runtime_in_seconds"):
            if step.attribute(name) is not None:
                out[self.fields[name].json.rsplit(".", 1)[1]] = ctx.attr(step, name)
        return out

    def read_completion(self, value, arguments, ctx):
        names = {self.fields[n].json.rsplit(".", 1)[1]: n for n in
                 ("max_candidates", "max_runtime_per_training_job_in_seconds", "total_job_runtime_in_seconds")}
        if set(value or {}) - set(names):
            raise ValueError("CompletionCriteria the SDK does not write")
        return [f"{names[k]} = {ctx.value(v)}" for k, v in (value or {}).items()]

    def read_output_path(self, value, arguments, ctx):
        return [] if value == f"s3://{ctx.default_bucket()}/" else [f"output_path = {ctx.value(value)}"]

    def read_channels(self, value, arguments, ctx):
        if not value:
            return []
        as_inputs = any("ChannelType" in channel or list(channel).index("TargetAttributeName") <
                        list(channel).index("CompressionType") if "CompressionType" in channel else
                        "ChannelType" in channel for channel in value)
        if as_inputs or len({channel.get("TargetAttributeName") for channel in value}) > 1 or \
                len({tuple((k, v) for k, v in channel.items() if k != "DataSource") for channel in value}) > 1:
            return [f"inputs = {ctx.value([self.read_input(channel) for channel in value])}"]
        first = value[0]
        uris = [channel["DataSource"]["S3DataSource"]["S3Uri"] for channel in value]
        members = [f"data = {ctx.value(uris[0] if len(uris) == 1 else uris)}",
                   f"target_attribute_name = {ctx.value(first.get('TargetAttributeName'))}"]
        for key, name in (("CompressionType", "compression_type"), ("ContentType", "content_type"),
                          ("SampleWeightAttributeName", "sample_weight_attribute_name")):
            if key in first:
                members.append(f"{name} = {ctx.value(first[key])}")
        data_type = first["DataSource"]["S3DataSource"].get("S3DataType")
        if data_type != "S3Prefix":
            members.append(f"s3_data_type = {ctx.value(data_type)}")
        return members

    @staticmethod
    def read_input(channel: dict) -> dict:
        """An AutoMLInput channel back to its keywords."""
        source = channel["DataSource"]["S3DataSource"]
        out = {"data": source["S3Uri"], "target_attribute_name": channel.get("TargetAttributeName")}
        for key, name in (("CompressionType", "compression"), ("ChannelType", "channel_type"),
                          ("ContentType", "content_type"), ("SampleWeightAttributeName", "sample_weight_attribute_name")):
            if key in channel:
                out[name] = channel[key]
        if source.get("S3DataType") != "S3Prefix":
            out["s3_data_type"] = source.get("S3DataType")
        return out

    # --- checks -------------------------------------------------------------------------
    def check(self, step, ctx):
        yield from check_role(step, ctx)
        yield from check_map_keys(step, ctx, "vpc_config", VPC_KEYS)
        mode = step.attribute("mode")
        if mode is not None and ctx.literal(mode.value) != "ENSEMBLING":
            yield error("E0304", "an AutoML step runs in `mode = \"ENSEMBLING\"`", mode.value.span,
                        "AutoMLStep refuses other modes", "HYPERPARAMETER_TUNING and AUTO are not supported in "
                        "pipelines (AutoMLStepInvalidModeError)")
        data, inputs = step.attribute("data"), step.attribute("inputs")
        if (data is None) == (inputs is None):
            yield error("E0303" if data is None else "E0304",
                        "an `automl` step takes `data` or `inputs`" + (", not both" if data else ""),
                        (inputs or step).name_span if data else step.name_span, "the data to learn from",
                        'e.g. data = "s3://bucket/train.csv" with target_attribute_name = "label"')
        if data is not None and not _literal_uris(ctx.program.literal(data.value)):
            yield error("E0304", "`data` is an S3 URI or a list of them, known when the pipeline is built",
                        data.value.span, "not literal", "the SDK formats it with str(), which a parameter refuses: "
                        "give a parameter as `inputs = [{ data: Param, target_attribute_name: ... }]`")
        if data is not None and step.attribute("target_attribute_name") is None:
            yield error("E0303", "`data` needs `target_attribute_name`", data.name_span, "no target",
                        "the column to predict (the SDK refuses a channel without one)")
        if inputs is not None:
            target = ctx.program.follow(inputs.value)
            for item in target.items if isinstance(target, ir.ListExpr) else ():
                entry = ctx.program.follow(item)
                if not isinstance(entry, ir.MapExpr):
                    continue
                keys = {e.key for e in entry.entries}
                for e in entry.entries:
                    if e.key not in INPUT_KEYS:
                        yield error("E0302", f"unknown key `{e.key}` in an `inputs` entry (an AutoMLInput)",
                                    e.key_span, "unknown key", did_you_mean(e.key, INPUT_KEYS) or
                                    "keys: " + ", ".join(INPUT_KEYS))
                for needed in ("data", "target_attribute_name"):
                    if needed not in keys:
                        yield error("E0303", f"an `inputs` entry needs `{needed}`", entry.span, f"no {needed}")
            for name in self.CHANNEL_DEFAULTS:
                if step.attribute(name) is not None:
                    yield error("E0304", f"`{name}` is for `data`: give it in each `inputs` entry",
                                step.attribute(name).name_span, "not with inputs")
        objective, problem = step.attribute("job_objective"), step.attribute("problem_type")
        if (objective is None) != (problem is None):
            yield error("E0304", "`problem_type` and `job_objective` go together", (objective or problem).name_span,
                        "one without the other", "give both, or neither (Autopilot then infers them)")

    def needs_default_bucket(self, step, ctx):
        if step.attribute("output_path") is None:
            yield ("output_path", step.name_span)

    # --- SDK code -------------------------------------------------------------------------
    def sdk_step(self, step, ctx) -> SdkStep:
        automl = ctx.var_for(step.name, "automl")
        skip = ("data", "inputs", "compression_type")
        args = [(name, ctx.attr(step, name)) for name in self.fields if name not in skip]
        args.append(("compression_type", ctx.attr(step, "compression_type")))
        args.append(("sagemaker_session", ctx.session))
        if step.attribute("inputs") is not None:
            target = ctx.program.follow(step.attribute("inputs").value)
            made = []
            for item in target.items:
                entry = ctx.program.follow(item)
                pairs = [("inputs" if e.key == "data" else e.key, ctx.py(e.value)) for e in entry.entries]
                made.append(f"{ctx.imp('AutoMLInput')}({ctx.call_args(pairs)})")
            fit = f"inputs=[{', '.join(made)}]"
        else:
            fit = f"inputs={ctx.attr(step, 'data')}"
        before = (f"{automl} = {ctx.imp('AutoML')}({ctx.call_args(args)})",)
        return SdkStep("AutoMLStep", (("step_args", f"{automl}.fit({fit})"),), before)


def _literal_uris(value) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(item, str) for item in items)


@hookimpl
def pipedsl_step_kinds():
    return [AutoML()]
