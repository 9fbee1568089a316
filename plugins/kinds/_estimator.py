"""The `Estimator` part shared by `training` and `tuning`: its fields, checks, channels, and
the Python that builds it."""
from __future__ import annotations

from typing import Any, Dict

from dsl.diagnostics import error
from dsl.extension.kinds import INSTANCE_TYPE, Field, sdk_keyword
from dsl.syntax import ir

from ._common import check_role

CHANNEL_FIELDS = {
    "s3_data": Field("string", required=True, doc="S3 URI of the channel's data"),
    "content_type": Field("string", doc="MIME type of the data"),
    "distribution": Field("string", doc="FullyReplicated (default) or ShardedByS3Key"),
    "s3_data_type": Field("string", doc="S3Prefix (default), ManifestFile or AugmentedManifestFile"),
    "input_mode": Field("string", doc="File, Pipe or FastFile for this channel"),
}

ESTIMATOR_FIELDS = {
    "image_uri": Field("string", required=True, doc="training image",
                       json="AlgorithmSpecification.TrainingImage"),
    "role": Field("string", required=True, doc="IAM role ARN", json="RoleArn", omit="never"),
    "instance_type": Field("string", required=True, doc="the training instances' type", **INSTANCE_TYPE,
                           json="ResourceConfig.InstanceType", omit="never"),
    "instance_count": Field("integer", required=True, minimum=1, doc="how many training instances",
                            json="ResourceConfig.InstanceCount", omit="never"),
    "volume_size": Field("integer", doc="GB of storage per instance", json="ResourceConfig.VolumeSizeInGB",
                         default=30, omit="never"),
    "max_run": Field("integer", doc="seconds the job may run", json="StoppingCondition.MaxRuntimeInSeconds",
                     default=86400, omit="never"),
    "output_path": Field("string", doc="S3 prefix for model artifacts; default s3://<default_bucket>/",
                         json="OutputDataConfig.S3OutputPath"),
    "base_job_name": Field("string", doc="job name prefix (not part of the definition)"),
    "hyperparameters": Field("map", doc="values become strings as the SDK writes them",
                             json="HyperParameters"),
    "environment": Field("map", doc="environment variables of the container", json="Environment"),
    "input_mode": Field("string", doc="File, Pipe or FastFile", json="AlgorithmSpecification.TrainingInputMode",
                        default="File", omit="never"),
    "metric_definitions": Field("list", items="map", doc="{Name, Regex} metrics read from the logs",
                                json="AlgorithmSpecification.MetricDefinitions"),
    "enable_network_isolation": Field("boolean", doc="no network access for the container",
                                      json="EnableNetworkIsolation", default=False, omit="unset"),
    "subnets": Field("list", items="string", doc="VPC subnets (with security_group_ids)",
                     json="VpcConfig.Subnets"),
    "security_group_ids": Field("list", items="string", doc="VPC security groups (with subnets)",
                                json="VpcConfig.SecurityGroupIds"),
    "volume_kms_key": Field("string", doc="KMS key of the storage volume", json="ResourceConfig.VolumeKmsKeyId"),
    "output_kms_key": Field("string", doc="KMS key of the output", json="OutputDataConfig.KmsKeyId"),
    "disable_profiler": Field("boolean", doc="turn SageMaker Profiler off", json="ProfilerConfig.DisableProfiler",
                              default=False),
    "tags": Field("any", doc="a map or a list of {Key, Value}", json="Tags"),
}


def check_estimator(step, ctx):
    yield from check_role(step, ctx)
    has_subnets = step.attribute("subnets") is not None
    has_groups = step.attribute("security_group_ids") is not None
    if has_subnets != has_groups:
        given = step.attribute("subnets" if has_subnets else "security_group_ids")
        missing = "security_group_ids" if has_subnets else "subnets"
        yield error("E0303", f"`{given.name}` needs `{missing}` too (the SDK drops a VPC config "
                    "with only one of them)", given.name_span, f"`{missing}` missing")
    profiler = step.attribute("disable_profiler")
    if profiler is not None and not isinstance(ctx.literal(profiler.value), bool):
        yield error("E0304", "`disable_profiler` must be a literal `true` or `false`",
                    profiler.value.span, "not a literal")
    hyper = step.attribute("hyperparameters")
    target = ctx.program.follow(hyper.value) if hyper is not None else None
    for entry in target.entries if isinstance(target, ir.MapExpr) else ():
        value = ctx.program.follow(entry.value)
        if isinstance(value, (ir.ListExpr, ir.MapExpr)) and ctx.literal(value) is None:
            yield error("E0304", f"hyperparameter `{entry.key}`: a list or map must hold only "
                        "literals (the SDK turns it into a string with str())", entry.value.span,
                        "holds an expression", "pass the value as its own hyperparameter, or use join(...)")
    channels: dict = {}
    for channel in step.inputs:
        name = channel.name or "training"
        span = channel.name_span or channel.span.start()
        if name in channels:
            yield error("E0101", f"channel `{name}` is declared twice", span, "declared again here",
                        notes=[(channels[name], "first declared here")])
        channels[name] = span
        if channel.value is not None:
            ctx.expect(channel.value, "string", f"channel `{name}`")
        else:
            ctx.attributes(channel.attributes, CHANNEL_FIELDS, f"channel `{name}`", owner_span=span)


def output_path(step, ctx):
    return ctx.attr(step, "output_path", f"s3://{ctx.program.default_bucket}/")


def channels(step, ctx) -> list:
    """`InputDataConfig`: one channel per `input`, as `TrainingInput` writes it."""
    out = []
    for channel in step.inputs:
        if channel.value is not None:
            fields = {"s3_data": ctx.value(channel.value)}
        else:
            fields = {a.name: ctx.value(a.value) for a in channel.attributes}
        source = {"S3DataType": fields.get("s3_data_type", "S3Prefix"), "S3Uri": fields.get("s3_data"),
                  "S3DataDistributionType": fields.get("distribution", "FullyReplicated")}
        entry: Dict[str, Any] = {"DataSource": {"S3DataSource": source}}
        if fields.get("content_type") is not None:
            entry["ContentType"] = fields["content_type"]
        if fields.get("input_mode") is not None:
            entry["InputMode"] = fields["input_mode"]
        entry["ChannelName"] = channel.name or "training"
        out.append(entry)
    return out


def hyperparameters(step, ctx, skip=()) -> dict:
    """Hyperparameters as the SDK's `to_string()` makes them."""
    hyper = step.attribute("hyperparameters")
    target = ctx.program.follow(hyper.value) if hyper is not None else None
    if not isinstance(target, ir.MapExpr):
        return {}
    return {e.key: ctx.to_string(e.value) for e in target.entries if e.key not in skip}


def sdk_estimator(step, ctx, fields, cls: str = "Estimator", extra=(), session=None) -> tuple:
    """(variable, statement) building the step's `Estimator` (or framework estimator `cls`);
    `extra` are keyword arguments the kind writes itself; `session` another session's variable."""
    estimator = ctx.var_for(step.name, "estimator")
    args = [(sdk_keyword(fields, name), ctx.attr(step, name)) for name in fields] + list(extra)
    args.append(("sagemaker_session", session or ctx.session))
    return estimator, f"{estimator} = {ctx.imp(cls)}({ctx.call_args(args)})"


def sdk_inputs(step, ctx) -> str:
    """The `inputs=` of `fit()`, or "" when the step has no channels."""
    parts = []
    for channel in step.inputs:
        if channel.value is not None:
            fields = f"s3_data={ctx.py(channel.value)}"
        else:
            fields = ctx.call_args((a.name, ctx.py(a.value)) for a in channel.attributes)
        parts.append(f"{(channel.name or 'training')!r}: {ctx.imp('TrainingInput')}({fields})")
    return f"inputs={{{', '.join(parts)}}}" if parts else ""


def docs_channels(step, ctx) -> list:
    if not step.inputs:
        return []
    out = ["Input channels:", ""]
    for channel in step.inputs:
        name = ctx.code(channel.name or "training")
        if channel.value is not None:
            out.append(f"- {name}: {ctx.code(ctx.text(channel.value))}")
        else:
            fields = {a.name: a.value for a in channel.attributes}
            extra = ", ".join(f"{k} {ctx.code(ctx.text(v))}" for k, v in fields.items() if k != "s3_data")
            data = ctx.code(ctx.text(fields["s3_data"])) if "s3_data" in fields else "?"
            out.append(f"- {name}: {data}" + (f" ({extra})" if extra else ""))
    return out + [""]


def read_channels(channels, ctx) -> list:
    """Import: `input NAME = URI` (or `input NAME { ... }`) for each training channel."""
    out = []
    for channel in channels:
        source = channel.get("DataSource", {}).get("S3DataSource", {})
        fields = [f"s3_data = {ctx.value(source.get('S3Uri'))}"]
        for key, field, default in (("S3DataType", "s3_data_type", "S3Prefix"),
                                    ("S3DataDistributionType", "distribution", "FullyReplicated")):
            if source.get(key, default) != default:
                fields.append(f"{field} = {ctx.value(source[key])}")
        for key, field in (("ContentType", "content_type"), ("InputMode", "input_mode")):
            if key in channel:
                fields.append(f"{field} = {ctx.value(channel[key])}")
        name = channel.get("ChannelName", "training")
        head = f"input {ctx.name_text(name)}"
        out.append(f"{head} = {fields[0][len('s3_data = '):]}" if len(fields) == 1 else
                   f"{head} {{ {', '.join(fields)} }}")
    return out


# --- request slots `training` and `tuning` share (dsl.extension.layout): their methods ---------------

def slot_vpc(kind, step, ctx):
    if step.attribute("subnets") is None or step.attribute("security_group_ids") is None:
        return None  # (the SDK drops a VPC config with only one of them; a check says so)
    return {"Subnets": ctx.attr(step, "subnets"), "SecurityGroupIds": ctx.attr(step, "security_group_ids")}


def read_vpc(kind, value, arguments, ctx):
    if value is None:
        return []
    if set(value) != {"Subnets", "SecurityGroupIds"}:
        raise ValueError("a VpcConfig the SDK does not write")
    return [f"subnets = {ctx.value(value['Subnets'])}", f"security_group_ids = {ctx.value(value['SecurityGroupIds'])}"]


def read_image(kind, value, arguments, ctx):
    return [f"image_uri = {ctx.value(value)}"] if value is not None else []


def read_output_path(kind, value, arguments, ctx):
    if value is None or value == f"s3://{ctx.default_bucket()}/":
        return []
    return [f"output_path = {ctx.value(value)}"]


def read_channels_slot(kind, value, arguments, ctx):
    return read_channels(value or [], ctx)


def read_hyperparameters(kind, value, arguments, ctx):
    return [f"hyperparameters = {ctx.value(value)}"] if value else []
